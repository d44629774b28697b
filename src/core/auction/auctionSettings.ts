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
  /**
   * Examples come from this repository's past tasks before other repositories' (auctionMemory.ts ExampleChoice). An
   * editor's memory is one repository's; it holds others' records when imported, and in the bench, where a stream
   * shares one memory across its repositories. The paper ranks by similarity alone (the bench's sale-paper: off).
   */
  sameRepoFirst: z.boolean().default(true),
  /** Rough execution-length guess used for the estimated dollars of a bid. */
  execTokensPerPlanToken: z.number().positive().default(40),
  // ---- A cheaper auction (issue 8 item 2). Each is measured in docs/bench/README.md; the defaults are what
  // paid there (the cheap jury); `sale-paper` turns them all off. ----
  /**
   * 'all': every agent judges (the paper). 'cheaper-half': only the cheaper half of the pool (by blended price,
   * at least one) judges; its weighted mean stands in for the whole jury's, so scores keep their scale.
   */
  juryPanel: z.enum(['all', 'cheaper-half']).default('cheaper-half'),
  /**
   * Skip a refinement, or the jury of a refined bid, when even the best score the refined bid could get (cost
   * at its floor, entropy and every judge at the top of their ranges) could not beat the provisional winner.
   */
  skipUselessRefinement: z.boolean().default(false),
  /** 'paper': each call its own system prompt. 'shared-prefix': every call of an auction starts alike (caching). */
  promptLayout: z.enum(['paper', 'shared-prefix']).default('paper'),
  /** Seed passed to endpoints that honour it (and used to shuffle plans for judges). */
  seed: z.number().int().optional(),
});
export type AuctionSettings = z.infer<typeof AuctionSettingsSchema>;

export function auctionSettings(partial: z.input<typeof AuctionSettingsSchema> = {}): AuctionSettings {
  return AuctionSettingsSchema.parse(partial);
}
