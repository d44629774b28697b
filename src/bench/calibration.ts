import { type JuryScore, type Weights, WeightsSchema } from '../core/auction/auctionRecord';
import { SaleError } from '../core/errors';
import { DEFAULT_WEIGHTS } from '../core/auction/auctionSettings';
import { argminScore, scoreBid } from '../core/auction/scoring';
import { mulberry32 } from '../core/auction/seededShuffle';

/**
 * Fitting the auction's scoring weights w = (w_c, w_h, w_1..w_n) from recorded outcomes (DESIGN §1, "Weights").
 *
 * Calibration set: items, each a task's original (unrefined) bids with their score inputs, and for as many
 * agents as are known whether that agent passed the task when it executed and what the execution cost.
 *
 * Objective (min–max over complexity bins, in the spirit of the paper's per-domain min–max fit): with weights w
 * the auction picks, per item, the bid with the lowest C − V. Per bin b let
 *   gain_b(w) = pass_b(w) − pass_b(L)  −  λ · (cost_b(w) − cost_b(L)) / cost_b(L)
 * where L is the reference agent (the largest), pass_b the pass rate of the picked agents over the bin's items
 * and cost_b their mean execution dollars. We maximise  min_b gain_b(w):  the worst bin's improvement over
 * always using the largest agent, where saving all of the largest agent's cost is worth λ of pass rate.
 *
 * Well-posed: C − V is invariant to scaling w, so w is searched on the simplex of *normalised* weights
 * (each term divided by its mean size over the calibration bids, so the simplex does not favour a term for its
 * units), all weights ≥ 0. The objective is piecewise constant in w, so the search is derivative-free and
 * deterministic: seeded Dirichlet samples plus the defaults, then shrinking multiplicative perturbations of
 * the best. Ties go to the higher mean gain over bins, then to the weights closest to the defaults. The
 * returned weights are rescaled so the jury weights sum to 1 (the defaults' convention).
 */

export interface CalibrationBid {
  agent: string;
  /** Blended $/MTok. */
  price: number;
  tokens: number;
  entropy: number | null;
  jury: Pick<JuryScore, 'judge' | 'score'>[];
}

export interface CalibrationItem {
  id: string;
  /** Complexity bin (1–5), or 0 when unknown (memory records do not store the task's minutes). */
  bin: number;
  bids: CalibrationBid[];
  /** Known outcomes: agent → passed. */
  passed: Record<string, boolean>;
  /** Known execution dollars: agent → usd. */
  usd: Record<string, number>;
}

export interface CalibrationOptions {
  /** Pass-rate points one full "largest agent's cost" is worth (default 0.1). */
  lambda?: number;
  /** Random candidates before refinement (default 3000). */
  samples?: number;
  seed?: number;
  /** Reference agent L (default: the most expensive bidder). */
  reference?: string;
  /** Weights the tie-break prefers and the comparison baseline (default: the auction's defaults). */
  defaults?: Weights;
}

export interface BinFigures {
  bin: number;
  items: number;
  /** Items whose pick had no known (or inferable) outcome: left out of pass. */
  unlabelled: number;
  pass: number;
  cost: number;
  referencePass: number;
  referenceCost: number;
  gain: number;
  /** Share of the bin's items picked for each agent. */
  picks: Record<string, number>;
}

export interface Evaluation {
  objective: number;
  meanGain: number;
  bins: BinFigures[];
}

export interface CalibrationResult {
  weights: Weights;
  fitted: Evaluation;
  defaults: Evaluation;
  /** Always the reference agent, for comparison. */
  reference: { agent: string; bins: BinFigures[] };
  lambda: number;
  items: number;
  judges: string[];
  useEntropy: boolean;
  candidates: number;
}


/** Outcome of `agent` on an item: known, or inferred along the price ladder (a cheaper agent passed ⇒ pass; a dearer one failed ⇒ fail). */
export function outcomeOf(item: CalibrationItem, agent: string, price: (a: string) => number): boolean | undefined {
  if (agent in item.passed) return item.passed[agent];
  const p = price(agent);
  const known = Object.entries(item.passed);
  if (known.some(([a, ok]) => ok && price(a) <= p)) return true;
  if (known.some(([a, ok]) => !ok && price(a) >= p)) return false;
  return undefined;
}

function costOf(item: CalibrationItem, agent: string, price: (a: string) => number, meanUsd: Map<string, number>): number {
  if (agent in item.usd) return item.usd[agent];
  const m = meanUsd.get(agent);
  if (m !== undefined) return m;
  // Price-proportional from any known run of this item.
  const [other, usd] = Object.entries(item.usd)[0] ?? [];
  if (other !== undefined && usd !== undefined && price(other) > 0) return (usd * price(agent)) / price(other);
  return price(agent);
}

