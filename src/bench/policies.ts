/*
 * The bench's policies (sale and its variants, single agents, router, cascade, oracle) on one task. About 300 lines:
 * each policy is a short branch over the same execution helpers, kept together so they stay comparable.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuctionMemory } from '../core/memory/auctionMemory';
import { type AuctionRecord, type Bid, type UsageTotals, type Weights, auctionUsageSum, sumUsage } from '../core/auction/auctionRecord';
import { auctionSettings } from '../core/auction/auctionSettings';
import { allowListApprover } from '../core/execution/childProcessRunner';
import { type ExecutionBudget, type ExecutionResult, runEditTestLoop } from '../core/execution/editLoop';
import { errorMessage } from '../core/errors';
import { FileJournal } from '../core/workspace/fileJournal';
import type { CommandRunner } from '../core/ports/commandRunner';
import { type SolveSettings, solveTask } from '../core/solve';
import { type SuiteEntry, copyDir, suiteRepoName } from '../core/suite';
import { type CodingTask, complexityBin, taskText } from '../core/task';
import { NO_PLAN } from '../core/auction/prompts';
import { capabilityOrder, estimateAgents } from '../core/routing/agentEstimates';
import { SIZE_KERNEL_WIDTH, routingSettings, type RoutingSettings } from '../core/routing/routingSettings';
import type { ChatModel } from '../core/ports/chatModel';
import { hashString, mulberry32 } from '../core/auction/seededShuffle';
import type { Attempt, BasePolicyName, BidFeatures, PolicyName, TaskRun, TokensUsd } from './results';
import { PAPER_OPTIONS, SALE_DEFAULTS, auctionSwitches, parseSaleVariant } from './saleVariants';
import { DescriptionRouter } from './router';

/** The plan handed to single-agent policies: there was no auction, so the agent plans for itself. */
export { NO_PLAN } from '../core/auction/prompts';

export interface PoolAgent {
  id: string;
  /** Blended $/MTok (the auction's price). */
  price: number;
}

/** Everything one policy needs along one order's stream. Nothing in here is shared with another policy. */
export interface PolicyState {
  policy: PolicyName;
  models: ChatModel[];
  /** Cheapest first. */
  ladder: PoolAgent[];
  /** The reference agent (`largest` runs it; the report compares with it). */
  reference: string;
  /** `sale`'s routing settings (calibrated thresholds, or the defaults). */
  routing?: RoutingSettings;
  runner: CommandRunner;
  budget: ExecutionBudget;
  weights?: Weights;
  /** Auction policies: this policy's own memory (a fresh in-memory store per policy and order). */
  memory?: AuctionMemory;
  /** `cascade`: its own outcomes, from which it learns the capability order it climbs. */
  cascadeMemory?: AuctionMemory;
  /** `router`: its own online state. */
  router?: DescriptionRouter;
  /** Folder under which this policy makes its fresh task copies. */
  workDir: string;
  simulated: boolean;
}

export interface TaskSlot {
  entry: SuiteEntry;
  order: number;
  position: number;
  requestSeed: number;
}

const approver = allowListApprover([]);

/**
 * What a policy may know of a suite task: what a user's real task has — its text, its repository (named from the
 * repository's own files) and the test command. Never the suite's family, minutes or key steps (issue 8).
 */
export function suiteCodingTask(entry: SuiteEntry): CodingTask {
  const t = entry.task;
  return { id: t.id, title: t.title, body: t.body, source: 'suite', repo: `bench/${suiteRepoName(entry.repoDir)}`, testCommand: t.testCommand };
}


const zeroUsage = (): TokensUsd => ({ inputTokens: 0, outputTokens: 0, tokens: 0, usd: 0, calls: 0 });

function execUsage(results: ExecutionResult[]): TokensUsd {
  const u = zeroUsage();
  for (const r of results) {
    u.inputTokens += r.inputTokens;
    u.outputTokens += r.outputTokens;
    u.usd += r.usd;
    u.calls += r.turns;
  }
  u.tokens = u.inputTokens + u.outputTokens;
  return u;
}

function auctionUsage(a: AuctionRecord): TokensUsd {
  return usageOf(auctionUsageSum(a));
}

function usageOf(s: UsageTotals): TokensUsd {
  return { inputTokens: s.inputTokens, cachedInputTokens: s.cachedInputTokens ?? 0, outputTokens: s.outputTokens, tokens: s.inputTokens + s.outputTokens, usd: s.usd, calls: s.calls };
}

