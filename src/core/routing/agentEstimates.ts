/**
 * Per-agent estimates for one task from the repository's memory (issue 8): a Beta posterior of the agent's pass
 * probability on tasks like this one, its evidence, and its expected execution dollars. Pure: computed from
 * memory records and their similarity to the task, nothing else — no suite metadata ever reaches it.
 *
 * Evidence per similar past task (weight = BM25 similarity relative to the best match, × `otherRepoWeight` for
 * another repository): the agent that executed counts a pass or a failure; agents escalated away from count a
 * failure; each agent's plan counts `juryWeight` of an outcome, split by its jurors' mean score / 5 (the scale
 * the jury is asked for). Every record of the memory also counts `globalWeight` (what the repository as a whole
 * says about the agent), on a Beta prior of `priorStrength` observations at ½.
 *
 * With `sizeWidth` > 0 every record's weight (neighbour and global alike) is also multiplied by a Gaussian kernel
 * of the difference in task size (the natural log of the task text's word count): BM25 finds tasks about the same
 * thing, and in a repository those span easy and hard ones, so an agent that passed the short ones would be trusted
 * with a long one. Size is read from the text alone, and the kernel only reweighs this memory's own outcomes: where
 * size says nothing about outcomes, the estimates lose some evidence and nothing else.
 */
import { bestBidPerAgent } from '../auction/bestBids';
import type { MemoryRecord } from '../memory/memoryRecord';
import type { RoutingSettings } from './routingSettings';

export interface SimilarRecord {
  record: MemoryRecord;
  /** Relative BM25 similarity in (0, 1], the best match 1. */
  similarity: number;
}

export interface RoutingAgent {
  id: string;
  /** Blended $/MTok (the auction's price), used when memory holds no cost of this agent. */
  price: number;
}

export interface AgentEstimate {
  agent: string;
  /** Beta posterior of the pass probability on tasks like this one. */
  alpha: number;
  beta: number;
  mean: number;
  sd: number;
  /** Similarity-weighted observations behind the posterior (outcomes 1, jury opinions `juryWeight`). */
  evidence: number;
  /** Unweighted: similar past tasks this agent executed, and how many of them passed. */
  executed: number;
  passed: number;
  /** Expected dollars of one execution by this agent. */
  expectedUsd: number;
}

/** What the current auction's jurors thought of each agent's plan (mean score 0–5), when one was held. */
export type JuryOpinion = ReadonlyMap<string, number>;

interface Tally {
  pass: number;
  fail: number;
  executed: number;
  passed: number;
  usd: number;
  tokens: number;
}

const emptyTally = (): Tally => ({ pass: 0, fail: 0, executed: 0, passed: 0, usd: 0, tokens: 0 });

export function juryMeanOf(jury: { score: number | null }[]): number | null {
  const s = jury.map((j) => j.score).filter((x): x is number => typeof x === 'number');
  return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
}

/** A task text's size: ln of its word count (at least one word). */
export function taskSize(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.log(Math.max(1, words));
}

/** Weight of a record of size `other` for a task of size `size`: 1 at equal size, falling with the difference. */
export function sizeKernel(size: number | undefined, other: number, width: number): number {
  if (size === undefined || width <= 0) return 1;
  const z = (other - size) / width;
  return Math.exp(-0.5 * z * z);
}

/** Adds one record's evidence, weighted by `w`, to the per-agent tallies. */
function tallyRecord(t: Map<string, Tally>, r: MemoryRecord, w: number, juryWeight: number, countRuns = true): void {
  const get = (a: string) => {
    let x = t.get(a);
    if (!x) t.set(a, (x = emptyTally()));
    return x;
  };
  if (juryWeight > 0) {
    // One opinion per agent: its best-scored plan in that auction (what would have run).
    for (const [agent, b] of bestBidPerAgent(r.bids)) {
      const m = juryMeanOf(b.jury);
      if (m === null) continue;
      const q = Math.min(1, Math.max(0, m / 5));
      get(agent).pass += w * juryWeight * q;
      get(agent).fail += w * juryWeight * (1 - q);
    }
  }
  const o = r.outcome;
  if (!o) return;
  for (const a of o.escalatedFrom) get(a).fail += w;
  const x = get(o.executedBy);
  if (o.passed) x.pass += w;
  else x.fail += w;
  if (countRuns) {
    x.executed++;
    if (o.passed) x.passed++;
  }
  const attempts = 1 + o.escalatedFrom.length;
  if (attempts === 1) {
    x.usd += o.usd;
    x.tokens += o.tokens;
  }
}

