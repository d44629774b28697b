import { z } from 'zod';
import { RoutingDecisionSchema } from '../routing/routingRecord';

/** A plan parsed leniently into sections; `raw` is always kept. */
export const ParsedPlanSchema = z.object({
  approach: z.string(),
  files: z.array(z.string()),
  commands: z.array(z.string()),
  steps: z.array(z.string()),
  risks: z.string(),
  verification: z.string(),
  testCommand: z.string().optional(),
  /** Names of sections found; missing ones are empty above. */
  sectionsFound: z.array(z.string()),
});
export type ParsedPlan = z.infer<typeof ParsedPlanSchema>;

export const JuryScoreSchema = z.object({
  judge: z.string(),
  /** 0–5, or null when the judge's answer could not be read (then it is left out of the mean). */
  score: z.number().min(0).max(5).nullable(),
  note: z.string().optional(),
});
export type JuryScore = z.infer<typeof JuryScoreSchema>;

export const BidSchema = z.object({
  agent: z.string(),
  model: z.string(),
  /** 0 = original bid, 1 = refined bid. */
  round: z.number().int().min(0),
  refined: z.boolean(),
  raw: z.string(),
  plan: ParsedPlanSchema,
  /** Plan length in output tokens (from the endpoint's usage), thinking tokens not included. */
  tokens: z.number().int().nonnegative(),
  /** The agent's thoughts before the plan (shown folded; never scored, never stored in memory). */
  thoughts: z.string().optional(),
  /** Thinking tokens billed for this bid (in `bidUsd`, not in `tokens`). */
  thinkingTokens: z.number().int().nonnegative().optional(),
  /** Mean per-token entropy in nats, or null when the endpoint gave no logprobs. */
  entropy: z.number().nullable(),
  jury: z.array(JuryScoreSchema),
  /** Mean of readable jury scores (0–5), null when none was readable. */
  juryMean: z.number().nullable(),
  /** Blended $/MTok used in the cost term. */
  pricePerMTok: z.number(),
  cost: z.number(),
  valueEntropy: z.number(),
  valueJury: z.number(),
  value: z.number(),
  score: z.number(),
  /** Estimated dollars to execute this plan (a rough guide shown to the user; compared with actual later). */
  estimatedExecUsd: z.number(),
  /** Dollars actually spent producing this bid (the plan call itself). */
  bidUsd: z.number(),
  /** Set when this agent failed to bid; the rest of the fields then hold neutral values. */
  error: z.string().optional(),
});
export type Bid = z.infer<typeof BidSchema>;

export const WeightsSchema = z.object({
  /** Cost weight, applied to $/MTok × plan tokens / 1000 (so a 300-token plan at $0.36 gives ≈ 0.108). */
  cost: z.number().nonnegative(),
  entropy: z.number().nonnegative(),
  /** One jury weight per judge agent id; judges not listed use `juryDefault`. */
  jury: z.record(z.string(), z.number().nonnegative()),
  juryDefault: z.number().nonnegative(),
});
export type Weights = z.infer<typeof WeightsSchema>;

export const UsageTotalsSchema = z.object({
  inputTokens: z.number(),
  /** Part of `inputTokens` the endpoints served from their prompt caches (charged at the cached price). */
  cachedInputTokens: z.number().optional(),
  outputTokens: z.number(),
  usd: z.number(),
  calls: z.number(),
});
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;

export const AuctionRecordSchema = z.object({
  taskId: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  juryMode: z.enum(['per-pair', 'per-judge']),
  weights: WeightsSchema,
  /** Every bid, original (round 0) and refined (round 1), failed ones included with `error`. */
  bids: z.array(BidSchema),
  provisionalWinner: z.string().nullable(),
  winner: z.string().nullable(),
  /** Index into `bids` of the winning bid. */
  winnerBidIndex: z.number().int().nullable(),
  /** Agents that refined and how many memory examples each saw. */
  refinements: z.array(z.object({
    agent: z.string(), examples: z.number(), replacedWinner: z.boolean(), error: z.string().optional(),
    /** Why this refinement (or its jury) was skipped as unable to change the winner (`skipUselessRefinement`). */
    skipped: z.string().optional(),
  })),
  /** Human-readable reasons: why the winner won, what was missing (e.g. no logprobs). */
  explanation: z.array(z.string()),
  usage: z.object({ bids: UsageTotalsSchema, jury: UsageTotalsSchema, refinement: UsageTotalsSchema }),
  /** Learned routing's decision (issue 8). With mode 'routed' no auction was held: one placeholder bid, no usage. */
  routing: RoutingDecisionSchema.optional(),
});
export type AuctionRecord = z.infer<typeof AuctionRecordSchema>;

export function emptyUsage(): UsageTotals {
  return { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, usd: 0, calls: 0 };
}

export function addUsage(t: UsageTotals, u: { inputTokens: number; cachedInputTokens?: number; outputTokens: number; usd: number }): void {
  t.inputTokens += u.inputTokens;
  t.cachedInputTokens = (t.cachedInputTokens ?? 0) + (u.cachedInputTokens ?? 0);
  t.outputTokens += u.outputTokens;
  t.usd += u.usd;
  t.calls += 1;
}

/** Two usage totals added up (calls included). */
export function sumUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0),
    outputTokens: a.outputTokens + b.outputTokens,
    usd: a.usd + b.usd,
    calls: a.calls + b.calls,
  };
}

/** Two records' usage added up phase by phase (bids, jury, refinement): spend carried from one record into another. */
export function sumPhases(a: AuctionRecord['usage'], b: AuctionRecord['usage']): AuctionRecord['usage'] {
  return { bids: sumUsage(a.bids, b.bids), jury: sumUsage(a.jury, b.jury), refinement: sumUsage(a.refinement, b.refinement) };
}

/** Usage of the whole auction (bids, jury and refinement), part by part in that order. */
export function auctionUsageSum(a: Pick<AuctionRecord, 'usage'>): UsageTotals {
  return [a.usage.bids, a.usage.jury, a.usage.refinement].reduce(sumUsage, emptyUsage());
}

/** Tokens (input + output) and dollars of the whole auction: bids, jury and refinement. */
export function auctionUsageTotals(a: Pick<AuctionRecord, 'usage'>): { tokens: number; usd: number } {
  const sum = auctionUsageSum(a);
  return { tokens: sum.inputTokens + sum.outputTokens, usd: sum.usd };
}
