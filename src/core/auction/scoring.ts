import type { JuryScore, Weights } from './auctionRecord';

/** Cost term C = w_c · π · |plan|, with π in $/MTok and |plan| in thousands of tokens (keeps C near jury scale). */
export function costTerm(weights: Weights, pricePerMTok: number, planTokens: number): number {
  return weights.cost * pricePerMTok * (planTokens / 1000);
}

export function juryWeight(weights: Weights, judge: string): number {
  return weights.jury[judge] ?? weights.juryDefault;
}

/**
 * Σ_j w_j · jury_j over readable scores. An unreadable score is left out and the sum rescaled by the weight it
 * would have had, so a judge that failed neither helps nor hurts a plan. Null when no score is readable.
 * `panelWeight` (default: the weight of the judges in `jury`) is the full jury's weight when only part of it
 * was asked (`juryPanel: 'cheaper-half'`): the weighted mean of those asked stands in for the full jury's.
 */
export function juryTerm(weights: Weights, jury: JuryScore[], panelWeight?: number): number | null {
  let all = 0;
  let seen = 0;
  let sum = 0;
  for (const j of jury) {
    const w = juryWeight(weights, j.judge);
    all += w;
    if (j.score === null) continue;
    seen += w;
    sum += w * j.score;
  }
  if (seen === 0) return null;
  return sum * ((panelWeight ?? all) / seen);
}

export function juryMean(jury: JuryScore[]): number | null {
  const xs = jury.map((j) => j.score).filter((s): s is number => s !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

export interface ScoreParts {
  cost: number;
  valueEntropy: number;
  valueJury: number;
  value: number;
  score: number;
}

/** Score = C − V; lower wins. `entropy` null (or entropy off) drops that term. */
export function scoreBid(weights: Weights, pricePerMTok: number, planTokens: number, entropy: number | null, jury: JuryScore[], panelWeight?: number): ScoreParts {
  const cost = costTerm(weights, pricePerMTok, planTokens);
  const valueEntropy = entropy === null ? 0 : weights.entropy * entropy;
  const valueJury = juryTerm(weights, jury, panelWeight) ?? 0;
  const value = valueEntropy + valueJury;
  return { cost, valueEntropy, valueJury, value, score: cost - value };
}

/** Index of the minimum score; ties go to the cheaper agent, then the earlier bid. */
export function argminScore(items: { score: number; pricePerMTok: number }[]): number {
  let best = -1;
  items.forEach((b, i) => {
    if (best < 0) return void (best = i);
    const cur = items[best];
    if (b.score < cur.score || (b.score === cur.score && b.pricePerMTok < cur.pricePerMTok)) best = i;
  });
  return best;
}
