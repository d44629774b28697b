import { meanEntropy } from '../core/auction/entropy';
import { scoreBid, argminScore } from '../core/auction/scoring';
import { auctionSettings } from '../core/auction/auctionSettings';
import type { SuiteTask } from '../core/task';
import type { PoolConfig } from '../llm/poolConfig';
import { blendedPrice } from '../core/pricing';
import { judgePlan } from './judge';
import { entropyLatent, makeLogprobs } from './logprobs';
import { writePlan } from './planWriter';
import { type Bin, baseDraw } from './successModel';
import { tokenize } from './tokenizer';
import type { SimWorld } from './worldConfig';

/**
 * Measures a simulated world by sampling it directly (no HTTP): per-bin success of every agent, the oracle
 * (does any agent pass), and how much plans, jury scores, entropy and plan length say about the draw.
 * Used by the calibration tests and to describe a pool file's world.
 */

export interface WorldFigures {
  tasksPerBin: number;
  /** Agent id → success rate per bin (index 0 = bin 1) and over all bins (bins weighted equally). */
  success: Record<string, { byBin: number[]; overall: number }>;
  oracle: { byBin: number[]; overall: number };
  /** Pearson correlation with the success draw, pooled over agents and bins (NaN if undefined, e.g. entropy without logprobs); plan tokens within (agent, bin). */
  correlation: { juryMean: number; singleJudge: number; entropy: number; planTokens: number };
  /** Reference policy: argmin(C − V) with the auction's default weights, bids + jury only (no refinement). */
  reference?: { passRate: number; largestShare: number };
}

export const BINS: Bin[] = [1, 2, 3, 4, 5];
const BIN_MINUTES = [3, 10, 20, 45, 90];

/** A synthetic task of a bin, with three key steps, for sampling a world without a suite. */
export function syntheticTask(i: number, bin: Bin): SuiteTask {
  const fn = `handler${bin}x${i}`;
  return {
    id: `synthetic-${bin}-${i}`,
    title: `${fn}() returns the wrong result for case ${i}`,
    body: `Calling \`${fn}()\` with the inputs from report ${i} gives a wrong result; the tests in test/${fn}.test.js fail.`,
    family: `family-${i % 7}`,
    minutes: BIN_MINUTES[bin - 1],
    testCommand: 'npm test',
    keySteps: [`guard ${fn} against empty input ${i}`, `compute the ${fn} total before rounding`, `return the normalised value from ${fn}`],
  };
}

export function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Correlation after removing each group's means: plan length legitimately grows with the bin (and success
 * falls with it), so independence of length and draw is a statement within an (agent, bin) group.
 */
export function withinGroupCorrelation(rows: { group: string; x: number; y: number }[]): number {
  const sums = new Map<string, { n: number; x: number; y: number }>();
  for (const r of rows) {
    const s = sums.get(r.group) ?? { n: 0, x: 0, y: 0 };
    s.n++; s.x += r.x; s.y += r.y;
    sums.set(r.group, s);
  }
  const mean = (g: string) => sums.get(g)!;
  return pearson(rows.map((r) => r.x - mean(r.group).x / mean(r.group).n), rows.map((r) => r.y - mean(r.group).y / mean(r.group).n));
}

export function measureSuccess(world: SimWorld, tasksPerBin: number, requestSeed = 0): Pick<WorldFigures, 'success' | 'oracle'> {
  const success: WorldFigures['success'] = {};
  for (const id of world.agentIds) success[id] = { byBin: [], overall: 0 };
  const oracleByBin: number[] = [];
  for (const bin of BINS) {
    const wins = new Map(world.agentIds.map((id) => [id, 0]));
    let any = 0;
    for (let t = 0; t < tasksPerBin; t++) {
      let ok = false;
      for (const id of world.agentIds) {
        if (baseDraw(world, id, `synthetic-${bin}-${t}`, bin, requestSeed).success) {
          wins.set(id, wins.get(id)! + 1);
          ok = true;
        }
      }
      if (ok) any++;
    }
    for (const id of world.agentIds) success[id].byBin.push(wins.get(id)! / tasksPerBin);
    oracleByBin.push(any / tasksPerBin);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const id of world.agentIds) success[id].overall = mean(success[id].byBin);
  return { success, oracle: { byBin: oracleByBin, overall: mean(oracleByBin) } };
}

