import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type BenchResults, TaskRunSchema } from '../../../src/bench/results';
import { orderRequestSeed, orderTasks, quickSubset, runBench } from '../../../src/bench/runBench';
import { summarise } from '../../../src/bench/stats';
import { loadSuite } from '../../../src/core/suite';

/**
 * The bench end to end on the simulated default pool and a few suite tasks (real copies, real test runs).
 * Small on purpose: these run with every unit spec.
 */
const SUITE = join(__dirname, '..', '..', 'fixtures', 'suite');
const POOL = join(__dirname, '..', '..', '..', 'pools', 'sim-default.json');
const TASKS = ['cache-ttl-boundary', 'cli-equals-in-value', 'cache-memoize-args', 'date-format-month-offset'];

const strip = (r: BenchResults) => r.runs.map(({ wallMs: _w, ...x }) => x);


describe('bench: end to end on the simulated pool', function () {
  this.timeout(180_000);
  let res: BenchResults;

  before(async () => {
    res = await runBench({
      suiteDir: SUITE, poolPath: POOL, policies: ['sale', 'sale-paper', 'sale-no-memory', 'largest', 'router', 'cascade', 'oracle'],
      orders: 2, seed: 5, taskIds: TASKS, testConcurrency: 2,
    });
  });

  it('writes one valid run per task, order and policy, with no errors', () => {
    assert.equal(res.runs.length, TASKS.length * 2 * 7);
    for (const r of res.runs) {
      TaskRunSchema.parse(r);
      assert.equal(r.error, undefined, `${r.policy} ${r.taskId}: ${r.error}`);
    }
  });

  it('each policy has its own memory: it holds exactly the tasks this policy already ran in this order', () => {
    for (const r of res.runs.filter((x) => x.policy.startsWith('sale') || x.policy === 'router')) {
      // Shared memory (three auction policies, or two orders) would hold more records than this stream's past.
      assert.equal(r.memoryBefore, r.position, `${r.policy} order ${r.order} position ${r.position}`);
    }
    // Refinement only ever sees this policy's own past: there is none before the first task of an order.
    for (const r of res.runs.filter((x) => x.position === 0)) assert.equal(r.refined, false);
    for (const r of res.runs.filter((x) => x.policy === 'sale-no-memory')) assert.equal(r.refined, false);
  });

  it('the oracle executes the cheapest passing agent of its runs, and passes iff some agent passed', () => {
    for (const r of res.runs.filter((x) => x.policy === 'oracle')) {
      assert.equal(r.attempts.length, res.pool.agents.length);
      const passing = r.attempts.filter((a) => a.passed);
      assert.equal(r.passed, passing.length > 0);
      if (passing.length) {
        const cheapest = Math.min(...passing.map((a) => a.usd));
        const pick = r.attempts.find((a) => a.agent === r.chosen)!;
        assert.ok(pick.passed);
        assert.equal(pick.usd, cheapest);
        assert.equal(r.execution.usd, pick.usd);
      }
      assert.deepEqual(r.executed, [r.chosen]);
      // Draws are paired: the oracle's run of the largest agent agrees with the largest policy.
      const largest = res.runs.find((x) => x.policy === 'largest' && x.order === r.order && x.taskId === r.taskId)!;
      assert.equal(r.attempts.find((a) => a.agent === res.pool.largest)!.passed, largest.passed);
    }
  });

  it('auction policies pay for their auction: it is in every task\'s total and in the summary', () => {
    for (const r of res.runs.filter((x) => x.policy.startsWith('sale'))) {
      // Bids from every agent, then a jury: all of them (sale-paper) or the cheaper half (sale's cheapJury).
      assert.ok(r.auction.usd > 0 && r.auction.tokens > 0 && r.auction.calls >= 6, `${r.policy} ${r.taskId}: auction ${JSON.stringify(r.auction)}`);
      assert.equal(r.totalUsd, Number((r.auction.usd + r.execution.usd).toPrecision(7)));
      assert.equal(r.totalTokens, r.auction.tokens + r.execution.tokens);
      assert.equal(r.bids?.filter((b) => b.round === 0).length, res.pool.agents.length);
    }
    for (const r of res.runs.filter((x) => !x.policy.startsWith('sale'))) assert.equal(r.auction.usd, 0);
    // The paper-faithful jury is |A|² calls, ours one per judge of the cheaper half.
    const calls = (p: string) => res.runs.filter((x) => x.policy === p && !x.refined).map((x) => x.auction.calls);
    const n = res.pool.agents.length;
    assert.ok(calls('sale-paper').every((c) => c === n + n * n));
    assert.ok(calls('sale').every((c) => c === n + Math.ceil(n / 2)));
    for (const s of summarise(res).filter((x) => x.policy.startsWith('sale'))) {
      const rs = res.runs.filter((x) => x.policy === s.policy);
      const perOrder = [0, 1].map((o) => rs.filter((x) => x.order === o).reduce((t, x) => t + x.auction.usd + x.execution.usd, 0));
      assert.ok(Math.abs(s.totalUsd.mean - (perOrder[0] + perOrder[1]) / 2) < 1e-9);
      assert.ok(s.auctionUsdShare.mean > 0);
    }
  });

  it('the cascade climbs the price ladder from the cheapest and stops at the first pass', () => {
    const ladder = [...res.pool.agents].sort((a, b) => a.price - b.price).map((a) => a.id);
    for (const r of res.runs.filter((x) => x.policy === 'cascade')) {
      assert.deepEqual(r.executed, ladder.slice(0, r.executed.length));
      assert.ok(r.attempts.slice(0, -1).every((a) => !a.passed));
      assert.equal(r.escalations, r.executed.length - 1);
    }
  });

  it('the same seed reproduces every number; another seed changes the stream', async () => {
    const small = { suiteDir: SUITE, poolPath: POOL, policies: ['sale', 'random'] as ('sale' | 'random')[], orders: 1, taskIds: TASKS.slice(0, 3), testConcurrency: 2 };
    const a = await runBench({ ...small, seed: 11 });
    const b = await runBench({ ...small, seed: 11 });
    assert.deepEqual(strip(a), strip(b));
    const c = await runBench({ ...small, seed: 12 });
    assert.notDeepEqual(c.orders[0].requestSeed, a.orders[0].requestSeed);
    assert.notDeepEqual(strip(c), strip(a));
  });
});

describe('bench: orders (bench/runBench)', () => {

  it('orders: the same seed gives the same order and request seed; other seeds or orders differ', () => {
    const suite = loadSuite(SUITE);
    const ids = (s: number, o: number) => orderTasks(suite, s, o).map((e) => e.task.id).join(',');
    assert.equal(ids(1, 0), ids(1, 0));
    assert.notEqual(ids(1, 0), ids(1, 1));
    assert.notEqual(ids(1, 0), ids(2, 0));
    assert.equal(orderRequestSeed(1, 3), orderRequestSeed(1, 3));
    assert.notEqual(orderRequestSeed(1, 3), orderRequestSeed(1, 4));
    const q = quickSubset(suite);
    assert.equal(q.length, 10);
    assert.ok(new Set(q.map((e) => e.task.family)).size >= 2);
  });
});
