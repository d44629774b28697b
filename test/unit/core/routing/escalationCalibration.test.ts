import assert from 'node:assert/strict';
import type { ChatModel } from '../../../../src/core/ports/chatModel';
import { nextCapableAgent } from '../../../../src/core/execution/executeWinner';
import { attemptLength, calibrateEscalation, fitEscalationCalibration, lengthScore } from '../../../../src/core/routing/escalationCalibration';
import type { MemoryRecord } from '../../../../src/core/memory/memoryRecord';
import { memoryRecord, outcome } from '../../helpers/builders';

/** `small` failed after turns of `perTurn` output tokens, then `big` tried on an estimate of `estimate` (null: none recorded) and passed or not. */
const escalated = (i: number, perTurn: number, passed: boolean, estimate: number | null = 0.4, turns = 8): MemoryRecord => memoryRecord({
  id: `r${i}`,
  outcome: outcome('big', {
    passed,
    escalatedFrom: ['small'],
    attempts: [
      { agent: 'small', passed: false, usd: 0.001, turns, outputTokens: perTurn * turns },
      { agent: 'big', passed, usd: 0.01, turns, outputTokens: 300 * turns, ...(estimate === null ? {} : { estimate }) },
    ],
  }),
});

/**
 * Forty escalations started on an estimate of 0.4, after failures of 200 or 400 tokens a turn. `telling`: the
 * short ones passed 7 in 8, the long ones 1 in 8. `silent`: each passed 2 in 5, as estimated, whatever the length.
 * `optimistic`: a pass in 8, whatever the length.
 */
function memories(): Record<'telling' | 'silent' | 'optimistic', MemoryRecord[]> {
  const m = { telling: [] as MemoryRecord[], silent: [] as MemoryRecord[], optimistic: [] as MemoryRecord[] };
  for (let i = 0; i < 40; i++) {
    const long = i % 2 === 1;
    const perTurn = long ? 400 : 200;
    m.telling.push(escalated(i, perTurn, long ? i % 16 === 1 : i % 16 !== 0));
    m.silent.push(escalated(i, perTurn, Math.floor(i / 2) % 5 < 2));
    m.optimistic.push(escalated(i, perTurn, Math.floor(i / 2) % 8 === 0));
  }
  return m;
}

describe('escalationCalibration: how escalations did here against their estimates, and what a failed attempt\'s length adds', () => {
  it('length is ln(output tokens per turn), and nothing for missing, zero, negative or non-finite usage', () => {
    assert.equal(attemptLength({ turns: 4, outputTokens: 400 }), Math.log(100));
    for (const bad of [{}, { turns: 4 }, { turns: 0, outputTokens: 10 }, { turns: 2, outputTokens: -5 }, { turns: 2, outputTokens: Number.NaN }, { turns: Infinity, outputTokens: 10 }]) {
      assert.equal(attemptLength(bad), null, JSON.stringify(bad));
    }
  });

  it('a negative slope where long failures were followed by failed escalations; none, and no shift, where estimates were right', () => {
    const { telling, silent } = memories();
    const good = fitEscalationCalibration(telling);
    const none = fitEscalationCalibration(silent);
    assert.equal(good.observations, 40);
    assert.ok(good.slope < -0.8, `slope ${good.slope}`);
    assert.ok(Math.abs(none.slope) < 0.2 && Math.abs(none.shift) < 0.2, `slope ${none.slope}, shift ${none.shift}`);
    // The usual is the mean over the agent's failed attempts: ln 200 and ln 400 equally often.
    assert.ok(Math.abs(good.usual.get('small')! - (Math.log(200) + Math.log(400)) / 2) < 1e-9);
  });

  it('a negative shift where escalations passed less often than estimated', () => {
    const cal = fitEscalationCalibration(memories().optimistic);
    assert.ok(cal.shift < -0.9, `shift ${cal.shift}`); // 1 in 8 against 0.4: −1.5 before the prior
    assert.ok(calibrateEscalation(0.4, { agent: 'small' }, cal) < 0.25);
  });

  it('reads only escalated attempts that carry their estimate, and a thin memory moves little', () => {
    const old = escalated(0, 200, true, null);
    const single = memoryRecord({ id: 's', outcome: outcome('small', { passed: false, attempts: [{ agent: 'small', passed: false, usd: 0, turns: 5, outputTokens: 1000 }] }) });
    assert.equal(fitEscalationCalibration([old, single]).observations, 0);
    const empty = fitEscalationCalibration([]);
    assert.equal(empty.slope, 0);
    assert.equal(empty.shift, 0);
    const thin = fitEscalationCalibration([escalated(0, 200, true), escalated(1, 400, false)]);
    assert.ok(Math.abs(thin.slope) < 1 && Math.abs(thin.shift) < 0.5, `slope ${thin.slope}, shift ${thin.shift}`);
  });

  it('lowers the next agent\'s odds after a longer-than-usual failure and raises them after a shorter one, monotonically', () => {
    const cal = fitEscalationCalibration(memories().telling);
    const at = (perTurn: number) => calibrateEscalation(0.4, { agent: 'small', turns: 10, outputTokens: perTurn * 10 }, cal);
    assert.ok(at(450) < at(400) && at(400) < at(283) && at(283) < at(200) && at(200) < at(150), [450, 400, 283, 200, 150].map(at).join(' '));
    assert.ok(at(400) < 0.25 && at(200) > 0.6, [at(400), at(200)].join(' '));
    assert.equal(lengthScore({ agent: 'small' }, cal), 0, 'a failure without usage numbers is of usual length');
    // An agent with too few failures of its own is measured against every agent's usual.
    assert.ok(Math.abs(lengthScore({ agent: 'new', turns: 1, outputTokens: 300 }, cal) - (Math.log(300) - cal.pooled) / cal.sd) < 1e-9);
  });

  it('escalation declines after a long failure what it takes after a short one, says why, and returns the estimate it started on', () => {
    const cal = fitEscalationCalibration(memories().telling);
    const models = new Map(['small', 'big'].map((id) => [id, {} as ChatModel]));
    const cap = { agents: new Map([['small', { mean: 0.3, expectedUsd: 0.001 }], ['big', { mean: 0.5, expectedUsd: 0.012 }]]), value: 0.05, discount: 0.6, calibration: cal };
    // Uncorrected: 0.05 × 0.6 × 0.5 = 0.015 > 0.012, worth it.
    const plain = nextCapableAgent({ ...cap, calibration: undefined }, { agent: 'small', turns: 10, outputTokens: 4000 }, new Set(['small']), models);
    assert.equal(plain.agent, 'big');
    assert.equal(plain.estimate, 0.3);
    const short = nextCapableAgent(cap, { agent: 'small', turns: 10, outputTokens: 2000 }, new Set(['small']), models);
    assert.equal(short.agent, 'big');
    assert.equal(short.estimate, 0.3, 'memory keeps the estimate before the correction, so the correction is fitted against it');
    const long = nextCapableAgent(cap, { agent: 'small', turns: 10, outputTokens: 4000 }, new Set(['small']), models);
    assert.equal(long.agent, undefined);
    assert.match(long.note, /not worth its cost: big \(est\. 50% after a failure ×0\.6, odds ×\d\.\d\d as 40 escalations here did against their estimates, ×0\.\d\d for a failed attempt \d\.\d sd longer per turn than small's usual\)/);
  });
});