/** The agent the auction's score picks on one item with weights w (original bids only, as calibration sees them). */
export function pickWith(weights: Weights, item: CalibrationItem, useEntropy: boolean): string {
  const scored = item.bids.map((b) => ({ ...scoreBid(weights, b.price, b.tokens, useEntropy ? b.entropy : null, b.jury), pricePerMTok: b.price, agent: b.agent }));
  return scored[argminScore(scored)].agent;
}

export function evaluateWeights(weights: Weights, items: CalibrationItem[], opts: { lambda: number; reference: string; useEntropy: boolean }): Evaluation {
  return prepareEvaluation(items, opts)(weights);
}

/**
 * Precomputes everything that does not depend on the weights (outcomes, costs, score inputs), so the search can
 * evaluate thousands of weight vectors quickly. The pick is exactly `pickWith` (same score, same tie-break).
 */
export function prepareEvaluation(items: CalibrationItem[], opts: { lambda: number; reference: string; useEntropy: boolean }): (w: Weights) => Evaluation {
  const price = priceTable(items);
  const meanUsd = meanCosts(items);
  const bins = [...new Set(items.map((i) => i.bin))].sort((a, b) => a - b);
  const prepared = bins.map((bin) => {
    const its = items.filter((i) => i.bin === bin);
    let refPass = 0, refLabelled = 0, refCost = 0;
    const rows = its.map((it) => {
      const rok = outcomeOf(it, opts.reference, price);
      if (rok !== undefined) {
        refLabelled++;
        if (rok) refPass++;
      }
      refCost += costOf(it, opts.reference, price, meanUsd);
      return {
        it,
        bids: it.bids.map((b) => ({
          agent: b.agent,
          price: b.price,
          tokens: b.tokens,
          entropy: opts.useEntropy ? b.entropy : null,
          jury: b.jury,
          ok: outcomeOf(it, b.agent, price),
          usd: costOf(it, b.agent, price, meanUsd),
        })),
      };
    });
    return { bin, rows, rp: refLabelled ? refPass / refLabelled : 0, rc: refCost / Math.max(1, its.length) };
  });
  return (w: Weights): Evaluation => {
    const figures = prepared.map(({ bin, rows, rp, rc }): BinFigures => {
      let pass = 0, labelled = 0, cost = 0;
      const picks: Record<string, number> = {};
      for (const { bids } of rows) {
        let best = -1;
        let bestScore = Infinity;
        bids.forEach((b, i) => {
          const sc = scoreBid(w, b.price, b.tokens, b.entropy, b.jury).score;
          if (best < 0 || sc < bestScore || (sc === bestScore && b.price < bids[best].price)) {
            best = i;
            bestScore = sc;
          }
        });
        const b = bids[best];
        picks[b.agent] = (picks[b.agent] ?? 0) + 1 / rows.length;
        if (b.ok !== undefined) {
          labelled++;
          if (b.ok) pass++;
        }
        cost += b.usd;
      }
      const p = labelled ? pass / labelled : 0;
      const c = cost / Math.max(1, rows.length);
      const gain = p - rp - opts.lambda * (rc > 0 ? (c - rc) / rc : 0);
      return { bin, items: rows.length, unlabelled: rows.length - labelled, pass: p, cost: c, referencePass: rp, referenceCost: rc, gain, picks };
    });
    const gains = figures.map((f) => f.gain);
    return { objective: Math.min(...gains), meanGain: gains.reduce((a, b) => a + b, 0) / gains.length, bins: figures };
  };
}

function priceTable(items: CalibrationItem[]): (a: string) => number {
  const m = new Map<string, number>();
  for (const it of items) for (const b of it.bids) m.set(b.agent, b.price);
  return (a) => m.get(a) ?? Infinity;
}

function meanCosts(items: CalibrationItem[]): Map<string, number> {
  const s = new Map<string, { n: number; usd: number }>();
  for (const it of items) {
    for (const [a, usd] of Object.entries(it.usd)) {
      const x = s.get(a) ?? { n: 0, usd: 0 };
      x.n++;
      x.usd += usd;
      s.set(a, x);
    }
  }
  return new Map([...s].map(([a, x]) => [a, x.usd / x.n]));
}

/** Normalised weight vector (simplex coordinates) ↔ Weights. */
interface Space {
  judges: string[];
  useEntropy: boolean;
  scales: number[];
  toWeights(u: number[]): Weights;
  fromWeights(w: Weights): number[];
}

