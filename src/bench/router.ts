/**
 * The description-only router baseline (in the spirit of the paper's predictive routers: it sees only the task
 * text, never a plan). It learns online, from the outcomes of the executions it has itself chosen so far:
 *
 * - each past task is a TF-IDF vector of its title and body (IDF over the tasks seen so far);
 * - for a new task it takes the k most similar past tasks (cosine, only similarity > 0);
 * - for every agent it estimates a pass probability from those neighbours, weighted by similarity, with a
 *   Laplace prior (so an agent nobody has evidence about sits at ½). Evidence is shared along the price
 *   ladder the way a sensible router would read it: a pass of a cheaper agent counts as a pass for every
 *   more expensive agent, a failure of a more expensive agent counts as a failure for every cheaper one;
 * - it picks the cheapest agent whose estimate is at least `threshold`; if none is, the largest.
 *
 * With no evidence every agent sits at ½, so it starts from the cheapest and climbs the ladder where similar
 * tasks failed — it cannot read a plan, so it cannot tell an easy task from a hard one with similar words.
 */

const STOP = new Set(
  ('a an and are as at be but by for from has have in is it its of on or that the this to was were will with we our ' +
    'not no when then than so should must can all any each every also only into out up if else just one two per via')
    .split(' '),
);

export function tokenizeText(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((t) => t.length > 1 && !STOP.has(t) && !/^\d+$/.test(t));
}

export interface RouterAgent {
  id: string;
  price: number;
}

export interface RouterObservation {
  text: string;
  agent: string;
  passed: boolean;
}

export interface RouterDecision {
  agent: string;
  /** Estimated pass probability per agent (pool order). */
  estimates: Record<string, number>;
  /** Neighbours used: similarity and what happened there. */
  neighbours: { similarity: number; agent: string; passed: boolean }[];
}

export class DescriptionRouter {
  private readonly docs: { tf: Map<string, number>; agent: string; passed: boolean }[] = [];
  private readonly df = new Map<string, number>();
  private readonly ladder: RouterAgent[];

  constructor(agents: RouterAgent[], private readonly opts: { k?: number; threshold?: number } = {}) {
    this.ladder = [...agents].sort((a, b) => a.price - b.price || a.id.localeCompare(b.id));
  }

  get size(): number {
    return this.docs.length;
  }

  private static termFreq(text: string): Map<string, number> {
    const tf = new Map<string, number>();
    for (const t of tokenizeText(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  }

  private vector(tf: Map<string, number>): Map<string, number> {
    const n = this.docs.length + 1;
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of tf) {
      const idf = Math.log((1 + n) / (1 + (this.df.get(t) ?? 0))) + 1;
      const w = (1 + Math.log(f)) * idf;
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  }

  private static cosine(a: Map<string, number>, b: Map<string, number>): number {
    const [small, big] = a.size < b.size ? [a, b] : [b, a];
    let s = 0;
    for (const [t, w] of small) s += w * (big.get(t) ?? 0);
    return s;
  }

  decide(text: string): RouterDecision {
    const k = this.opts.k ?? 5;
    const threshold = this.opts.threshold ?? 0.5;
    const q = this.vector(DescriptionRouter.termFreq(text));
    const sims = this.docs
      .map((d, i) => ({ i, similarity: DescriptionRouter.cosine(q, this.vector(d.tf)) }))
      .filter((s) => s.similarity > 0)
      .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
      .slice(0, k);
    const rank = new Map(this.ladder.map((a, i) => [a.id, i]));
    const estimates: Record<string, number> = {};
    for (const a of this.ladder) {
      const me = rank.get(a.id)!;
      let pass = 0;
      let seen = 0;
      for (const s of sims) {
        const d = this.docs[s.i];
        const r = rank.get(d.agent);
        if (r === undefined) continue;
        // A pass by an agent at most as expensive says "I would pass too"; a failure by one at least as expensive says "I would fail too".
        if (d.passed && r <= me) {
          pass += s.similarity;
          seen += s.similarity;
        } else if (!d.passed && r >= me) {
          seen += s.similarity;
        }
      }
      estimates[a.id] = (pass + 1) / (seen + 2);
    }
    const pick = this.ladder.find((a) => estimates[a.id] >= threshold) ?? this.ladder[this.ladder.length - 1];
    return {
      agent: pick.id,
      estimates,
      neighbours: sims.map((s) => ({ similarity: s.similarity, agent: this.docs[s.i].agent, passed: this.docs[s.i].passed })),
    };
  }

  observe(o: RouterObservation): void {
    const tf = DescriptionRouter.termFreq(o.text);
    for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.docs.push({ tf, agent: o.agent, passed: o.passed });
  }
}
