import { z } from 'zod';
import { type Weights, WeightsSchema } from './auctionRecord';

/** The scoring weights when none are configured; the extension's partial weight settings and calibration start here. */
export const DEFAULT_WEIGHTS: Readonly<Weights> = Object.freeze({ cost: 10, entropy: 1, jury: Object.freeze({}), juryDefault: 0.25 });


export const AuctionSettingsSchema = z.strictObject({
  /** Token cap of a plan (bid and refined bid). */
  maxPlanTokens: z.number().int().min(50).max(4000).default(400),
  /** 'per-judge': one call per judge rating all plans (|A| calls). 'per-pair': the paper's |A|² calls. */
  juryMode: z.enum(['per-pair', 'per-judge']).default('per-judge'),
  weights: WeightsSchema.default(() => ({ ...DEFAULT_WEIGHTS, jury: {} })),
  /** Ask for logprobs and use the entropy term. */
  useEntropy: z.boolean().default(true),
  refine: z.boolean().default(true),
  /** Past tasks retrieved per refining agent. */
  k: z.number().int().min(1).max(50).default(8),
  /** 'outcome': win examples are plans that passed tests (ours); 'auction': the paper's auction-only labels. */
  memoryLabels: z.enum(['outcome', 'auction']).default('outcome'),
  /** Rough execution-length guess used for the estimated dollars of a bid. */
  execTokensPerPlanToken: z.number().positive().default(40),
  /** Seed passed to endpoints that honour it (and used to shuffle plans for judges). */
  seed: z.number().int().optional(),
});
export type AuctionSettings = z.infer<typeof AuctionSettingsSchema>;

export function auctionSettings(partial: z.input<typeof AuctionSettingsSchema> = {}): AuctionSettings {
  return AuctionSettingsSchema.parse(partial);
}
