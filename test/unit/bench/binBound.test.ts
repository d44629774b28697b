import * as assert from 'node:assert/strict';
import { binBound } from '../../../src/bench/binBound';
import { buildReport } from '../../../src/bench/report';
import { benchAttempt, benchResults, taskRun } from '../helpers/builders';

// Bin 1: both agents pass both tasks (small $1, big $4). Bin 2: small fails both ($2 each); big passes one ($5) and
// fails the other ($6). The oracle pays $1 + $1 + $5 (cheapest passing) + $2 (none passed: the cheapest agent's run).
const oracleRuns = [
  taskRun('oracle', 0, 1, [benchAttempt('small', true, 1), benchAttempt('big', true, 4)], 1, true),
  taskRun('oracle', 1, 1, [benchAttempt('small', true, 1), benchAttempt('big', true, 4)], 1, true),
  taskRun('oracle', 2, 2, [benchAttempt('small', false, 2), benchAttempt('big', true, 5)], 5, true),
  taskRun('oracle', 3, 2, [benchAttempt('small', false, 2), benchAttempt('big', false, 6)], 2, false),
];

describe('bench: the bin-told bound on $/solved (bench/binBound)', () => {
  it('finds the cheapest per-bin sequences per solved task at each pass@1 floor', () => {
    const b = binBound(benchResults(oracleRuns))!;
    assert.equal(b.oracleUsdPerSolved, 3);
    assert.equal(b.referencePass, 0.75);
    const [free, atReference] = b.rows;
    // No floor: the small agent everywhere, $6 for 2 solved; the oracle's $3 per solved task exactly.
    assert.deepEqual(free.sequences, [{ bin: 1, agents: ['small'] }, { bin: 2, agents: ['small'] }]);
    assert.equal(free.usdPerSolved, 3);
    // At the reference's 3 of 4: bin 2 needs the big agent; trying the small one first there only adds $4.
    assert.deepEqual(atReference.sequences, [{ bin: 1, agents: ['small'] }, { bin: 2, agents: ['big'] }]);
    assert.ok(Math.abs(atReference.usdPerSolved - 13 / 3) < 1e-12, String(atReference.usdPerSolved));
    assert.equal(atReference.pass, 0.75);
  });

  it('with a boost, a failed run passes with that chance at the mean passing cost, never for an agent that never passed in the bin', () => {
    const b = binBound(benchResults(oracleRuns), { boost: () => 0.5 })!;
    const atReference = b.rows[1];
    // Bin 2, big: the failed task becomes half a pass at $5 and half a failure at $6: $10.5 for 1.5 solved. The small
    // agent never passed in bin 2, so it gets no boost there. With bin 1's small: $12.5 for 3.5 solved.
    assert.deepEqual(atReference.sequences, [{ bin: 1, agents: ['small'] }, { bin: 2, agents: ['big'] }]);
    assert.ok(Math.abs(atReference.usdPerSolved - 12.5 / 3.5) < 1e-12, String(atReference.usdPerSolved));
    assert.equal(b.oracleUsdPerSolved, 3, 'the yardstick stays the recorded oracle');
  });

  it('gives no bound without oracle runs that tried every agent', () => {
    assert.equal(binBound(benchResults(oracleRuns.map((r) => ({ ...r, policy: 'largest' as const })))), undefined);
    assert.equal(binBound(benchResults([taskRun('oracle', 0, 1, [benchAttempt('small', true, 1)], 1, true)])), undefined);
  });

  it('puts the bound in the report next to sale\'s figure on the same runs', () => {
    const sale = oracleRuns.map((r, i) => taskRun('sale', i, r.bin, [benchAttempt('small', i < 2, 2)], 2, i < 2));
    const largest = oracleRuns.map((r, i) => taskRun('largest', i, r.bin, [r.attempts[1]], r.attempts[1].usd, r.attempts[1].passed));
    const md = buildReport(benchResults([...oracleRuns, ...sale, ...largest]), { command: 'sale bench --test' }).markdown;
    assert.match(md, /### How low can \$\/solved go without seeing outcomes\?/);
    // sale: $8 for 2 solved = $4, 1.33× the oracle's $3; the bound 4.33/3 = 1.44×.
    assert.match(md, /it pays \*\*1\.44×\*\* the oracle's dollars per solved task \(pooled over orders; `sale` 1\.33× on the same footing\), with bin 1: `small`; bin 2: `big`/);
  });
});