export interface PlanSample {
  agentId: string;
  bin: Bin;
  success: boolean;
  planTokens: number;
  juryMean: number;
  scores: { judge: string; score: number }[];
  /** Score from the most capable judge alone. */
  topJudge: number;
  /** Mean top-5 entropy of the plan; null when the agent offers no logprobs. */
  entropy: number | null;
}

/** Bids of every agent on synthetic tasks, scored by every judge as the server would. */
export function samplePlans(world: SimWorld, tasksPerBin: number, requestSeed = 0): { task: SuiteTask; bids: PlanSample[] }[] {
  const judges = [...world.agents.values()];
  const top = [...judges].sort((a, b) => b.capability - a.capability)[0];
  const out: { task: SuiteTask; bids: PlanSample[] }[] = [];
  for (const bin of BINS) {
    for (let t = 0; t < tasksPerBin; t++) {
      const task = syntheticTask(t, bin);
      const bids = world.agentIds.map((id) => {
        const agent = world.agents.get(id)!;
        const draw = baseDraw(world, id, task.id, bin, requestSeed);
        const plan = writePlan({ agent, worldSeed: world.seed, requestSeed, task, bin, files: [`src/handler${t}.js`], purpose: 'bid', success: draw.success, maxTokens: 400 });
        const scores = judges.map((j) => judgePlan(world, j, requestSeed, task.keySteps, plan.text).score);
        const key = `${world.seed}/${requestSeed}/${task.id}/bid`;
        const toks = tokenize(plan.text);
        const lp = makeLogprobs(toks, agent, entropyLatent(agent, draw.success, key), key);
        const entropy = agent.offersLogprobs ? meanEntropy(lp.map((x) => ({ token: x.token, logprob: x.logprob, top: x.top_logprobs }))) : null;
        return {
          agentId: id, bin, success: draw.success, planTokens: toks.length,
          juryMean: scores.reduce((a, b) => a + b, 0) / scores.length,
          scores: scores.map((score, i) => ({ judge: judges[i].id, score })),
          topJudge: scores[judges.indexOf(top)], entropy,
        };
      });
      out.push({ task, bids });
    }
  }
  return out;
}

export function measureWorld(world: SimWorld, opts: { tasksPerBin?: number; planTasksPerBin?: number; pool?: PoolConfig; requestSeed?: number } = {}): WorldFigures {
  const tasksPerBin = opts.tasksPerBin ?? 2000;
  const { success, oracle } = measureSuccess(world, tasksPerBin, opts.requestSeed ?? 0);
  const samples = samplePlans(world, opts.planTasksPerBin ?? 100, opts.requestSeed ?? 0);
  const flat = samples.flatMap((s) => s.bids);
  const y = flat.map((b) => (b.success ? 1 : 0));
  const figures: WorldFigures = {
    tasksPerBin, success, oracle,
    correlation: {
      juryMean: pearson(flat.map((b) => b.juryMean), y),
      singleJudge: pearson(flat.map((b) => b.topJudge), y),
      entropy: flat.every((b) => b.entropy !== null) ? pearson(flat.map((b) => b.entropy!), y) : Number.NaN,
      planTokens: withinGroupCorrelation(flat.map((b) => ({ group: `${b.agentId}/${b.bin}`, x: b.planTokens, y: b.success ? 1 : 0 }))),
    },
  };
  if (opts.pool) {
    // As the auction does: the entropy term only when every bid has it.
    const useEntropy = flat.every((b) => b.entropy !== null);
    const weights = auctionSettings().weights;
    const price = new Map(opts.pool.agents.map((a) => [a.id, blendedPrice(a.price)]));
    const largest = [...price.entries()].sort((a, b) => b[1] - a[1])[0][0];
    let pass = 0, largestWins = 0;
    for (const s of samples) {
      const scored = s.bids.map((b) => ({ b, ...scoreBid(weights, price.get(b.agentId)!, b.planTokens, useEntropy ? b.entropy : null, b.scores), pricePerMTok: price.get(b.agentId)! }));
      const w = scored[argminScore(scored)].b;
      if (w.success) pass++;
      if (w.agentId === largest) largestWins++;
    }
    figures.reference = { passRate: pass / samples.length, largestShare: largestWins / samples.length };
  }
  return figures;
}
