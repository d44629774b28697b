/**
 * What a repository's memory has taught SALE, as the data of a picture (the Routing Picture view draws it): per
 * agent its pass rate with a Beta credible interval against its mean execution dollars, how its pass rate moved
 * over the memory's records in order, and the last routing decisions with their reasons. Attribution is
 * routingStats' (each attempt counts for the agent that made it, escalations included). Pure.
 */
import { attemptsOf, routingStats } from './routingStats';
import type { MemoryRecord } from './memoryRecord';

export interface HistoryPoint {
  /** 1-based position of the record in the memory (its order of arrival). */
  at: number;
  passes: number;
  executions: number;
}

export interface AgentPicture {
  agent: string;
  executions: number;
  passes: number;
  /** Mean dollars of one execution (its own attempts only); null when none is costed. */
  avgExecUsd: number | null;
  /** Posterior mean and central credible interval of the pass rate, Beta(1 + passes, 1 + failures). */
  mean: number;
  low: number;
  high: number;
  /** The running pass rate after each record in which the agent ran (the last `maxHistory` of them). */
  history: HistoryPoint[];
}

export interface RoutingDecisionLine {
  at: number;
  time: string;
  task: string;
  mode: 'routed' | 'auction';
  agent: string | null;
  cause: string;
  reason: string;
}

export interface RoutingPictureData {
  repo: string;
  records: number;
  /** Tasks routed from memory without an auction, of those with a routing decision. */
  routed: number;
  decided: number;
  agents: AgentPicture[];
  /** The last routing decisions, newest first. */
  decisions: RoutingDecisionLine[];
  /** Credible level of `low`–`high`. */
  level: number;
}

/** Central `level` interval of Beta(a, b), by numeric integration on a fine grid (±0.001): enough for a picture. */
export function betaInterval(a: number, b: number, level = 0.9): { low: number; high: number } {
  const n = 2000;
  const logs: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = (i + 0.5) / n;
    logs.push((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x));
  }
  const max = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - max));
  const total = w.reduce((s, x) => s + x, 0);
  const tail = (1 - level) / 2;
  let acc = 0;
  let low = 0;
  let high = 1;
  let seenLow = false;
  for (let i = 0; i < n; i++) {
    acc += w[i] / total;
    if (!seenLow && acc >= tail) {
      low = i / n;
      seenLow = true;
    }
    if (acc >= 1 - tail) {
      high = (i + 1) / n;
      break;
    }
  }
  return { low, high };
}

/** Why a task was or was not routed, when the record predates stored reasons. */
const CAUSE_TEXT: Record<string, string> = {
  routed: 'Routed from memory: no auction held.',
  off: 'Routing from memory was off: auction held.',
  forced: 'Auction held on request.',
  empty: 'No similar task in memory yet: auction held.',
  thin: 'Memory was thin for tasks like this: auction held.',
  uncertain: 'The best agent was uncertain: auction held.',
  explore: 'Exploring: auction held although memory pointed to one agent.',
};

export function routingPicture(repo: string, records: MemoryRecord[], agents: string[] = [], opts: { maxHistory?: number; maxDecisions?: number; level?: number } = {}): RoutingPictureData {
  const maxHistory = opts.maxHistory ?? 40;
  const maxDecisions = opts.maxDecisions ?? 6;
  const level = opts.level ?? 0.9;
  const stats = routingStats(records, agents);
  const running = new Map<string, { passes: number; executions: number; history: HistoryPoint[] }>();
  records.forEach((r, i) => {
    if (!r.outcome) return;
    const touched = new Set<string>();
    for (const a of attemptsOf(r.outcome)) {
      let t = running.get(a.agent);
      if (!t) running.set(a.agent, (t = { passes: 0, executions: 0, history: [] }));
      t.executions++;
      if (a.passed) t.passes++;
      touched.add(a.agent);
    }
    for (const a of touched) {
      const t = running.get(a)!;
      t.history.push({ at: i + 1, passes: t.passes, executions: t.executions });
    }
  });
  const pictures: AgentPicture[] = stats.agents.map((s) => {
    const fails = s.executions - s.passes;
    const { low, high } = betaInterval(1 + s.passes, 1 + fails, level);
    return {
      agent: s.agent,
      executions: s.executions,
      passes: s.passes,
      avgExecUsd: s.avgExecUsd,
      mean: (1 + s.passes) / (2 + s.executions),
      low,
      high,
      history: (running.get(s.agent)?.history ?? []).slice(-maxHistory),
    };
  });
  const decided = records.map((r, i) => ({ r, at: i + 1 })).filter(({ r }) => r.routing);
  const decisions = decided.slice(-maxDecisions).reverse().map(({ r, at }) => ({
    at,
    time: r.time,
    task: r.task.text.split('\n')[0].slice(0, 120),
    mode: r.routing!.mode,
    agent: r.routing!.agent,
    cause: r.routing!.cause,
    reason: r.routing!.reason ?? CAUSE_TEXT[r.routing!.cause] ?? r.routing!.cause,
  }));
  return { repo, records: records.length, routed: decided.filter(({ r }) => r.routing!.mode === 'routed').length, decided: decided.length, agents: pictures, decisions, level };
}
