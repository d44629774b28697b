import assert from 'node:assert/strict';
import { verdict } from '../../../src/bench/report';
import type { BenchResults, TaskRun } from '../../../src/bench/results';
import { spread, summarise } from '../../../src/bench/stats';

const usage = (tokens: number, usd: number) => ({ inputTokens: tokens, outputTokens: 0, tokens, usd, calls: 1 });

function run(p: Partial<TaskRun> & Pick<TaskRun, 'policy' | 'order' | 'position'>): TaskRun {
  const auction = p.auction ?? usage(0, 0);
  const execution = p.execution ?? usage(1000, 0.001);
  return {
    taskId: `t${p.position}`, family: 'f', bin: 1, chosen: 'small', executed: ['small'], passed: true, refined: false, refinedWon: false,
    escalations: 0, largestExecuted: false, memoryBefore: 0, attempts: [], wallMs: 1, ...p, auction, execution,
    totalUsd: auction.usd + execution.usd, totalTokens: auction.tokens + execution.tokens,
  };
}

function results(runs: TaskRun[], orders = 1): BenchResults {
  return {
    schema: 1, tool: 'sale bench', createdAt: '', simulated: true,
    pool: { path: '/p', agents: [], largest: 'big', smallest: 'small', small: ['small'] },
    suite: { path: '/s', tasks: 4, used: Math.max(...runs.map((r) => r.position)) + 1 },
    options: { policies: [...new Set(runs.map((r) => r.policy))], orders, seed: 1, quick: false, testCache: true, concurrency: 1, budget: { maxTurns: 1, maxTokens: 1, maxUsd: 1 } },
    orders: Array.from({ length: orders }, (_, o) => ({ order: o, requestSeed: o, tasks: [] })),
    runs,
    timing: { wallMs: 1, realTestRuns: 0, cachedTestRuns: 0 },
  };
}

describe('bench: statistics (bench/stats)', () => {
  it('mean ± sample std over orders; dollars include the auction', () => {
    assert.deepEqual({ ...spread([1, 3]), values: [] }, { mean: 2, std: Math.SQRT2, values: [] });
    const rs = [
      run({ policy: 'sale', order: 0, position: 0, auction: usage(500, 0.002), execution: usage(1000, 0.001) }),
      run({ policy: 'sale', order: 0, position: 1, passed: false, auction: usage(500, 0.002), execution: usage(1000, 0.001) }),
      run({ policy: 'largest', order: 0, position: 0, chosen: 'big', executed: ['big'], largestExecuted: true, execution: usage(1000, 0.004) }),
      run({ policy: 'largest', order: 0, position: 1, chosen: 'big', executed: ['big'], largestExecuted: true, execution: usage(1000, 0.004) }),
    ];
    const [sale, largest] = summarise(results(rs));
    assert.equal(sale.totalUsd.mean, 0.006);
    assert.equal(sale.usdPerSolved.mean, 0.006);
    assert.equal(sale.auctionUsdShare.mean, 4 / 6);
    assert.equal(sale.auctionTokenShare.mean, 1 / 3);
    assert.equal(largest.totalUsd.mean, 0.008);
    assert.equal(largest.largestShare.mean, 1);
    const v = verdict([sale, largest]);
    assert.equal(v.saleBeatsLargestOnDollars, true);
    assert.equal(v.saleAtLeastLargestPass, false);
    assert.match(v.text[0], /claim does not hold/);
  });
});
