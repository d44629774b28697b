import { z } from 'zod';
import { WeightsSchema } from '../core/auction/auctionRecord';
import { type SaleVariantName, isSaleVariant } from './saleVariants';

/** The policies `sale bench` knows, in report order (plus `sale` variants, saleVariants.ts). */
export const POLICIES = ['sale', 'sale-paper', 'sale-no-memory', 'largest', 'smallest', 'random', 'router', 'cascade', 'oracle', 'cascade-by-price'] as const;
export type BasePolicyName = (typeof POLICIES)[number];
export type PolicyName = BasePolicyName | SaleVariantName;
export const AUCTION_POLICIES: readonly PolicyName[] = ['sale', 'sale-paper', 'sale-no-memory'];
/** What `sale bench` runs without --policies: every base policy and issue 8's ablation rows. */
export const DEFAULT_POLICIES: readonly PolicyName[] = [...POLICIES, 'sale-routing', 'sale+sizeKernel', 'sale-routedPlan', 'sale+planCheck', 'sale-capabilityEscalation', 'sale-handoff', 'sale+escalationPlan', 'sale-escalationNeighbours', 'sale-sameRepoExamples', 'sale-failedExamples'];

/** Issue 8's ablation rows: `sale` with one of its parts switched off (and the cascade climbing by price: item 4). */
export const ABLATIONS: Partial<Record<PolicyName, string>> = {
  'sale-routing': 'item 1 off: an auction for every task (no learned routing)',
  'sale+sizeKernel': 'item 1, task size on: routing\'s estimates weigh similar past tasks also by how close their size is to this one\'s',
  'sale-routedPlan': 'item 1, plan from memory only: a routed agent runs without a plan (no in-context use of memory)',
  'sale+planCheck': 'item 1, plan check on: cheap jurors check a routed plan before it runs; rated too low, the next agent, then the auction',
  'sale-capabilityEscalation': 'item 3 off: escalation climbs by price, no expected-value gate',
  'sale-handoff': 'item 3, hand-off only: the escalated agent is not told what the failed attempt learned',
  'sale+escalationPlan': 'item 3, plan on: an escalated agent that did not bid first writes its plan from memory',
  'sale-escalationNeighbours': 'item 3, neighbours off: after a failure, escalation climbs by the whole repository\'s memory and the jury, not the task\'s BM25 neighbours',
  'sale-sameRepoExamples': 'item 1, examples by similarity alone: other repositories\' past tasks compete with this one\'s for refinement\'s pairs and a routed plan\'s examples',
  'sale-failedExamples': 'item 1, failures hidden: a routed plan\'s examples skip similar past tasks whose executed plan failed',
  'cascade-by-price': 'item 4 off (baseline): the cascade climbs by price instead of by capability',
};

export function isPolicyName(s: string): s is PolicyName {
  return (POLICIES as readonly string[]).includes(s) || isSaleVariant(s);
}

/** Policies that hold auctions (and so keep a memory): the three named ones and every `sale` variant. */
export function isAuctionPolicy(p: PolicyName): boolean {
  return AUCTION_POLICIES.includes(p) || isSaleVariant(p);
}

export const PolicyNameSchema = z.string().refine(isPolicyName, { message: 'unknown policy' }) as unknown as z.ZodType<PolicyName>;

const TokensUsdSchema = z.object({
  inputTokens: z.number(),
  /** Part of inputTokens served from the endpoints' prompt caches (auction usage; absent in older results). */
  cachedInputTokens: z.number().optional(),
  outputTokens: z.number(),
  tokens: z.number(),
  usd: z.number(),
  calls: z.number(),
});
export type TokensUsd = z.infer<typeof TokensUsdSchema>;

