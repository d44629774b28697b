/**
 * The test builders: one function for each record the tests make by hand (agents, tasks, bids, auction records,
 * memory records), with neutral defaults and overrides for what a test cares about. A test that needs a field to
 * hold a value names it at the call site, so the reader sees every number the assertion depends on.
 */
import type { BenchResults, TaskRun } from '../../../src/bench/results';
import type { AuctionRecord, Bid, ParsedPlan, UsageTotals } from '../../../src/core/auction/auctionRecord';
import { MEMORY_SCHEMA_VERSION, type MemoryBid, type MemoryRecord, type Outcome } from '../../../src/core/memory/memoryRecord';
import type { CommandApprover } from '../../../src/core/ports/commandRunner';
import type { CodingTask } from '../../../src/core/task';
import type { AgentConfig } from '../../../src/llm/poolConfig';

/**
 * A pool agent. `price` is $/MTok for input and output alike, or `[input, output]`. It points at a closed port,
 * so a call that reaches the wire by mistake fails at once instead of reaching a real endpoint.
 */
export function agent(id: string, price: number | [number, number] = 1, extra: Partial<AgentConfig> = {}): AgentConfig {
  const [inputPerMTok, outputPerMTok] = typeof price === 'number' ? [price, price] : price;
  return { id, provider: 'openai', model: id, baseUrl: 'http://127.0.0.1:9/v1', price: { inputPerMTok, outputPerMTok }, ...extra };
}

/** The task of NODE_REPO (tempRepo.ts): make add() return the sum; its tests run with `node --test`. */
export function task(over: Partial<CodingTask> = {}): CodingTask {
  return { id: 'add-fix', title: 'Fix add()', body: 'add(a, b) must return the sum.', source: 'text', repo: 'tmp', testCommand: 'node --test', ...over };
}

/** A plan with every section empty. */
export function parsedPlan(over: Partial<ParsedPlan> = {}): ParsedPlan {
  return { approach: '', files: [], commands: [], steps: [], risks: '', verification: '', sectionsFound: [], ...over };
}

/** An original (round 0) bid with zero cost, value and score, no entropy and no jury. */
export function bid(agentId: string, over: Partial<Bid> = {}): Bid {
  return {
    agent: agentId, model: agentId, round: 0, refined: false, raw: `plan of ${agentId}`, plan: parsedPlan(), tokens: 100,
    entropy: null, jury: [], juryMean: null, pricePerMTok: 1, cost: 0, valueEntropy: 0, valueJury: 0, value: 0, score: 0,
    estimatedExecUsd: 0, bidUsd: 0, ...over,
  };
}

export function usageTotals(over: Partial<UsageTotals> = {}): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0, ...over };
}

/** An auction over `bids` won by the first (override `winner`, `winnerBidIndex` for another), with no usage. */
export function auctionRecord(bids: Bid[], over: Partial<AuctionRecord> = {}): AuctionRecord {
  const winner = bids[0]?.agent ?? null;
  return {
    taskId: 't', startedAt: '', durationMs: 1, juryMode: 'per-judge', weights: { cost: 1, entropy: 1, jury: {}, juryDefault: 1 },
    bids, provisionalWinner: winner, winner, winnerBidIndex: bids.length ? 0 : null, refinements: [], explanation: [],
    usage: { bids: usageTotals(), jury: usageTotals(), refinement: usageTotals() }, ...over,
  };
}

/** A bid as memory keeps it. */
export function memoryBid(agentId: string, over: Partial<MemoryBid> = {}): MemoryBid {
  return { agent: agentId, plan: '', tokens: 100, entropy: null, jury: [], cost: 0, value: 0, score: 0, refined: false, ...over };
}

/** An execution outcome: `executedBy` passed in one attempt, not yet kept or reverted. */
export function outcome(executedBy: string, over: Partial<Outcome> = {}): Outcome {
  const passed = over.passed ?? true;
  const usd = over.usd ?? 0;
  return { executedBy, passed, turns: 1, tokens: 1, usd, kept: null, escalatedFrom: [], overridden: false, attempts: [{ agent: executedBy, passed, usd }], ...over };
}

/** A memory record with no bids, no winner and no outcome. */
export function memoryRecord(over: Partial<MemoryRecord> = {}): MemoryRecord {
  return {
    schema: MEMORY_SCHEMA_VERSION, id: 'r', time: '', task: { id: 't', text: 't', source: 'text', repo: 'repo' },
    bids: [], winner: null, auctionUsd: 0, outcome: null, ...over,
  };
}

/** One execution attempt of a bench run: one turn, one token. */
export function benchAttempt(agentId: string, passed: boolean, usd: number): TaskRun['attempts'][number] {
  return { agent: agentId, passed, reason: passed ? 'passed' : 'tests-failed', turns: 1, tokens: 1, usd, refinedPlan: false };
}

const benchUsage = (usd: number) => ({ inputTokens: 1, outputTokens: 0, tokens: 1, usd, calls: 1 });

/** A bench task run of order 0, task `t<position>`, family 'f'; `totalUsd` all execution unless `over` says otherwise. */
export function taskRun(policy: TaskRun['policy'], position: number, bin: number, attempts: TaskRun['attempts'], totalUsd: number, passed: boolean, over: Partial<TaskRun> = {}): TaskRun {
  return {
    order: 0, position, taskId: `t${position}`, family: 'f', bin, policy, chosen: attempts[0]?.agent ?? 'small', executed: attempts.map((a) => a.agent), passed, refined: false, refinedWon: false,
    escalations: Math.max(0, attempts.length - 1), largestExecuted: false, memoryBefore: 0, attempts, wallMs: 1, auction: benchUsage(0), execution: benchUsage(totalUsd), totalUsd, totalTokens: 1, ...over,
  };
}

/** Bench results of one order over `runs`, with a pool of a 'small' agent ($1/MTok) and a 'big' reference ($4/MTok). */
export function benchResults(runs: TaskRun[]): BenchResults {
  const tasks = new Set(runs.map((r) => r.taskId)).size;
  return {
    schema: 1, tool: 'sale bench', createdAt: '', simulated: true,
    pool: { path: '/p', agents: [{ id: 'small', model: 's', price: 1, inputPerMTok: 1, outputPerMTok: 1 }, { id: 'big', model: 'b', price: 4, inputPerMTok: 4, outputPerMTok: 4 }], largest: 'big', smallest: 'small', small: ['small'] },
    suite: { path: '/s', tasks, used: tasks },
    options: { policies: [...new Set(runs.map((r) => r.policy))], orders: 1, seed: 1, quick: false, testCache: true, concurrency: 1, budget: { maxTurns: 1, maxTokens: 1, maxUsd: 1 } },
    orders: [{ order: 0, requestSeed: 0, tasks: [] }],
    runs,
    timing: { wallMs: 1, realTestRuns: 0, cachedTestRuns: 0 },
  };
}

/** Command approvers that say yes, or no, to every command. */
export const approveAll: CommandApprover = { approve: async () => true };
export const approveNone: CommandApprover = { approve: async () => false };