/** Dollars per execution token of an agent, from its single-attempt executions in memory. */
function usdPerToken(global: Map<string, Tally>, agent: RoutingAgent): number {
  const g = global.get(agent.id);
  if (g && g.tokens > 0) return g.usd / g.tokens;
  return agent.price / 1e6;
}

/** Execution tokens of a typical attempt on tasks like this one (similarity-weighted), else over all memory. */
function expectedTokens(similar: SimilarRecord[], all: MemoryRecord[], weigh: (r: MemoryRecord) => number): number {
  const mean = (rows: { r: MemoryRecord; w: number }[]) => {
    let s = 0;
    let n = 0;
    for (const { r, w } of rows) {
      if (!r.outcome || r.outcome.tokens <= 0) continue;
      s += (w * r.outcome.tokens) / (1 + r.outcome.escalatedFrom.length);
      n += w;
    }
    return n > 0 ? s / n : undefined;
  };
  return mean(similar.map((s) => ({ r: s.record, w: s.similarity * weigh(s.record) }))) ?? mean(all.map((r) => ({ r, w: weigh(r) }))) ?? 30_000;
}

export interface EstimateInput {
  agents: RoutingAgent[];
  /** The task's neighbours in memory (already limited to `settings.neighbours`). */
  similar: SimilarRecord[];
  /** Every record of the memory (for the prior and the cost of an agent). */
  all: MemoryRecord[];
  /** The current task's repository label: neighbours from another repository weigh `otherRepoWeight`. */
  repo: string;
  settings: RoutingSettings;
  /** This task's own auction, when one was held: each agent's jurors' mean, counted as one outcome. */
  jury?: JuryOpinion;
  /** The task's text (title and body), for the size kernel; without it records are not weighed by size. */
  taskText?: string;
}

export function estimateAgents(input: EstimateInput): AgentEstimate[] {
  const { settings } = input;
  const size = input.taskText === undefined ? undefined : taskSize(input.taskText);
  const sizes = new Map<MemoryRecord, number>();
  const weigh = (r: MemoryRecord): number => {
    if (size === undefined || settings.sizeWidth <= 0) return 1;
    let s = sizes.get(r);
    if (s === undefined) sizes.set(r, (s = taskSize(r.task.text)));
    return sizeKernel(size, s, settings.sizeWidth);
  };
  const global = new Map<string, Tally>();
  for (const r of input.all) tallyRecord(global, r, 1, settings.juryWeight);
  const local = new Map<string, Tally>();
  if (settings.globalWeight > 0) for (const r of input.all) tallyRecord(local, r, settings.globalWeight * weigh(r), settings.juryWeight, false);
  for (const s of input.similar) {
    const w = s.similarity * (s.record.task.repo === input.repo ? 1 : settings.otherRepoWeight) * weigh(s.record);
    if (w > 0) tallyRecord(local, s.record, w, settings.juryWeight);
  }
  const tokens = expectedTokens(input.similar, input.all, weigh);
  return input.agents.map((agent) => {
    const priorMean = 0.5;
    const l = local.get(agent.id) ?? emptyTally();
    let pass = l.pass;
    let fail = l.fail;
    const opinion = input.jury?.get(agent.id);
    if (opinion !== undefined) {
      const q = Math.min(1, Math.max(0, opinion / 5));
      pass += q;
      fail += 1 - q;
    }
    const alpha = settings.priorStrength * priorMean + pass;
    const beta = settings.priorStrength * (1 - priorMean) + fail;
    const n = alpha + beta;
    return {
      agent: agent.id,
      alpha,
      beta,
      mean: alpha / n,
      sd: Math.sqrt((alpha * beta) / (n * n * (n + 1))),
      evidence: pass + fail,
      executed: l.executed,
      passed: l.passed,
      expectedUsd: tokens * usdPerToken(global, agent),
    };
  });
}

/**
 * Agents from least to most capable on this task (posterior mean; ties to the cheaper). Escalation and the
 * bench's cascade climb this order, never the price order.
 */
export function capabilityOrder(estimates: AgentEstimate[], price: (agent: string) => number): AgentEstimate[] {
  return [...estimates].sort((a, b) => a.mean - b.mean || price(a.agent) - price(b.agent) || a.agent.localeCompare(b.agent));
}