/** One execution attempt (an edit–test loop in a fresh copy, or after a restore). */
export const AttemptSchema = z.object({
  agent: z.string(),
  passed: z.boolean(),
  reason: z.string(),
  turns: z.number(),
  tokens: z.number(),
  /** Of `tokens`, those the agent wrote (absent in results written before it was recorded). */
  outputTokens: z.number().optional(),
  usd: z.number(),
  /**
   * The plan executed was a refined bid (its success chance was raised by memory), so this attempt says
   * nothing about the agent's unaided chance. Unrefined bids and plan-less runs are "base" attempts.
   */
  refinedPlan: z.boolean(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

/** What calibration needs of a bid: its score inputs. */
export const BidFeaturesSchema = z.object({
  agent: z.string(),
  round: z.number(),
  price: z.number(),
  tokens: z.number(),
  entropy: z.number().nullable(),
  jury: z.array(z.object({ judge: z.string(), score: z.number().nullable() })),
  score: z.number(),
});
export type BidFeatures = z.infer<typeof BidFeaturesSchema>;

export const TaskRunSchema = z.object({
  order: z.number().int(),
  /** 0-based position of the task in this order's stream. */
  position: z.number().int(),
  taskId: z.string(),
  family: z.string(),
  bin: z.number().int().min(1).max(5),
  policy: PolicyNameSchema,
  /** The agent the policy picked first (auction winner, router pick, cascade's first rung, oracle's pick). */
  chosen: z.string().nullable(),
  /** Agents that executed, in order (escalation and cascade add more). */
  executed: z.array(z.string()),
  passed: z.boolean(),
  /** Bids, jury and refinement of an auction held for this task (zero when the task was routed from memory). */
  auction: TokensUsdSchema,
  /** A routed task's plan from memory (core/routing/routedPlan.ts): no auction, but overhead all the same. */
  routedPlan: TokensUsdSchema.optional(),
  execution: TokensUsdSchema,
  /** auction + routedPlan + execution. */
  totalUsd: z.number(),
  totalTokens: z.number(),
  /** At least one cheaper agent wrote a refined bid from memory. */
  refined: z.boolean(),
  /** A refined bid won the auction. */
  refinedWon: z.boolean(),
  /** Escalations (sale) or extra rungs tried (cascade). */
  escalations: z.number().int(),
  largestExecuted: z.boolean(),
  /** Records in this policy's own memory (auction policies) or observations (router) before this task. */
  memoryBefore: z.number().int(),
  attempts: z.array(AttemptSchema),
  /** Auction policies: every bid's score inputs (for `sale calibrate`). */
  bids: z.array(BidFeaturesSchema).optional(),
  /** Learned routing (sale): 'routed' = no auction held; otherwise why the auction was held. */
  routing: z.object({ mode: z.enum(['routed', 'auction']), cause: z.string(), agent: z.string().nullable(), reason: z.string().optional() }).optional(),
  /** The auction's provisional winner (lowest C − V over original bids) and whether a refined bid replaced it. */
  provisional: z.string().nullable().optional(),
  /** Oracle: what running every agent cost in full (its `totalUsd` is only the pick's). */
  oracleSpentUsd: z.number().optional(),
  wallMs: z.number(),
  error: z.string().optional(),
});
export type TaskRun = z.infer<typeof TaskRunSchema>;

/** `--warm-memory`: one policy's warm-up of one repository in one order (paid once, before the stream; warmStart.ts). */
export const WarmupRunSchema = z.object({
  order: z.number().int(),
  policy: PolicyNameSchema,
  repo: z.string(),
  mode: z.enum(['auction', 'execute']),
  /** The history tasks replayed, oldest first (never among the measured tasks). */
  tasks: z.array(z.string()),
  /** Replays that passed (execute mode). */
  passed: z.number().int(),
  usd: z.number(),
  tokens: z.number(),
  /** Memory records the warm-up added. */
  records: z.number().int(),
  wallMs: z.number(),
});
export type WarmupRun = z.infer<typeof WarmupRunSchema>;

export const BenchResultsSchema = z.object({
  schema: z.literal(1),
  tool: z.literal('sale bench'),
  createdAt: z.string(),
  /** The command line that produced the results. */
  command: z.string().optional(),
  simulated: z.boolean(),
  pool: z.object({
    path: z.string(),
    /** `--sim-override`: what was merged into the pool file's top-level sim block for this run. */
    simOverride: z.record(z.string(), z.unknown()).optional(),
    agents: z.array(z.object({ id: z.string(), model: z.string(), price: z.number(), inputPerMTok: z.number(), outputPerMTok: z.number() })),
    /** The reference agent (pool `reference: true`, `--reference`, or the most expensive); `largest` runs it. */
    largest: z.string(),
    referenceSource: z.enum(['pool', 'flag', 'most-expensive']).optional(),
    smallest: z.string(),
    /** The agents counted as "small" in the learning curve (the cheaper half of the pool). */
    small: z.array(z.string()),
  }),
  suite: z.object({ path: z.string(), tasks: z.number(), used: z.number() }),
  options: z.object({
    policies: z.array(PolicyNameSchema),
    orders: z.number().int(),
    seed: z.number().int(),
    quick: z.boolean(),
    testCache: z.boolean(),
    concurrency: z.number().int(),
    weights: WeightsSchema.optional(),
    weightsFile: z.string().optional(),
    budget: z.object({ maxTurns: z.number(), maxTokens: z.number(), maxUsd: z.number() }),
    /**
     * `--history-split` / `--warm-memory`: only each repository's later tasks are measured; `cold` starts every
     * memory empty, `auction`/`execute` fill it first from the repository's earlier tasks (warmStart.ts).
     */
    memoryStart: z.enum(['cold', 'auction', 'execute']).optional(),
  }),
  /**
   * Each task's check on the machine that ran the bench (suitePreflight.ts): its starting repository fails its tests
   * and its hidden solution passes them. A problem here means the task's runs measure the machine, not the policies.
   */
  preflight: z.object({ tasks: z.number().int(), problems: z.array(z.object({ taskId: z.string(), why: z.string() })) }).optional(),
  /** With a history split: per repository, its history (replayed by a warm start) and its measured tasks. */
  historySplit: z.array(z.object({ repo: z.string(), history: z.array(z.string()), measured: z.array(z.string()) })).optional(),
  /** `--warm-memory`: what each warm-up cost, apart from the measured runs' dollars. */
  warmups: z.array(WarmupRunSchema).optional(),
  /** Per order: its request seed (shared by every policy) and its task order. */
  orders: z.array(z.object({ order: z.number().int(), requestSeed: z.number().int(), tasks: z.array(z.string()) })),
  runs: z.array(TaskRunSchema),
  timing: z.object({ wallMs: z.number(), realTestRuns: z.number(), cachedTestRuns: z.number() }),
});
export type BenchResults = z.infer<typeof BenchResultsSchema>;

/** Rounds every number to 7 significant digits (floating-point dust out; results stay exact to the report's precision). */
export function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(7)) : value) as T;
  if (Array.isArray(value)) return value.map((v) => roundNumbers(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundNumbers(v)])) as T;
  return value;
}

/** results.json text: the header pretty-printed, one task run per line (compact, and diffs stay readable). */
export function formatResultsJson(r: BenchResults): string {
  const { runs, ...head } = r;
  const top = JSON.stringify(head, null, 1);
  return `${top.slice(0, -2)},\n "runs": [\n${runs.map((x) => `  ${JSON.stringify(x)}`).join(',\n')}\n ]\n}\n`;
}
