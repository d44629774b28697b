import { auctionSettings } from '../core/auction/auctionSettings';
import { BUDGET_DEFAULTS, escalationSettings } from '../core/engineDefaults';
import { routingSettings } from '../core/routing/routingSettings';
import type { SolveSettings } from '../core/solve';

/** CLI defaults (values in core/engineDefaults.ts): generous enough for real models on small tasks, hard limits all the same. */
export function defaultSolveSettings(over: { seed?: number; juryMode?: 'per-judge' | 'per-pair'; maxUsd?: number; escalation?: boolean; routing?: boolean } = {}): SolveSettings {
  return {
    auction: auctionSettings({ ...(over.seed !== undefined ? { seed: over.seed } : {}), ...(over.juryMode ? { juryMode: over.juryMode } : {}) }),
    budget: { maxTurns: BUDGET_DEFAULTS.maxTurns, maxTokens: BUDGET_DEFAULTS.maxTokens, maxUsd: over.maxUsd ?? BUDGET_DEFAULTS.maxUsd },
    escalation: escalationSettings({ ...(over.escalation !== undefined ? { enabled: over.escalation } : {}) }),
    // Learned routing (issue 8): route from the repository's memory when it is clear, else hold the auction.
    routing: routingSettings({ enabled: over.routing ?? true }),
  };
}
