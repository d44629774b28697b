import assert from 'node:assert/strict';
import { type BenchResults, formatResultsJson, roundNumbers, type TaskRun } from '../../../src/bench/results';

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

describe('bench: results.json (bench/results)', () => {
  it('results.json: numbers rounded, one run per line, parses back', () => {
    const r = roundNumbers(results([run({ policy: 'sale', order: 0, position: 0, auction: usage(1, 0.1 + 0.2) })]));
    assert.equal(r.runs[0].auction.usd, 0.3);
    const text = formatResultsJson(r);
    assert.deepEqual(JSON.parse(text), r);
    assert.match(text, /\n {2}\{"taskId":"t0",[^\n]*\}\n \]\n\}\n$/);
  });
});
