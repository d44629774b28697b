import type { SolveSettings } from './solve';

/**
 * The one home of the engine's budget defaults, shared by the CLI and the extension (the extension also declares
 * them in package.json `contributes.configuration`, which a unit test keeps equal to these). The set is the one the
 * CLI and the bench always used, so benchmark figures do not move. In both hosts a dollar budget of 0 means no limit.
 */
export const BUDGET_DEFAULTS: Readonly<SolveSettings['budget']> = Object.freeze({ maxTurns: 24, maxTokens: 400_000, maxUsd: 1 });

/** A dollar budget as given by a person (0 = no limit) to the engine's (Infinity = no limit). */
export function budgetUsdLimit(usd: number): number {
  return usd > 0 ? usd : Number.POSITIVE_INFINITY;
}

/** One escalation to the next-best bidder after a failed attempt, in both hosts. */
export const ESCALATION_DEFAULTS: Readonly<{ enabled: boolean; maxEscalations: number }> = Object.freeze({ enabled: true, maxEscalations: 1 });

/** Issue 8's escalation: by capability with an expected-value gate, with a hand-off. */
export const CAPABILITY_ESCALATION: Readonly<{ by: 'capability'; handoff: boolean }> = Object.freeze({ by: 'capability', handoff: true });

/**
 * The escalation of a `sale` run in every host (CLI, extension): by capability (never to a weaker agent because it
 * is pricier), with the failed attempt's hand-off. Only `sale-paper` in the bench escalates by price.
 */
export function escalationSettings(over: { enabled?: boolean; maxEscalations?: number } = {}): SolveSettings['escalation'] {
  return { enabled: over.enabled ?? ESCALATION_DEFAULTS.enabled, maxEscalations: over.maxEscalations ?? ESCALATION_DEFAULTS.maxEscalations, ...CAPABILITY_ESCALATION };
}