function attemptOf(r: ExecutionResult, refinedPlan: boolean): Attempt {
  return { agent: r.agent, passed: r.passed, reason: r.reason, turns: r.turns, tokens: r.inputTokens + r.outputTokens, outputTokens: r.outputTokens, usd: r.usd, refinedPlan };
}

export function bidFeatures(b: Bid): BidFeatures {
  return { agent: b.agent, round: b.round, price: b.pricePerMTok, tokens: b.tokens, entropy: b.entropy, jury: b.jury.map((j) => ({ judge: j.judge, score: j.score })), score: b.score };
}

/**
 * The oracle's pick among runs of every agent: the cheapest run (actual dollars; ties to the cheaper price, then
 * pool order) that passed; when none passed, the cheapest agent's run (an oracle that knows nobody passes
 * spends as little as it can).
 */
export function oraclePick<T extends { agent: string; passed: boolean; usd: number }>(runs: T[], price: (agent: string) => number): T {
  const byCost = [...runs].sort((a, b) => a.usd - b.usd || price(a.agent) - price(b.agent));
  const passing = byCost.filter((r) => r.passed);
  if (passing.length) return passing[0];
  return [...runs].sort((a, b) => price(a.agent) - price(b.agent))[0];
}

/** Seeded pick of the `random` policy: depends only on (seed, order, task). */
export function randomPick(ladder: PoolAgent[], key: string): PoolAgent {
  const r = mulberry32(hashString(`random|${key}`))();
  return ladder[Math.min(ladder.length - 1, Math.floor(r * ladder.length))];
}

function freshCopy(state: PolicyState, slot: TaskSlot, suffix = ''): string {
  const dir = join(state.workDir, `o${slot.order}-p${String(slot.position).padStart(3, '0')}-${slot.entry.task.id}${suffix}`);
  rmSync(dir, { recursive: true, force: true });
  copyDir(slot.entry.repoDir, dir);
  return dir;
}

async function runAgent(state: PolicyState, agentId: string, task: CodingTask, root: string, seed: number, extra: { journal?: FileJournal; spent?: { tokens: number; usd: number } } = {}): Promise<ExecutionResult> {
  const model = state.models.find((m) => m.agent.id === agentId);
  if (!model) throw new Error(`no model for agent ${agentId}`);
  return runEditTestLoop({
    model, agentId, task, plan: NO_PLAN, root, runner: state.runner, approver, budget: state.budget, seed,
    journal: extra.journal ?? (await benchJournal(root)), ...(extra.spent ? { spent: extra.spent } : {}),
  });
}

/** Bench runs work on throw-away copies of suite repositories: the journal stays in memory (no write-ahead). */
function benchJournal(root: string): Promise<FileJournal> {
  return FileJournal.open(root, { durable: false });
}

/**
 * The cascade's rungs: the cheapest agent first (FrugalGPT), then `cascade` climbs the capability order that the
 * escalation of `sale` uses (estimated from the cascade's own outcomes on similar tasks), skipping any agent not
 * estimated more capable than the one below it; `cascade-by-price` climbs the price ladder.
 */
function cascadeRungs(state: PolicyState, task: CodingTask): string[] {
  const cheapest = state.ladder[0].id;
  if (state.policy === 'cascade-by-price' || !state.cascadeMemory) return state.ladder.map((a) => a.id);
  const rs = state.routing ?? routingSettings();
  const price = (id: string) => state.ladder.find((a) => a.id === id)?.price ?? Infinity;
  const est = estimateAgents({
    agents: state.ladder, similar: state.cascadeMemory.similar(task, rs.neighbours), all: state.cascadeMemory.records(), repo: task.repo, settings: rs, taskText: taskText(task),
  });
  const order = capabilityOrder(est, price).map((e) => e.agent);
  return [cheapest, ...order.slice(order.indexOf(cheapest) + 1)];
}

/** The cascade's outcome into its own memory (no bids): what its capability order learns from. */
async function recordCascade(state: PolicyState, task: CodingTask, results: ExecutionResult[]): Promise<void> {
  const mem = state.cascadeMemory;
  if (!mem) return;
  const last = results[results.length - 1];
  const empty = { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 };
  const rec = await mem.recordAuction(task, {
    taskId: task.id, startedAt: new Date().toISOString(), durationMs: 0, juryMode: 'per-judge', weights: auctionSettings().weights, bids: [],
    provisionalWinner: null, winner: null, winnerBidIndex: null, refinements: [], explanation: [], usage: { bids: empty, jury: empty, refinement: { ...empty } },
  });
  await mem.setOutcome(rec.id, {
    executedBy: last.agent, passed: last.passed, turns: results.reduce((s, r) => s + r.turns, 0),
    tokens: results.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0), usd: results.reduce((s, r) => s + r.usd, 0),
    kept: null, escalatedFrom: results.slice(0, -1).map((r) => r.agent), overridden: false,
    attempts: results.map((r) => ({ agent: r.agent, passed: r.passed, usd: r.usd })),
  });
}