function space(items: CalibrationItem[], useEntropy: boolean): Space {
  const judges = [...new Set(items.flatMap((i) => i.bids.flatMap((b) => b.jury.map((j) => j.judge))))].sort();
  const bids = items.flatMap((i) => i.bids);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const sc = mean(bids.map((b) => (b.price * b.tokens) / 1000)) || 1;
  const sh = mean(bids.map((b) => b.entropy ?? 0)) || 1;
  const sj = judges.map((j) => mean(bids.flatMap((b) => b.jury.filter((x) => x.judge === j && x.score !== null).map((x) => x.score!))) || 1);
  const scales = [sc, ...(useEntropy ? [sh] : []), ...sj];
  const toWeights = (u: number[]): Weights => {
    const raw = u.map((x, i) => x / scales[i]);
    const jr = raw.slice(useEntropy ? 2 : 1);
    const jsum = jr.reduce((a, b) => a + b, 0);
    const k = jsum > 0 ? 1 / jsum : 1 / (raw[0] || 1);
    const jury: Record<string, number> = {};
    judges.forEach((j, i) => (jury[j] = jr[i] * k));
    return { cost: raw[0] * k, entropy: useEntropy ? raw[1] * k : 0, jury, juryDefault: jsum > 0 ? 1 / Math.max(1, judges.length) : 0 };
  };
  const fromWeights = (w: Weights): number[] => {
    const raw = [w.cost, ...(useEntropy ? [w.entropy] : []), ...judges.map((j) => w.jury[j] ?? w.juryDefault)];
    const u = raw.map((x, i) => x * scales[i]);
    const s = u.reduce((a, b) => a + b, 0) || 1;
    return u.map((x) => x / s);
  };
  return { judges, useEntropy, scales, toWeights, fromWeights };
}

function normalise(u: number[]): number[] {
  const s = u.reduce((a, b) => a + b, 0);
  return s > 0 ? u.map((x) => x / s) : u.map(() => 1 / u.length);
}

export function fitWeights(items: CalibrationItem[], opts: CalibrationOptions = {}): CalibrationResult {
  const usable = items.filter((i) => i.bids.length >= 2);
  if (!usable.length) throw new SaleError('No calibration items with at least two bids.', 'calibration-empty');
  const lambda = opts.lambda ?? 0.1;
  const defaults = opts.defaults ?? DEFAULT_WEIGHTS;
  const price = priceTable(usable);
  const reference = opts.reference ?? [...new Set(usable.flatMap((i) => i.bids.map((b) => b.agent)))].sort((a, b) => price(b) - price(a))[0];
  const useEntropy = usable.every((i) => i.bids.every((b) => b.entropy !== null));
  const sp = space(usable, useEntropy);
  const dim = sp.scales.length;
  const ev = prepareEvaluation(usable, { lambda, reference, useEntropy });
  const rnd = mulberry32(opts.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const dflt = sp.fromWeights(defaults);
  type Cand = { u: number[]; e: Evaluation; dist: number };
  const better = (a: Cand, b: Cand) => a.e.objective - b.e.objective || a.e.meanGain - b.e.meanGain || b.dist - a.dist;
  const cands: Cand[] = [];
  const add = (u: number[]) => {
    const n = normalise(u.map((x) => Math.max(0, x)));
    cands.push({ u: n, e: ev(sp.toWeights(n)), dist: n.reduce((s, x, i) => s + Math.abs(x - dflt[i]), 0) });
  };
  add(dflt);
  for (let i = 0; i < dim; i++) add(Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
  add(Array.from({ length: dim }, () => 1));
  const samples = opts.samples ?? 3000;
  for (let s = 0; s < samples; s++) add(Array.from({ length: dim }, () => -Math.log(1 - rnd())));
  for (const sigma of [0.6, 0.35, 0.2, 0.1, 0.05]) {
    const top = [...cands].sort((a, b) => better(b, a)).slice(0, 12);
    for (const t of top) for (let k = 0; k < 20; k++) add(t.u.map((x) => (x + 1e-4) * Math.exp(sigma * gauss())));
  }
  const best = [...cands].sort((a, b) => better(b, a))[0];
  const weights = WeightsSchema.parse(sp.toWeights(best.u));
  return {
    weights,
    fitted: best.e,
    defaults: cands[0].e,
    reference: { agent: reference, bins: best.e.bins.map((b) => ({ ...b, pass: b.referencePass, cost: b.referenceCost, gain: 0, picks: { [reference]: 1 } })) },
    lambda,
    items: usable.length,
    judges: sp.judges,
    useEntropy,
    candidates: cands.length,
  };
}
