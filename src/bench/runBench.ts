import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuctionMemory } from '../core/memory/auctionMemory';
import type { Weights } from '../core/auction/auctionRecord';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import type { ExecutionBudget } from '../core/execution/editLoop';
import { BUDGET_DEFAULTS } from '../core/engineDefaults';
import { SaleError } from '../core/errors';
import { InMemoryStore } from '../core/memory/jsonlMemoryStore';
import type { CommandRunner } from '../core/ports/commandRunner';
import { hashString, seededShuffle } from '../core/auction/seededShuffle';
import { mapLimit } from '../core/mapLimit';
import { type SuiteEntry, loadSuite } from '../core/suite';
import { complexityBin } from '../core/task';
import type { ChatModel } from '../core/ports/chatModel';
import { type PoolConfig, loadPoolFile } from '../llm/poolConfig';
import { blendedPrice } from '../core/pricing';
import { poolIsSimulated } from '../llm/poolModels';
import { startPoolModels } from '../sim/poolModelsWithSim';
import { type PolicyState, type PoolAgent, runPolicyTask } from './policies';
import { type BenchResults, isAuctionPolicy, type PolicyName, type TaskRun, type WarmupRun, roundNumbers } from './results';
import { DescriptionRouter } from './router';
import { type PreflightResult, preflightSuite } from './suitePreflight';
import { BenchCommandRunner } from './testCache';
import { type WarmMode, historySplit, warmPolicyMemory } from './warmStart';
import type { RoutingSettings } from '../core/routing/routingSettings';

export interface BenchOptions {
  suiteDir: string;
  poolPath: string;
  policies: PolicyName[];
  orders: number;
  seed: number;
  quick?: boolean;
  /** Scoring weights for the auction policies (default: the auction's defaults). */
  weights?: Weights;
  weightsFile?: string;
  /** Memoise test runs by workspace content (default true). */
  testCache?: boolean;
  /** Real test processes at once (default: number of CPUs). */
  testConcurrency?: number;
  /** (policy, order) streams in flight at once (default: all). */
  streams?: number;
  /** Run only these orders (0-based; the others are left to other workers). Default: all. */
  orderSubset?: number[];
  /** Called with the suite's preflight (suitePreflight.ts) before any task runs; only the run holding order 0 makes one. */
  onPreflight?: (p: PreflightResult) => void;
  /** Shared on-disk test-result cache (parallel workers). */
  testCacheDir?: string;
  /** Only these task ids (after --quick selection). */
  taskIds?: string[];
  budget?: ExecutionBudget;
  /** Deep-merged into the pool's top-level `sim` block (try another world without writing a pool file). */
  simOverride?: Record<string, unknown>;
  /** The reference agent's id (`--reference`); default the pool's `reference: true` agent, else the most expensive. */
  reference?: string;
  /** `sale`'s routing thresholds (from `sale calibrate --routing`); default the built-in ones. */
  routing?: RoutingSettings;
  /**
   * Measure only each repository's later tasks (its earlier ones are its history: warmStart.ts). Implied by
   * `warmMemory`; set alone it is the cold run a warm run is paired with.
   */
  historySplit?: boolean;
  /** Fill each auction policy's memory from every repository's history before its stream (`--warm-memory`). */
  warmMemory?: WarmMode;
  /** Inner command runner (tests inject a fake one). */
  runner?: CommandRunner;
  onProgress?: (done: number, total: number, run: TaskRun) => void;
}

/** The bench measures what a CLI user gets: the CLI's budget. */
export const DEFAULT_BENCH_BUDGET: ExecutionBudget = { ...BUDGET_DEFAULTS };

/** `--quick`: the two first tasks (by id) of every complexity bin — every bin, several families, a tenth of the work. */
export function quickSubset(suite: SuiteEntry[], perBin = 2): SuiteEntry[] {
  const out: SuiteEntry[] = [];
  for (const bin of [1, 2, 3, 4, 5]) out.push(...suite.filter((e) => complexityBin(e.task.minutes) === bin).slice(0, perBin));
  return out;
}

/** The simulator request seed of an order: shared by every policy, so success draws are paired across policies. */
export function orderRequestSeed(seed: number, order: number): number {
  return hashString(`bench-seed|${seed}|${order}`) % 1_000_000_007;
}

export function orderTasks(entries: SuiteEntry[], seed: number, order: number): SuiteEntry[] {
  return seededShuffle(entries, `bench-order|${seed}|${order}`);
}

