import type { SolveSettings } from './solve';

/**
 * The one home of the engine's budget and escalation defaults. The CLI and the extension still default to
 * different budgets (the extension's are also declared in package.json `contributes.configuration`, which a unit
 * test keeps equal to these); which values both should share is left to a later issue, so each host's set stays
 * as it was and lives here, side by side.
 */
export const CLI_BUDGET_DEFAULTS: Readonly<SolveSettings['budget']> = Object.freeze({ maxTurns: 24, maxTokens: 400_000, maxUsd: 1 });

export const EXTENSION_BUDGET_DEFAULTS: Readonly<SolveSettings['budget']> = Object.freeze({ maxTurns: 20, maxTokens: 2_000_000, maxUsd: 0.5 });

/** One escalation to the next-best bidder after a failed attempt, in both hosts. */
export const ESCALATION_DEFAULTS: Readonly<{ enabled: boolean; maxEscalations: number }> = Object.freeze({ enabled: true, maxEscalations: 1 });
