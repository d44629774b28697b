import assert from 'node:assert/strict';
import type { JuryScore } from '../../../src/core/auction/auctionRecord';
import { formatBidTable } from '../../../src/cli/bidTable';
import { auctionRecord, bid } from '../helpers/builders';

const jury = (scores: [string, number | null][]): JuryScore[] => scores.map(([judge, score]) => ({ judge, score }));

describe('CLI bid table: the jury column says which juror gave which score', () => {
  it('orders every row by one judge list and names it under the table', () => {
    // The second bid's scores arrive in another order and one judge is missing: the column must still line up.
    const rec = auctionRecord([bid('a', { jury: jury([['x', 3], ['y', 0], ['z', 2]]) }), bid('b', { jury: jury([['z', 5], ['x', null]]) })]);
    const t = formatBidTable(rec).replace(/\u001b\[\d+m/g, '');
    assert.match(t, /jury: scores \(0–5\) from x, y, z, in that order/);
    const rowB = t.split('\n').find((l) => l.startsWith('b '))!;
    assert.match(rowB, /\? · 5/, 'b: x unreadable, y not asked, z 5');
    assert.match(t.split('\n').find((l) => l.startsWith('a '))!, /3 0 2/);
  });
});
