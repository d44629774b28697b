import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itemsFromBenchResults } from '../../../src/bench/calibrationData';
import type { BenchResults, TaskRun } from '../../../src/bench/results';
import { DEFAULT_WEIGHTS } from '../../../src/core/auction/auctionSettings';
import { type CalibrationItem, evaluateWeights, fitWeights, outcomeOf, pickWith } from '../../../src/bench/calibration';
import { itemsFromMemory, loadWeightsFile } from '../../../src/bench/calibrationData';
import type { MemoryBid, MemoryRecord } from '../../../src/core/memory/memoryRecord';
import { memoryBid, memoryRecord, outcome } from '../helpers/builders';
import { mulberry32 } from '../../../src/core/auction/seededShuffle';

const AGENTS = [
  { agent: 'small', price: 0.05 },
  { agent: 'mid', price: 0.16 },
  { agent: 'big', price: 0.36 },
];
const price = (a: string) => AGENTS.find((x) => x.agent === a)!.price;

/**
 * A synthetic world: the big agent passes more, harder bins fail small agents, and one judge ("good") scores
 * plans by whether the agent would pass while the other ("noisy") scores at random. Entropy is noise.
 */
function world(n: number, seed = 3): CalibrationItem[] {
  const rnd = mulberry32(seed);
  const items: CalibrationItem[] = [];
  for (let i = 0; i < n; i++) {
    const bin = 1 + (i % 5);
    const passP: Record<string, number> = { small: 1.05 - 0.22 * bin, mid: 1.1 - 0.18 * bin, big: 1.15 - 0.15 * bin };
    const passed: Record<string, boolean> = {};
    const usd: Record<string, number> = {};
    const u = rnd();
    for (const a of AGENTS) {
      passed[a.agent] = u < passP[a.agent];
      usd[a.agent] = a.price * 0.02 * (1 + bin / 2);
    }
    const bids = AGENTS.map((a) => ({
      agent: a.agent, price: a.price, tokens: 200 + Math.floor(rnd() * 50), entropy: 0.3 + rnd() * 0.5,
      jury: [
        { judge: 'good', score: passed[a.agent] ? 4 + Math.round(rnd()) : Math.round(rnd() * 2) },
        { judge: 'noisy', score: Math.round(rnd() * 5) },
      ],
    }));
    items.push({ id: `t${i}`, bin, bids, passed, usd });
  }
  return items;
}