export function poolLadder(pool: PoolConfig): PoolAgent[] {
  return pool.agents.map((a) => ({ id: a.id, price: blendedPrice(a.price) })).sort((a, b) => a.price - b.price || a.id.localeCompare(b.id));
}

interface PolicyModels {
  models: ChatModel[];
  close(): Promise<void>;
}

/**
 * One set of models per policy. With simulated agents every policy gets its OWN simulator server: the
 * simulator remembers the plans it wrote (plan text → success draw), and two policies must not share that.
 */
function modelsFor(pool: PoolConfig, suiteDir: string): Promise<PolicyModels> {
  return startPoolModels(pool, { suiteDir });
}

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  if (!(opts.orders >= 1)) throw new SaleError('--orders must be at least 1');
  if (!opts.policies.length) throw new SaleError('--policies is empty');
  const suiteDir = resolve(opts.suiteDir);
  const poolPath = resolve(opts.poolPath);
  const loaded = loadPoolFile(poolPath);
  const pool: PoolConfig = opts.simOverride ? { ...loaded, sim: deepMerge(loaded.sim ?? {}, opts.simOverride) } : loaded;
  const suite = loadSuite(suiteDir);
  let entries = opts.quick ? quickSubset(suite) : suite;
  if (opts.taskIds) {
    const want = new Set(opts.taskIds);
    entries = entries.filter((e) => want.has(e.task.id));
  }
  const split = opts.historySplit || opts.warmMemory ? historySplit(entries) : undefined;
  if (split) entries = split.flatMap((s) => s.measured);
  if (!entries.length) throw new SaleError('No tasks to run.');
  const ladder = poolLadder(pool);
  const { id: reference, source: referenceSource } = referenceAgent(pool, ladder, opts.reference);
  const small = ladder.slice(0, Math.max(1, Math.floor(ladder.length / 2))).map((a) => a.id);
  const budget = opts.budget ?? DEFAULT_BENCH_BUDGET;
  const simulated = poolIsSimulated(pool);
  const testCache = opts.testCache ?? true;
  const runner = new BenchCommandRunner(opts.runner ?? new ChildProcessCommandRunner(), {
    limit: opts.testConcurrency ?? Math.max(1, cpus().length), cache: testCache, ...(opts.testCacheDir ? { dir: opts.testCacheDir } : {}),
  });
  const work = mkdtempSync(join(tmpdir(), 'sale-bench-'));
  // A process that exits mid-run (a bench worker whose parent died exits at once) still removes its work folder.
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.once('exit', removeWork);

  // One preflight per bench: worker processes split the orders, and the one holding order 0 makes it.
  const preflight = !opts.orderSubset || opts.orderSubset.includes(0)
    ? await preflightSuite(entries, runner, { concurrency: opts.testConcurrency ?? Math.max(1, cpus().length) })
    : undefined;
  if (preflight) opts.onPreflight?.(preflight);

  const orders = Array.from({ length: opts.orders }, (_, o) => ({ order: o, requestSeed: orderRequestSeed(opts.seed, o), tasks: orderTasks(entries, opts.seed, o) }));
  const perPolicy = new Map<PolicyName, PolicyModels>();
  const runs: TaskRun[] = [];
  const warmups: WarmupRun[] = [];
  const mine = orders.filter((o) => !opts.orderSubset || opts.orderSubset.includes(o.order));
  const total = mine.length * opts.policies.length * entries.length;
  try {
    for (const p of opts.policies) perPolicy.set(p, await modelsFor(pool, suiteDir));
    const streams = mine.flatMap((o) => opts.policies.map((policy) => ({ o, policy })));
    await mapLimit(streams, opts.streams ?? streams.length, async ({ o, policy }) => {
      const state: PolicyState = {
        policy,
        models: perPolicy.get(policy)!.models,
        ladder,
        reference,
        ...(opts.routing ? { routing: opts.routing } : {}),
        runner,
        budget,
        ...(opts.weights ? { weights: opts.weights } : {}),
        // Fresh, private state per (policy, order): memory grows along this order's stream only.
        ...(isAuctionPolicy(policy) ? { memory: await AuctionMemory.open(new InMemoryStore()) } : {}),
        ...(policy === 'router' ? { router: new DescriptionRouter(ladder) } : {}),
        ...(policy === 'cascade' ? { cascadeMemory: await AuctionMemory.open(new InMemoryStore()) } : {}),
        workDir: join(work, policy),
        simulated,
      };
      // Paid once per repository before the stream; its dollars stay out of the measured runs.
      if (opts.warmMemory && split) warmups.push(...await warmPolicyMemory(state, split, o.order, o.requestSeed, opts.warmMemory));
      for (let i = 0; i < o.tasks.length; i++) {
        const run = await runPolicyTask(state, { entry: o.tasks[i], order: o.order, position: i, requestSeed: o.requestSeed });
        runs.push(run);
        opts.onProgress?.(runs.length, total, run);
      }
    });
  } finally {
    await Promise.all([...perPolicy.values()].map((m) => m.close()));
    process.off('exit', removeWork);
    removeWork();
  }
  sortRuns(runs, opts.policies);
  return roundNumbers<BenchResults>({
    schema: 1,
    tool: 'sale bench',
    createdAt: new Date().toISOString(),
    simulated,
    pool: {
      path: poolPath,
      agents: pool.agents.map((a) => ({ id: a.id, model: a.model, price: blendedPrice(a.price), inputPerMTok: a.price.inputPerMTok, outputPerMTok: a.price.outputPerMTok })),
      ...(opts.simOverride ? { simOverride: opts.simOverride } : {}),
      largest: reference,
      referenceSource,
      smallest: ladder[0].id,
      small,
    },
    suite: { path: suiteDir, tasks: suite.length, used: entries.length },
    ...(preflight ? { preflight } : {}),
    options: {
      policies: opts.policies,
      orders: opts.orders,
      seed: opts.seed,
      quick: !!opts.quick,
      testCache,
      concurrency: opts.testConcurrency ?? Math.max(1, cpus().length),
      ...(opts.weights ? { weights: opts.weights } : {}),
      ...(opts.weightsFile ? { weightsFile: opts.weightsFile } : {}),
      budget,
      ...(split ? { memoryStart: opts.warmMemory ?? 'cold' as const } : {}),
    },
    ...(split ? { historySplit: split.map((s) => ({ repo: s.repo, history: s.history.map((e) => e.task.id), measured: s.measured.map((e) => e.task.id) })) } : {}),
    ...(opts.warmMemory ? { warmups: warmups.sort((a, b) => a.order - b.order || a.policy.localeCompare(b.policy) || a.repo.localeCompare(b.repo)) } : {}),
    orders: orders.map((o) => ({ order: o.order, requestSeed: o.requestSeed, tasks: o.tasks.map((t) => t.task.id) })),
    runs,
    timing: { wallMs: Date.now() - started, realTestRuns: runner.stats.real, cachedTestRuns: runner.stats.cached },
  });
}

