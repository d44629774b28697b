/**
 * Per-repository routing preferences learned from the auction memory: for each agent, how often it bid, won,
 * executed, passed and was kept, and what it cost. Pure: computed from MemoryRecords.
 */
import { SaleError } from '../errors';
import type { MemoryRecord, Outcome } from './memoryRecord';
import { formatUsd } from '../formatUsd';

export interface AgentRoutingStats {
  agent: string;
  bids: number;
  /** Auctions it won (before any override). */
  wins: number;
  /** Times it executed (as winner, override or escalation). */
  executions: number;
  passes: number;
  kept: number;
  reverted: number;
  /** Dollars spent executing, summed over the executions whose spend is known (see `costedExecutions`). */
  execUsd: number;
  /** Executions whose own dollars are known (an escalation in an older record has only the total). */
  costedExecutions: number;
  /** Mean execution dollars per costed execution, null when none. Never includes another agent's attempts. */
  avgExecUsd: number | null;
  /** Pass rate over executions, null when it never executed. */
  passRate: number | null;
  /** Win rate over auctions it bid in. */
  winRate: number | null;
}

export interface RoutingSummary {
  tasks: number;
  executed: number;
  passed: number;
  /** Total dollars (auction + execution) over all tasks. */
  usd: number;
  /** Dollars per solved task: the headline figure. Null when none passed. */
  usdPerSolved: number | null;
  /**
   * Attempts after a failed one: how many, how many passed, and, over those that recorded the pass estimate
   * escalation started them on, how many it expected to pass (its record for escalationCalibration.ts).
   */
  escalations: { attempts: number; passed: number; estimated: number; expected: number };
  agents: AgentRoutingStats[];
}

export function routingStats(records: MemoryRecord[], knownAgents: string[] = []): RoutingSummary {
  const by = new Map<string, AgentRoutingStats>();
  const get = (agent: string): AgentRoutingStats => {
    let s = by.get(agent);
    if (!s) {
      s = { agent, bids: 0, wins: 0, executions: 0, passes: 0, kept: 0, reverted: 0, execUsd: 0, costedExecutions: 0, avgExecUsd: null, passRate: null, winRate: null };
      by.set(agent, s);
    }
    return s;
  };
  for (const a of knownAgents) get(a);
  let executed = 0;
  let passed = 0;
  let usd = 0;
  const escalations = { attempts: 0, passed: 0, estimated: 0, expected: 0 };
  for (const r of records) {
    const bidders = new Set(r.bids.filter((b) => !b.refined).map((b) => b.agent));
    for (const a of bidders) get(a).bids++;
    if (r.winner) get(r.winner).wins++;
    usd += r.auctionUsd;
    const o = r.outcome;
    if (o) {
      executed++;
      usd += o.usd;
      if (o.passed) passed++;
      for (const a of attemptsOf(o)) {
        const s = get(a.agent);
        s.executions++;
        if (a.usd !== null) {
          s.execUsd += a.usd;
          s.costedExecutions++;
        }
        if (a.passed) s.passes++;
      }
      const runs = attemptsOf(o);
      for (let i = 1; i < runs.length; i++) {
        escalations.attempts++;
        if (runs[i].passed) escalations.passed++;
        // Only records that keep their attempts keep the estimate each escalation started on.
        const estimate = o.attempts[i]?.estimate;
        if (estimate !== undefined) {
          escalations.estimated++;
          escalations.expected += estimate;
        }
      }
      // Kept / reverted is about the change left in the tree: the last attempt's.
      const last = get(o.executedBy);
      if (o.kept === true) last.kept++;
      if (o.kept === false) last.reverted++;
    }
  }
  const agents = [...by.values()].map((s) => ({
    ...s,
    avgExecUsd: s.costedExecutions ? s.execUsd / s.costedExecutions : null,
    passRate: s.executions ? s.passes / s.executions : null,
    winRate: s.bids ? s.wins / s.bids : null,
  }));
  agents.sort((a, b) => b.wins - a.wins || b.bids - a.bids || a.agent.localeCompare(b.agent));
  return { tasks: records.length, executed, passed, usd, usdPerSolved: passed ? usd / passed : null, escalations, agents };
}

/**
 * Each agent that ran for a task, in order, with its own result and dollars. From `attempts` when recorded;
 * otherwise the escalated-from agents failed (spend unknown: null) and the last agent ran with the whole spend
 * only when nobody ran before it.
 */
export function attemptsOf(o: Outcome): { agent: string; passed: boolean; usd: number | null }[] {
  if (o.attempts.length) return o.attempts;
  return [
    ...o.escalatedFrom.map((agent) => ({ agent, passed: false, usd: null })),
    { agent: o.executedBy, passed: o.passed, usd: o.escalatedFrom.length ? null : o.usd },
  ];
}

/** One line per agent for the tree view's description. */
export function describeAgentStats(s: AgentRoutingStats): string {
  const parts = [`${s.bids} bids`, `${s.wins} wins`];
  parts.push(s.executions ? `passed ${s.passes}/${s.executions}` : 'never ran');
  if (s.avgExecUsd !== null) parts.push(`avg ${formatUsd(s.avgExecUsd)}`);
  if (s.kept || s.reverted) parts.push(`kept ${s.kept}, reverted ${s.reverted}`);
  return parts.join(' · ');
}

/** Applies the repository's pin / exclude settings to a pool's agent ids. Throws a clear message if nothing is left. */
export function selectAgents(all: string[], pinned: string[], excluded: string[]): { agents: string[]; notes: string[] } {
  const notes: string[] = [];
  const unknownPinned = pinned.filter((p) => !all.includes(p));
  const unknownExcluded = excluded.filter((p) => !all.includes(p));
  if (unknownPinned.length) notes.push(`Pinned agent(s) not in the pool, ignored: ${unknownPinned.join(', ')}.`);
  if (unknownExcluded.length) notes.push(`Excluded agent(s) not in the pool, ignored: ${unknownExcluded.join(', ')}.`);
  const pin = pinned.filter((p) => all.includes(p));
  let agents = pin.length ? all.filter((a) => pin.includes(a)) : all.slice();
  if (pin.length) notes.push(`Only pinned agents take part: ${agents.join(', ')}.`);
  const ex = excluded.filter((p) => agents.includes(p));
  if (ex.length) {
    agents = agents.filter((a) => !ex.includes(a));
    notes.push(`Excluded in this repository: ${ex.join(', ')}.`);
  }
  if (!agents.length) throw new SaleError('Every agent of the pool is excluded for this repository. Change sale.routing.excludedAgents / sale.routing.pinnedAgents.', 'no-agents');
  return { agents, notes };
}

/** One line on escalations for the Routing Preferences view: how they did, and against what their estimates said. */
export function describeEscalations(e: RoutingSummary['escalations']): string {
  if (!e.attempts) return 'Escalations: none yet';
  const line = `Escalations: ${e.passed} of ${e.attempts} passed`;
  if (!e.estimated) return line;
  const expected = e.expected.toFixed(1);
  return e.estimated === e.attempts ? `${line}, against ${expected} expected by their estimates` : `${line}; ${expected} expected by the estimates of the ${e.estimated} that recorded one`;
}
