import { auctionSettings } from '../core/auction/auctionSettings';
import type { SolveSettings } from '../core/solve';

/** CLI defaults: generous enough for real models on small tasks, hard limits all the same. */
export function defaultSolveSettings(over: { seed?: number; juryMode?: 'per-judge' | 'per-pair'; maxUsd?: number; escalation?: boolean } = {}): SolveSettings {
  return {
    auction: auctionSettings({ ...(over.seed !== undefined ? { seed: over.seed } : {}), ...(over.juryMode ? { juryMode: over.juryMode } : {}) }),
    budget: { maxTurns: 24, maxTokens: 400_000, maxUsd: over.maxUsd ?? 1 },
    escalation: { enabled: over.escalation ?? true, maxEscalations: 1 },
  };
}