/** The reference agent: `--reference`, else the pool's `reference: true` agent, else the most expensive. */
export function referenceAgent(pool: PoolConfig, ladder: PoolAgent[], flag?: string): { id: string; source: 'flag' | 'pool' | 'most-expensive' } {
  if (flag) {
    if (!pool.agents.some((a) => a.id === flag)) throw new SaleError(`--reference: no agent "${flag}" in the pool (agents: ${pool.agents.map((a) => a.id).join(', ')})`);
    return { id: flag, source: 'flag' };
  }
  const marked = pool.agents.find((a) => a.reference);
  if (marked) return { id: marked.id, source: 'pool' };
  return { id: ladder[ladder.length - 1].id, source: 'most-expensive' };
}

export function sortRuns(runs: TaskRun[], policies: readonly PolicyName[]): void {
  const policyRank = new Map(policies.map((p, i) => [p, i]));
  runs.sort((a, b) => a.order - b.order || a.position - b.position || policyRank.get(a.policy)! - policyRank.get(b.policy)!);
}

/** Joins the results of workers that ran disjoint sets of orders of the same bench. */
export function mergeResults(parts: BenchResults[], wallMs: number): BenchResults {
  if (!parts.length) throw new SaleError('no results to merge');
  const [first] = parts;
  const runs = parts.flatMap((p) => p.runs);
  sortRuns(runs, first.options.policies);
  const preflight = parts.find((p) => p.preflight)?.preflight;
  const warmups = first.warmups ? parts.flatMap((p) => p.warmups ?? []).sort((a, b) => a.order - b.order || a.policy.localeCompare(b.policy) || a.repo.localeCompare(b.repo)) : undefined;
  return {
    ...first,
    runs,
    ...(warmups ? { warmups } : {}),
    ...(preflight ? { preflight } : {}),
    timing: {
      wallMs,
      realTestRuns: parts.reduce((s, p) => s + p.timing.realTestRuns, 0),
      cachedTestRuns: parts.reduce((s, p) => s + p.timing.cachedTestRuns, 0),
    },
  };
}

/** Objects merge key by key (recursively); anything else in `over` replaces. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
      ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}