/**
 * The solve settings of an auction policy (sale, sale-paper, sale-no-memory, a `sale` variant) for one request seed:
 * what its tasks run with, and what its warm start (`--warm-memory`, warmStart.ts) replays history with.
 */
export function auctionPolicySettings(state: Pick<PolicyState, 'policy' | 'budget' | 'weights' | 'routing'>, requestSeed: number): SolveSettings {
  const paper = state.policy === 'sale-paper';
  // sale-no-memory keeps the earlier flow: an auction for every task, escalation by price.
  const options = parseSaleVariant(state.policy) ?? (paper ? PAPER_OPTIONS : state.policy === 'sale-no-memory' ? { ...SALE_DEFAULTS, routing: false, capabilityEscalation: false, handoff: false } : SALE_DEFAULTS);
  return {
    auction: auctionSettings({
      seed: requestSeed,
      juryMode: paper ? 'per-pair' : 'per-judge',
      memoryLabels: paper ? 'auction' : 'outcome',
      refine: state.policy !== 'sale-no-memory',
      ...auctionSwitches(options),
      ...(state.weights ? { weights: state.weights } : {}),
    }),
    budget: state.budget,
    escalation: { enabled: !paper, maxEscalations: 1, by: options.capabilityEscalation ? 'capability' : 'price', handoff: options.handoff },
    ...(!paper ? { routing: { ...(state.routing ?? routingSettings()), enabled: options.routing, planFromMemory: options.routedPlan, checkPlan: options.planCheck, escalationPlan: options.escalationPlan, escalationNeighbours: options.escalationNeighbours, planFailures: options.failedExamples, auctionWinner: options.valueWinner ? 'value' : 'score', escalationCalibration: options.escalationCalibration, ...(options.sizeKernel ? { sizeWidth: state.routing?.sizeWidth || SIZE_KERNEL_WIDTH } : {}) } } : {}),
  };
}

