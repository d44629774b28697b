import type { Weights } from './auctionRecord';
import { ENTROPY_TOP_K } from './entropy';
import { costTerm, juryWeight } from './scoring';

/**
 * The lowest score a bid could possibly get, from the ranges of the score's terms: the cost at its floor (or at
 * the plan's known length), the entropy at its top (ln 5 from top-5 logprobs, or its known value), every judge
 * at 5. A bid whose best possible score is not below the score it has to beat cannot change the winner, so
 * the calls that would produce or judge it may be skipped. Only real ranges go in here — never what bids
 * "usually" get — so a skip is never a guess.
 */
export const JURY_MAX = 5;
/** A plan has at least one token (planProblem refuses empty ones). */
const MIN_PLAN_TOKENS = 1;

export interface BoundInput {
  pricePerMTok: number;
  /** Known plan length; unknown (not yet written) = the floor. */
  planTokens?: number;
  /** Known mean entropy; undefined = not yet written (its maximum is used). Ignored when the entropy term is off. */
  entropy?: number | null;
  /** Whether the entropy term is used for this auction's bids. */
  useEntropy: boolean;
  /** Agent ids of the full jury (their weights set the jury term's scale). */
  panel: readonly string[];
}

export function panelWeight(weights: Weights, panel: readonly string[]): number {
  return panel.reduce((s, j) => s + juryWeight(weights, j), 0);
}

export function bestPossibleScore(weights: Weights, b: BoundInput): number {
  const cost = costTerm(weights, b.pricePerMTok, b.planTokens ?? MIN_PLAN_TOKENS);
  const entropy = !b.useEntropy ? 0 : weights.entropy * (b.entropy === undefined || b.entropy === null ? Math.log(ENTROPY_TOP_K) : b.entropy);
  return cost - entropy - JURY_MAX * panelWeight(weights, b.panel);
}

/** True when a bid with this best possible score could replace a winner scored `toBeat` (replacement is strict). */
export function couldBeat(best: number, toBeat: number): boolean {
  return best < toBeat;
}
