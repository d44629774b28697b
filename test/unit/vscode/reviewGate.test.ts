import assert from 'node:assert/strict';
import { ReviewGate, runnableBid } from '../../../src/vscode/reviewGate';
import { auctionRecord, bid } from '../helpers/builders';

describe('review gate (vscode/reviewGate)', () => {
  it('waits for the decision, holds the record while waiting, and forgets it after', async () => {
    const gate = new ReviewGate();
    const rec = auctionRecord([bid('a')]);
    let shown = 0;
    const decision = gate.wait(rec, () => shown++);
    assert.equal(shown, 1);
    assert.equal(gate.waiting, true);
    assert.equal(gate.record, rec);
    gate.resolve({ action: 'run', bidIndex: 0 });
    assert.deepEqual(await decision, { action: 'run', bidIndex: 0 });
    assert.equal(gate.waiting, false);
    assert.equal(gate.record, undefined);
  });

  it('refuses a bid that does not exist or that failed', () => {
    const rec = auctionRecord([bid('a'), bid('b', { error: 'timeout' })]);
    assert.equal(runnableBid(rec, 0).agent, 'a');
    assert.throws(() => runnableBid(rec, 5), /no bid number 5/);
    assert.throws(() => runnableBid(rec, 1), /b's bid failed \(timeout\)/);
  });
});
