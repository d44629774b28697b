import assert from 'node:assert/strict';
import { adjustForJury, fitJuryCalibration, juryObservations } from '../../../../src/core/routing/juryCalibration';
import type { MemoryRecord } from '../../../../src/core/memory/memoryRecord';
import { memoryBid, memoryRecord, outcome } from '../../helpers/builders';

/** One executed record: `agent`'s plan scored `score` by one juror; it passed or not (then escalated to `big`). */
const run = (i: number, agent: string, score: number, passed: boolean): MemoryRecord => memoryRecord({
  id: `r${i}`,
  bids: [memoryBid(agent, { jury: [{ judge: 'j', score }] }), memoryBid('big', { jury: [{ judge: 'j', score: 5 }] })],
  outcome: passed ? outcome(agent) : outcome('big', { passed: true, escalatedFrom: [agent] }),
});

describe('juryCalibration (how much this repository\'s jury knows)', () => {
  it('reads the first attempt: its agent\'s plan score, and a pass only without escalation', () => {
    const obs = juryObservations([run(0, 'small', 4, true), run(1, 'small', 2, false), memoryRecord({ id: 'x', bids: [memoryBid('small')], outcome: outcome('small') })]);
    assert.deepEqual(obs, [{ score: 4, passed: true }, { score: 2, passed: false }], 'a plan nobody scored is no observation');
  });

  it('finds a positive slope where plans the jury liked passed, and about none where scores said nothing', () => {
    const informative: MemoryRecord[] = [];
    const noise: MemoryRecord[] = [];
    for (let i = 0; i < 40; i++) {
      const score = i % 2 ? 4.5 : 2.5;
      informative.push(run(i, 'small', score, score > 3 ? i % 8 !== 1 : i % 8 === 0));
      noise.push(run(i, 'small', score, Math.floor(i / 2) % 2 === 0));
    }
    const good = fitJuryCalibration(informative);
    const none = fitJuryCalibration(noise);
    assert.equal(good.observations, 40);
    assert.ok(good.slope > 0.7, `slope ${good.slope}`); // 75% against 25% over two points: 1.1 before the prior
    assert.ok(Math.abs(none.slope) < 0.2, `slope ${none.slope}`);
    assert.ok(Math.abs(good.centre - 3.5) < 1e-9);
  });

  it('a thin memory moves nothing much; the adjustment is monotone and zero at the centre', () => {
    const thin = fitJuryCalibration([run(0, 'small', 5, true), run(1, 'small', 1, false)]);
    assert.ok(thin.slope > 0 && thin.slope < 1, `slope ${thin.slope}`);
    assert.equal(fitJuryCalibration([]).slope, 0);
    const cal = { slope: 1.2, centre: 3.5, observations: 30 };
    assert.ok(Math.abs(adjustForJury(0.4, 3.5, cal) - 0.4) < 1e-9);
    assert.ok(adjustForJury(0.4, 5, cal) > 0.4 && adjustForJury(0.4, 2, cal) < 0.4);
    assert.ok(adjustForJury(1, 0, cal) < 1 && adjustForJury(0, 5, cal) > 0, 'never certain either way');
  });
});