/** Runs one task of one order under one policy, in fresh copies of the task's repository. */
export async function runPolicyTask(state: PolicyState, slot: TaskSlot): Promise<TaskRun> {
  const started = Date.now();
  const task = suiteCodingTask(slot.entry);
  const largest = state.reference;
  const base = {
    order: slot.order, position: slot.position, taskId: task.id, family: slot.entry.task.family, bin: complexityBin(slot.entry.task.minutes),
    policy: state.policy,
  };
  const finish = (r: Omit<TaskRun, keyof typeof base | 'wallMs' | 'totalUsd' | 'totalTokens' | 'largestExecuted' | 'executed'> & { executed?: string[] }): TaskRun => {
    const executed = r.executed ?? r.attempts.map((a) => a.agent);
    return {
      ...base, ...r, executed,
      totalUsd: r.auction.usd + (r.routedPlan?.usd ?? 0) + r.execution.usd,
      totalTokens: r.auction.tokens + (r.routedPlan?.tokens ?? 0) + r.execution.tokens,
      largestExecuted: executed.includes(largest),
      wallMs: Date.now() - started,
    };
  };
  const dirs: string[] = [];
  const copy = (suffix = '') => {
    const d = freshCopy(state, slot, suffix);
    dirs.push(d);
    return d;
  };
  const variant = parseSaleVariant(state.policy);
  try {
    switch (variant ? 'sale' : (state.policy as BasePolicyName)) {
      case 'sale':
      case 'sale-paper':
      case 'sale-no-memory': {
        const memory = state.memory!;
        const memoryBefore = memory.size;
        const settings = auctionPolicySettings(state, slot.requestSeed);
        const root = copy();
        // No preflight: the suite's test commands are known to run, and the bench measures the flow after it.
        const r = await solveTask({
          task, root, models: state.models, memory, settings, runner: state.runner, approver, simulated: state.simulated,
          journal: await benchJournal(root), preflight: false,
        });
        if (r.passed) await r.accept();
        const a = r.auction;
        const attempts: Attempt[] = (r.execution?.attempts ?? []).map((x, i) => {
          if (i === 0) return attemptOf(x, !!a.bids[r.chosenBidIndex!]?.refined);
          // Escalation runs the agent's lowest-score bid (executeWithEscalation.nextEscalationBid).
          const best = a.bids.filter((b) => b.agent === x.agent && !b.error).sort((p, q) => p.score - q.score || Number(q.refined) - Number(p.refined))[0];
          return attemptOf(x, !!best?.refined);
        });
        return finish({
          chosen: a.winner, passed: r.passed,
          // A routed task held no auction: its overhead is the plan from memory, reported on its own, and the
          // plan's check, which is a jury and counts as auction.
          ...(a.routing?.mode === 'routed' ? { auction: usageOf(a.usage.jury), routedPlan: usageOf(sumUsage(a.usage.bids, a.usage.refinement)) } : { auction: auctionUsage(a) }),
          execution: execUsage(r.execution?.attempts ?? []),
          refined: a.bids.some((b) => b.refined && !b.error), refinedWon: a.winnerBidIndex !== null && !!a.bids[a.winnerBidIndex]?.refined,
          escalations: r.execution?.escalatedFrom.length ?? 0, memoryBefore, attempts,
          bids: a.routing?.mode === 'routed' ? [] : a.bids.filter((b) => !b.error).map(bidFeatures),
          provisional: a.provisionalWinner,
          ...(a.routing ? { routing: { mode: a.routing.mode, cause: a.routing.cause, agent: a.routing.agent, reason: a.routing.reason } } : {}),
        });
      }
      case 'largest':
      case 'smallest':
      case 'random':
      case 'router': {
        let agent: string;
        const memoryBefore = state.router?.size ?? 0;
        if (state.policy === 'largest') agent = largest;
        else if (state.policy === 'smallest') agent = state.ladder[0].id;
        else if (state.policy === 'random') agent = randomPick(state.ladder, `${slot.requestSeed}|${slot.order}|${task.id}`).id;
        else agent = state.router!.decide(taskText(task)).agent;
        const res = await runAgent(state, agent, task, copy(), slot.requestSeed);
        state.router?.observe({ text: taskText(task), agent, passed: res.passed });
        return finish({
          chosen: agent, passed: res.passed, auction: zeroUsage(), execution: execUsage([res]), refined: false, refinedWon: false,
          escalations: 0, memoryBefore, attempts: [attemptOf(res, false)],
        });
      }
      case 'cascade':
      case 'cascade-by-price': {
        const root = copy();
        const journal = await benchJournal(root);
        const results: ExecutionResult[] = [];
        const spent = { tokens: 0, usd: 0 };
        for (const rung of cascadeRungs(state, task)) {
          if (results.length) await journal.revert();
          const res = await runAgent(state, rung, task, root, slot.requestSeed, { journal, spent: { ...spent } });
          results.push(res);
          spent.tokens += res.inputTokens + res.outputTokens;
          spent.usd += res.usd;
          if (res.passed || res.reason === 'budget-tokens' || res.reason === 'budget-usd' || res.reason === 'cancelled') break;
        }
        const last = results[results.length - 1];
        await recordCascade(state, task, results);
        return finish({
          chosen: state.ladder[0].id, passed: last.passed, auction: zeroUsage(), execution: execUsage(results), refined: false, refinedWon: false,
          escalations: results.length - 1, memoryBefore: 0, attempts: results.map((x) => attemptOf(x, false)),
        });
      }
      case 'oracle': {
        const runs = await Promise.all(state.ladder.map(async (a) => runAgent(state, a.id, task, copy(`-${a.id}`), slot.requestSeed)));
        const price = (id: string) => state.ladder.find((a) => a.id === id)?.price ?? Infinity;
        const pick = oraclePick(runs, price);
        return finish({
          chosen: pick.agent, passed: pick.passed, auction: zeroUsage(), execution: execUsage([pick]), refined: false, refinedWon: false,
          escalations: 0, memoryBefore: 0, attempts: runs.map((x) => attemptOf(x, false)), executed: [pick.agent],
          oracleSpentUsd: runs.reduce((s, x) => s + x.usd, 0),
        });
      }
      default:
        throw new Error(`unknown policy ${String(state.policy)}`);
    }
  } catch (e) {
    return finish({
      chosen: null, passed: false, auction: zeroUsage(), execution: zeroUsage(), refined: false, refinedWon: false, escalations: 0,
      memoryBefore: state.memory?.size ?? state.router?.size ?? 0, attempts: [], error: errorMessage(e),
    });
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
