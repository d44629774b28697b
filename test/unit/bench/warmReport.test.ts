import assert from 'node:assert/strict';
import type { BenchResults } from '../../../src/bench/results';
import { compareWarmStart, warmComparisonMarkdown, warmStartSection } from '../../../src/bench/warmReport';

const split = [{ repo: 'a', history: ['a1'], measured: ['a2', 'a3'] }, { repo: 'b', history: [], measured: ['b1'] }];
const orders = [{ order: 0, requestSeed: 1, tasks: ['a2', 'b1', 'a3'] }, { order: 1, requestSeed: 2, tasks: ['a3', 'a2', 'b1'] }];

/** Only what the warm-start report reads; `passed[order]` lists the measured tasks that passed in that order. */
function results(memoryStart: 'cold' | 'execute', passed: string[][], usd: number, warmupUsd?: number[]): BenchResults {
  const runs = orders.flatMap((o) => o.tasks.map((taskId, position) => ({
    order: o.order, position, taskId, policy: 'sale', passed: passed[o.order].includes(taskId), totalUsd: usd,
    // The warm run routes its first task of each order from memory; the cold one holds every auction.
    routing: { mode: memoryStart !== 'cold' && position === 0 ? 'routed' : 'auction', cause: 'x', agent: null },
  })));
  return {
    options: { orders: 2, memoryStart }, orders, historySplit: split, runs,
    ...(warmupUsd ? { warmups: warmupUsd.map((u, order) => ({ order, policy: 'sale', repo: 'a', mode: 'execute', tasks: ['a1'], passed: 1, usd: u, tokens: 1000, records: 1, wallMs: 1 })) } : {}),
  } as unknown as BenchResults;
}

describe('bench warm start: the cold/warm comparison', () => {
  const cold = results('cold', [['a2'], ['a2', 'b1']], 0.01);
  const warm = results('execute', [['a2', 'a3', 'b1'], ['a2', 'b1']], 0.008, [0.02, 0.04]);

  it('pairs pass@1 and dollars by order, and keeps the warm-up\'s cost apart', () => {
    const c = compareWarmStart(cold, warm);
    assert.deepEqual(c.cold.pass.values, [1 / 3, 2 / 3]);
    assert.deepEqual(c.warm.pass.values, [1, 2 / 3]);
    assert.ok(Math.abs(c.dPass.values[0] - 2 / 3) < 1e-12 && c.dPass.values[1] === 0, String(c.dPass.values));
    assert.ok(Math.abs(c.dUsd.mean + 0.002) < 1e-12);
    assert.deepEqual(c.warmupUsd.values, [0.02, 0.04]);
    assert.deepEqual(c.cold.auctions.values, [1, 1]);
    assert.deepEqual(c.warm.auctions.values, [2 / 3, 2 / 3]);
    const a = c.perRepo.find((r) => r.repo === 'a')!;
    assert.equal(a.coldPass, 0.5);
    assert.equal(a.warmPass, 0.75);
    assert.ok(Math.abs(a.warmupUsd - 0.03) < 1e-12);
    assert.equal(c.perRepo.find((r) => r.repo === 'b')!.warmupUsd, 0);
    const md = warmComparisonMarkdown(c, 'execute');
    assert.match(md, /\| pass@1 \| 50\.0% ± 23\.6% \| 83\.3% ± 23\.6% \| \+33\.3 ± 47\.1 points \|/);
    assert.match(md, /\| b \| 0 \| 1 \| 50\.0% \| 100\.0% \| \$0\.01000 \| \$0\.00800 \| — \|/);
  });

  it('refuses runs that did not measure the same tasks in the same orders, or that are not cold and warm', () => {
    const other = { ...warm, orders: [orders[1], orders[0]] } as BenchResults;
    assert.throws(() => compareWarmStart(cold, other), /different tasks or orders/);
    assert.throws(() => compareWarmStart(warm, warm), /--history-split/);
    assert.throws(() => compareWarmStart(cold, cold), /--warm-memory/);
  });

  it('report.md says per repository what was history, what was measured and what warming up cost', () => {
    const md = warmStartSection(warm).join('\n');
    assert.match(md, /--warm-memory execute/);
    assert.match(md, /\| a \| 1 \| 2 \| \$0\.03000 \| 1,000 \| 2 of 2 \|/);
    assert.match(md, /\| b \| 0 \| 1 \| — \| — \| — \|/);
    assert.deepEqual(warmStartSection({ ...cold, options: { orders: 2 } } as unknown as BenchResults), []);
  });
});
