import { auctionSettings } from '../core/auction/auctionSettings';
import { CLI_BUDGET_DEFAULTS, ESCALATION_DEFAULTS } from '../core/engineDefaults';
import type { SolveSettings } from '../core/solve';

/** CLI defaults (values in core/engineDefaults.ts): generous enough for real models on small tasks, hard limits all the same. */
export function defaultSolveSettings(over: { seed?: number; juryMode?: 'per-judge' | 'per-pair'; maxUsd?: number; escalation?: boolean } = {}): SolveSettings {
  return {
    auction: auctionSettings({ ...(over.seed !== undefined ? { seed: over.seed } : {}), ...(over.juryMode ? { juryMode: over.juryMode } : {}) }),
    budget: { maxTurns: CLI_BUDGET_DEFAULTS.maxTurns, maxTokens: CLI_BUDGET_DEFAULTS.maxTokens, maxUsd: over.maxUsd ?? CLI_BUDGET_DEFAULTS.maxUsd },
    escalation: { enabled: over.escalation ?? ESCALATION_DEFAULTS.enabled, maxEscalations: ESCALATION_DEFAULTS.maxEscalations },
  };
}
