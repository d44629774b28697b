import assert from 'node:assert/strict';
import { buildReport } from '../../../src/bench/report';
import type { BenchResults, TaskRun } from '../../../src/bench/results';
import { learningCurve } from '../../../src/bench/stats';
import { auctionCurve, economyFigures, escalationCalibration } from '../../../src/bench/economyReport';

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

describe('bench: learning curve and report (bench/report)', () => {
  it('measures how often an escalation passed against what its agent\'s first attempts predict', () => {
    const att = (agent: string, passed: boolean) => ({ agent, passed, reason: passed ? 'passed' : 'tests-failed', turns: 1, tokens: 1, usd: 0, refinedPlan: false });
    const rs: TaskRun[] = [
      // The big agent's first attempts: 3 of 4 passed, so (3+1)/(4+2) = 2/3 per escalation to it.
      ...[true, true, true, false].map((p, i) => run({ policy: 'sale', order: 0, position: i, attempts: [att('big', p)] })),
      // Two escalations to it, one passed.
      run({ policy: 'sale', order: 0, position: 4, attempts: [att('small', false), att('big', true)] }),
      run({ policy: 'sale', order: 0, position: 5, attempts: [att('small', false), att('big', false)] }),
      run({ policy: 'router', order: 0, position: 6, attempts: [att('small', false), att('big', true)] }),
      ...Array.from({ length: 7 }, (_, i) => run({ policy: 'largest', order: 0, position: i, chosen: 'big', attempts: [att('big', true)] })),
    ];
    const c = escalationCalibration(results(rs), 'sale');
    assert.equal(c.escalations, 2);
    assert.equal(c.passed, 1);
    assert.ok(Math.abs(c.predicted - 4 / 3) < 1e-9, `predicted ${c.predicted}`);
    assert.match(buildReport(results(rs), { command: 'sale bench --test' }).markdown, /escalated 2 times and 1 passed.*predict 1\.3, so a second attempt passed 0\.75× as often/);
  });

  it('learning curve windows and a report with readable SVG charts', () => {
    const rs: TaskRun[] = [];
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 6; i++) {
        rs.push(run({ policy: 'sale', order: o, position: i, chosen: i < 3 ? 'big' : 'small', auction: usage(100, 0.0001) }));
        rs.push(run({ policy: 'router', order: o, position: i, chosen: 'small' }));
      }
    }
    const res = results(rs, 2);
    const curve = learningCurve(res, 'sale', 3);
    assert.deepEqual(curve.map((c) => [c.from, c.to, c.share.mean]), [[1, 3, 0], [4, 6, 1]]);
    const rep = buildReport(res, { command: 'sale bench --test' });
    assert.match(rep.markdown, /## Headline/);
    assert.match(rep.markdown, /## Learning curve/);
    assert.deepEqual(rep.charts.map((c) => c.name).sort(), ['cost-vs-pass.svg', 'learning-curve.svg', 'pass-by-bin.svg']);
    for (const c of rep.charts) {
      assert.match(c.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.doesNotMatch(c.svg, /NaN|undefined|Infinity/);
      assert.match(c.svg, /<\/svg>\n$/);
    }
  });

  it('a routed task whose plan check cost a juror call did not hold an auction: the auction rate follows the routing decision', () => {
    const routing = (mode: 'routed' | 'auction') => ({ mode, cause: mode === 'routed' ? 'routed' : 'check', agent: 'small', reason: '' });
    const rs: TaskRun[] = [];
    for (let i = 0; i < 4; i++) {
      // Every task spent on the auction side: the two routed ones only on their plan's check.
      rs.push(run({ policy: 'sale', order: 0, position: i, auction: usage(100, i < 2 ? 0.001 : 0.00001), routing: routing(i < 2 ? 'auction' : 'routed') }));
      rs.push(run({ policy: 'largest', order: 0, position: i, chosen: 'big' }));
    }
    const res = results(rs);
    assert.equal(economyFigures(res, 'sale')!.auctionRate.mean, 0.5);
    assert.deepEqual(auctionCurve(res, 'sale').map((c) => c.rate.mean).reduce((a, b) => a + b, 0) / auctionCurve(res, 'sale').length, 0.5);
  });
});
