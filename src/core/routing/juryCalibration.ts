/**
 * How much this repository's jury knows (valueWinner.ts): a logistic fit, on memory, of a first attempt's outcome
 * against the jurors' mean score of the plan it ran, logit P(pass) = a + b·(score − centre). Memory's per-agent
 * estimates average over plans good and bad; the slope b says how far a plan's score moves its agent's odds here.
 * A Gaussian prior on both terms keeps a thin memory's slope near 0 (the jury then moves nothing).
 */
import { bestBidOf } from '../auction/bestBids';
import type { MemoryRecord } from '../memory/memoryRecord';
import { juryMeanOf } from './agentEstimates';
import { fitLogistic, shiftOdds } from './logisticFit';

export interface JuryCalibration {
  /** Change in log-odds of passing per point of jury score (0–5). */
  slope: number;
  /** Mean jury score of the observations (where the adjustment is 0). */
  centre: number;
  /** First attempts whose plan had a readable jury score. */
  observations: number;
}

/** (jury mean of the plan the first attempt ran, did it pass) for every executed record that has one. */
export function juryObservations(records: readonly MemoryRecord[]): { score: number; passed: boolean }[] {
  const out: { score: number; passed: boolean }[] = [];
  for (const r of records) {
    const o = r.outcome;
    if (!o) continue;
    const first = o.escalatedFrom[0] ?? o.executedBy;
    const passed = o.escalatedFrom.length === 0 && o.passed;
    // The plan that ran for that agent: its best-scored one (the winner's, when it won).
    const plan = bestBidOf(r.bids, first);
    const score = plan ? juryMeanOf(plan.jury) : null;
    if (score !== null) out.push({ score, passed });
  }
  return out;
}

/** The fit over memory's first attempts (logisticFit.ts). */
export function fitJuryCalibration(records: readonly MemoryRecord[], priorSd = 1): JuryCalibration {
  const obs = juryObservations(records);
  const centre = obs.length ? obs.reduce((s, o) => s + o.score, 0) / obs.length : 2.5;
  const { slope } = fitLogistic(obs.map((o) => ({ x: o.score - centre, passed: o.passed })), priorSd);
  return { slope, centre, observations: obs.length };
}

/** An agent's pass estimate `p` for a plan its jurors scored `score`: its odds moved by the slope. */
export function adjustForJury(p: number, score: number, cal: JuryCalibration): number {
  return shiftOdds(p, cal.slope * (score - cal.centre));
}
