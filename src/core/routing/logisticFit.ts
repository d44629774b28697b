/**
 * One-feature logistic regression, logit P(pass) = offset + a + b·x, by Newton's method with a N(0, priorSd²) prior
 * on both terms, so a thin or uninformative sample leaves them near 0. `offset` (default 0) is what an estimate
 * already said of the observation, so a and b are what the outcomes add to it. Shared by the calibrations that ask
 * how far an observable moves an agent's odds in this repository (juryCalibration.ts, escalationCalibration.ts).
 */
export function fitLogistic(obs: readonly { x: number; passed: boolean; offset?: number }[], priorSd = 1): { intercept: number; slope: number } {
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
      const p = 1 / (1 + Math.exp(-((o.offset ?? 0) + a + b * o.x)));
      const r = p - (o.passed ? 1 : 0);
      const w = p * (1 - p);
      ga += r;
      gb += r * o.x;
      haa += w;
      hab += w * o.x;
      hbb += w * o.x * o.x;
    }
    const det = haa * hbb - hab * hab;
    if (det <= 0) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { intercept: a, slope: b };
}

/** log(p / (1 − p)), p clamped off 0 and 1. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** `p` with its log-odds moved by `shift`; exactly `p` for no shift. */
export function shiftOdds(p: number, shift: number): number {
  if (shift === 0) return p;
  return 1 / (1 + Math.exp(-(logit(p) + shift)));
}
