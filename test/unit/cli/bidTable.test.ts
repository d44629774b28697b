import assert from 'node:assert/strict';
import type { AuctionRecord, Bid } from '../../../src/core/auction/auctionRecord';
import { formatBidTable } from '../../../src/cli/bidTable';

const bid = (agent: string, jury: [string, number | null][]): Bid => ({
  agent, model: agent, round: 0, refined: false, raw: 'plan', tokens: 10, entropy: null, juryMean: null, pricePerMTok: 1,
  jury: jury.map(([judge, score]) => ({ judge, score })),
  plan: { approach: 'a', files: [], commands: [], steps: [], risks: '', verification: '', sectionsFound: [] },
  cost: 0.1, valueEntropy: 0, valueJury: 1, value: 1, score: -0.9, estimatedExecUsd: 0, bidUsd: 0,
});

describe('CLI bid table: the jury column says which juror gave which score', () => {
  it('orders every row by one judge list and names it under the table', () => {
    const usage = { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 };
    const rec: AuctionRecord = {
      taskId: 't', startedAt: '', durationMs: 0, juryMode: 'per-judge', weights: { cost: 1, entropy: 0, jury: {}, juryDefault: 1 },
      // The second bid's scores arrive in another order and one judge is missing: the column must still line up.
      bids: [bid('a', [['x', 3], ['y', 0], ['z', 2]]), bid('b', [['z', 5], ['x', null]])],
      provisionalWinner: 'a', winner: 'a', winnerBidIndex: 0, refinements: [], explanation: [], usage: { bids: usage, jury: usage, refinement: usage },
    };
    const t = formatBidTable(rec).replace(/\u001b\[\d+m/g, '');
    assert.match(t, /jury: scores \(0–5\) from x, y, z, in that order/);
    const rowB = t.split('\n').find((l) => l.startsWith('b '))!;
    assert.match(rowB, /\? · 5/, 'b: x unreadable, y not asked, z 5');
    assert.match(t.split('\n').find((l) => l.startsWith('a '))!, /3 0 2/);
  });
});
