import * as assert from 'node:assert/strict';
import { bestBidOf, bestBidPerAgent } from '../../../../src/core/auction/bestBids';
import { juryObservations } from '../../../../src/core/routing/juryCalibration';
import { auctionJury } from '../../../../src/core/routing/routeTask';
import { auctionRecord, bid, memoryBid, memoryRecord, outcome } from '../../helpers/builders';

describe('core: each agent\'s best-scored bid (auction/bestBids)', () => {
  it('takes the lowest score, the refined bid on a tie, and never a bid with an error', () => {
    const bids = [
      bid('a', { score: -1 }),
      bid('b', { score: -2 }),
      bid('a', { score: -3, error: 'jury call failed' }),
      bid('b', { score: -2, round: 1, refined: true }),
      bid('a', { score: -1.5, round: 1, refined: true }),
    ];
    const best = bestBidPerAgent(bids);
    assert.deepEqual([...best.keys()], ['a', 'b'], 'agents in the order they first bid');
    assert.equal(best.get('a'), bids[4]);
    assert.equal(best.get('b'), bids[3], 'a tie goes to the refined bid');
    assert.equal(bestBidOf(bids, 'b'), bids[3]);
    assert.equal(bestBidOf(bids, 'c'), undefined);
    assert.equal(bestBidOf([bids[2]], 'a'), undefined, 'an agent whose only bid failed has none');
  });

  it('gives this auction\'s jury of the plan that would run, not of a worse plan of the same agent', () => {
    const record = auctionRecord([
      bid('a', { score: -1, jury: [{ judge: 'j', score: 4 }], juryMean: 4 }),
      bid('a', { score: -2, round: 1, refined: true, jury: [{ judge: 'j', score: null }], juryMean: null }),
      bid('b', { score: -3, jury: [{ judge: 'j', score: 2 }], juryMean: 2 }),
    ]);
    // a's best plan (its refined one) has no readable jury score, so a has no jury opinion at all.
    assert.deepEqual([...auctionJury(record)!], [['b', 2]]);
  });

  it('reads memory\'s bids by the same rule: the jury calibration takes the first attempt\'s best plan', () => {
    const r = memoryRecord({
      bids: [memoryBid('a', { score: -1, jury: [{ judge: 'j', score: 1 }] }), memoryBid('a', { score: -1, refined: true, jury: [{ judge: 'j', score: 5 }] })],
      outcome: outcome('a', { passed: true }),
    });
    assert.deepEqual(juryObservations([r]), [{ score: 5, passed: true }]);
  });
});
