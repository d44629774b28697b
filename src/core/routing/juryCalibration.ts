/**
 * How much this repository's jury knows (valueWinner.ts): a logistic fit, on memory, of a first attempt's outcome
 * against the jurors' mean score of the plan it ran, logit P(pass) = a + b·(score − centre). Memory's per-agent
 * estimates average over plans good and bad; the slope b says how far a plan's score moves its agent's odds here.
 * A Gaussian prior on both terms keeps a thin memory's slope near 0 (the jury then moves nothing).
 */
import type { MemoryRecord } from '../memory/memoryRecord';
import { juryMeanOf } from './agentEstimates';

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
    const plan = r.bids.filter((b) => b.agent === first).sort((p, q) => p.score - q.score)[0];
    const score = plan ? juryMeanOf(plan.jury) : null;
    if (score !== null) out.push({ score, passed });
  }
  return out;
}

/** Logistic regression by Newton's method with a N(0, priorSd²) prior on intercept and slope. */
export function fitJuryCalibration(records: readonly MemoryRecord[], priorSd = 1): JuryCalibration {
  const obs = juryObservations(records);
  const centre = obs.length ? obs.reduce((s, o) => s + o.score, 0) / obs.length : 2.5;
  let a = 0;
  let b = 0;
  const lambda = 1 / (priorSd * priorSd);
  for (let it = 0; it < 50; it++) {
    // Gradient and Hessian of the negative log posterior.
    let ga = lambda * a;
    let gb = lambda * b;
    let haa = lambda;
    let hab = 0;
    let hbb = lambda;
    for (const o of obs) {
      const x = o.score - centre;
      const p = 1 / (1 + Math.exp(-(a + b * x)));
      const r = p - (o.passed ? 1 : 0);
      const w = p * (1 - p);
      ga += r;
      gb += r * x;
      haa += w;
      hab += w * x;
      hbb += w * x * x;
    }
    const det = haa * hbb - hab * hab;
    if (det <= 0) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { slope: b, centre, observations: obs.length };
}

/** An agent's pass estimate `p` for a plan its jurors scored `score`: its odds moved by the slope. */
export function adjustForJury(p: number, score: number, cal: JuryCalibration): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  const logit = Math.log(q / (1 - q)) + cal.slope * (score - cal.centre);
  return 1 / (1 + Math.exp(-logit));
}