describe('calibration: fitting the scoring weights', () => {
  it('infers outcomes along the price ladder', () => {
    const it: CalibrationItem = { id: 'x', bin: 1, bids: [], passed: { mid: true }, usd: {} };
    assert.equal(outcomeOf(it, 'big', price), true);
    assert.equal(outcomeOf(it, 'small', price), undefined);
    const it2: CalibrationItem = { id: 'y', bin: 1, bids: [], passed: { mid: false }, usd: {} };
    assert.equal(outcomeOf(it2, 'small', price), false);
    assert.equal(outcomeOf(it2, 'big', price), undefined);
  });

  it('the objective is the worst bin\'s gain over always using the reference agent', () => {
    const items = world(60);
    const bigOnly = { cost: 0, entropy: 0, jury: {}, juryDefault: 0 };
    // With all-zero weights every score ties and the cheapest bid wins: the small agent everywhere.
    assert.ok(items.every((i) => pickWith(bigOnly, i, true) === 'small'));
    const e = evaluateWeights(bigOnly, items, { lambda: 0.1, reference: 'big', useEntropy: true });
    assert.equal(e.bins.length, 5);
    for (const b of e.bins) {
      const its = items.filter((i) => i.bin === b.bin);
      const p = its.filter((i) => i.passed.small).length / its.length;
      const rp = its.filter((i) => i.passed.big).length / its.length;
      assert.ok(Math.abs(b.pass - p) < 1e-12 && Math.abs(b.referencePass - rp) < 1e-12);
      assert.ok(Math.abs(b.gain - (p - rp - 0.1 * (b.cost - b.referenceCost) / b.referenceCost)) < 1e-12);
    }
    assert.equal(e.objective, Math.min(...e.bins.map((b) => b.gain)));
  });

  it('finds weights at least as good as the defaults, leaning on the informative judge, deterministically', () => {
    const items = world(200);
    const r = fitWeights(items, { lambda: 0.1, seed: 7, samples: 800 });
    assert.ok(r.fitted.objective >= r.defaults.objective);
    assert.ok(r.weights.jury.good > r.weights.jury.noisy, JSON.stringify(r.weights));
    assert.ok(Math.abs(r.weights.jury.good + r.weights.jury.noisy - 1) < 1e-9);
    assert.ok(Object.values(r.weights.jury).every((w) => w >= 0) && r.weights.cost >= 0 && r.weights.entropy >= 0);
    assert.equal(r.reference.agent, 'big');
    const again = fitWeights(items, { lambda: 0.1, seed: 7, samples: 800 });
    assert.deepEqual(again.weights, r.weights);
    // Held-out data from the same world: the fitted weights keep their edge over the defaults.
    const test = world(200, 99);
    const ev = (w: typeof r.weights) => evaluateWeights(w, test, { lambda: 0.1, reference: 'big', useEntropy: true }).meanGain;
    assert.ok(ev(r.weights) > ev(DEFAULT_WEIGHTS));
  });

  it('a higher cost penalty moves picks to cheaper agents', () => {
    const items = world(200);
    const share = (l: number) => {
      const r = fitWeights(items, { lambda: l, seed: 7, samples: 600 });
      return items.filter((i) => pickWith(r.weights, i, r.useEntropy) === 'big').length / items.length;
    };
    assert.ok(share(2) <= share(0));
  });

  it('reads calibration items from bench results: original bids, labels from unrefined runs of the same order', () => {
    const bids = AGENTS.map((a) => ({ agent: a.agent, round: 0, price: a.price, tokens: 200, entropy: 0.5, jury: [{ judge: 'big', score: 3 }], score: -1 }));
    const base = { taskId: 't', family: 'f', bin: 2, chosen: 'small', executed: ['small'], passed: true, auction: { inputTokens: 1, outputTokens: 1, tokens: 2, usd: 0.001, calls: 1 }, execution: { inputTokens: 1, outputTokens: 1, tokens: 2, usd: 0.001, calls: 1 }, totalUsd: 0.002, totalTokens: 4, refined: false, refinedWon: false, escalations: 0, largestExecuted: false, memoryBefore: 0, wallMs: 1, position: 0 };
    const runs: TaskRun[] = [
      { ...base, order: 0, policy: 'sale', bids: [...bids, { ...bids[0], round: 1 }], attempts: [{ agent: 'small', passed: true, reason: 'passed', turns: 1, tokens: 2, usd: 0.01, refinedPlan: true }] },
      { ...base, order: 0, policy: 'oracle', attempts: AGENTS.map((a) => ({ agent: a.agent, passed: a.agent !== 'small', reason: 'x', turns: 1, tokens: 2, usd: a.price / 100, refinedPlan: false })) },
      { ...base, order: 1, policy: 'largest', attempts: [{ agent: 'big', passed: false, reason: 'x', turns: 1, tokens: 2, usd: 0.004, refinedPlan: false }] },
    ];
    const res = { runs } as unknown as BenchResults;
    const items = itemsFromBenchResults(res, 'sale');
    assert.equal(items.length, 1);
    assert.equal(items[0].bids.length, 3);
    // The refined winner's pass is not a label for the small agent's original bid; the oracle's run is.
    assert.deepEqual(items[0].passed, { small: false, mid: true, big: true });
    assert.equal(items[0].usd.mid, 0.0016);
    assert.throws(() => itemsFromBenchResults(res, 'sale-paper'), /no auction bids for policy "sale-paper"/);
  });

  it('reads items from memory records and loads a weights file in either form', () => {
    const planned = (agent: string, over: Partial<MemoryBid> = {}) => memoryBid(agent, { plan: 'p', entropy: 0.4, jury: [{ judge: 'big', score: 3 }], score: -1, ...over });
    const rec = (done: MemoryRecord['outcome'], bids = [planned('small'), planned('mid'), planned('big')]): MemoryRecord =>
      memoryRecord({ task: { id: 't', text: 't', source: 'suite', repo: 'r' }, bids, winner: 'small', outcome: done });
    const prices = { small: 0.05, mid: 0.16, big: 0.36 };
    const items = itemsFromMemory([
      rec(outcome('mid', { usd: 0.01, escalatedFrom: ['small'], attempts: [] })),
      rec(null),
      rec(outcome('small', { usd: 0.01, attempts: [] }), [planned('small'), planned('small', { refined: true, score: -9 }), planned('big')]),
    ], prices);
    assert.equal(items.length, 1);
    assert.deepEqual(items[0].passed, { small: false, mid: true });
    assert.equal(items[0].bin, 0);
    const dir = mkdtempSync(join(tmpdir(), 'sale-weights-'));
    try {
      const w = { cost: 3, entropy: 0.5, jury: { big: 0.7 }, juryDefault: 0.1 };
      writeFileSync(join(dir, 'a.json'), JSON.stringify(w));
      writeFileSync(join(dir, 'b.json'), JSON.stringify({ weights: w, lambda: 0.1 }));
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ weights: { cost: -1 } }));
      assert.deepEqual(loadWeightsFile(join(dir, 'a.json')), w);
      assert.deepEqual(loadWeightsFile(join(dir, 'b.json')), w);
      assert.throws(() => loadWeightsFile(join(dir, 'c.json')), /Invalid weights/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
