import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import { routingSettings } from '../../../../src/core/routing/routingSettings';
import { valueWinner } from '../../../../src/core/routing/valueWinner';
import type { CodingTask } from '../../../../src/core/task';
import { auctionRecord, bid, task } from '../../helpers/builders';

const agents = [{ id: 'small', price: 0.1 }, { id: 'big', price: 1 }];
const t = (id: string, title: string, body: string): CodingTask => task({ id, title, body, source: 'suite', repo: 'demo' });
const now = t('now', 'Router drops the query string', 'the http router ignores ?page=2 on /users');

/** An auction in which big's plan wins the paper's score (index 1); the jurors' means are `small` and 4. */
const held = (small = 4) => auctionRecord([
  bid('small', { score: -3, jury: [{ judge: 'small', score: small }], juryMean: small }),
  bid('big', { score: -4, jury: [{ judge: 'small', score: 4 }], juryMean: 4 }),
], { taskId: now.id, winnerBidIndex: 1 });

/**
 * `runs` router tasks on which small ran first, its plan scored `score(i)` by the jury: it passed (`passes(i)`) for
 * $0.001, or failed and big passed after it for $0.011. big's plans scored 5.
 */
async function memoryOf(runs: number, score: (i: number) => number, passes: (i: number) => boolean): Promise<AuctionMemory> {
  const m = await AuctionMemory.open(new InMemoryStore());
  for (let i = 0; i < runs; i++) {
    const x = t(`r${i}`, `router case ${i}`, `the http router mishandles case ${i} of the query string`);
    const bids = [bid('small', { jury: [{ judge: 'j', score: score(i) }] }), bid('big', { jury: [{ judge: 'j', score: 5 }] })];
    const r = await m.recordAuction(x, auctionRecord(bids, { taskId: x.id }));
    const ok = passes(i);
    await m.setOutcome(r.id, { executedBy: ok ? 'small' : 'big', passed: true, turns: 5, tokens: 10_000, usd: ok ? 0.001 : 0.011, kept: null, escalatedFrom: ok ? [] : ['small'] });
  }
  return m;
}
const pick = async (memory: AuctionMemory, auction = held()) => valueWinner({ auction, memory, task: now, agents, settings: routingSettings({ auctionWinner: 'value' }), escalation: true });

describe('valueWinner (a held auction\'s winner by expected value)', () => {
  it('runs the cheaper bidder when memory says it passes tasks like this one, and says why', async () => {
    const v = await pick(await memoryOf(10, () => 4, () => true));
    assert.equal(v?.bidIndex, 0);
    assert.match(v!.note!, /Winner by expected value: small .* instead of the best score's big .*\(10 runs\)/);
  });

  it('keeps the score\'s winner when memory says the cheaper bidder fails here', async () => {
    assert.deepEqual(await pick(await memoryOf(10, () => 4, () => false)), { bidIndex: 1 });
  });

  it('reads the jury as far as this repository\'s outcomes say its scores predict', async () => {
    // Plans scored 5 passed, plans scored 2 failed: the score carries the outcome here.
    const m = await memoryOf(12, (i) => (i % 2 ? 5 : 2), (i) => i % 2 === 1);
    assert.equal((await pick(m, held(5)))?.bidIndex, 0, 'small\'s plan scored 5: small');
    assert.equal((await pick(m, held(2)))?.bidIndex, 1, 'small\'s plan scored 2: big');
  });

  it('keeps the score\'s winner until memory holds valueWinnerMinRuns scored first attempts', async () => {
    assert.deepEqual(await pick(await memoryOf(7, () => 4, () => true)), { bidIndex: 1 });
  });

  it('never picks a bid that failed, and leaves an auction without a winner alone', async () => {
    const m = await memoryOf(10, () => 4, () => true);
    const failed = held();
    failed.bids[0] = { ...failed.bids[0], error: 'timeout' };
    assert.deepEqual(await pick(m, failed), { bidIndex: 1 });
    assert.equal(await pick(m, { ...held(), winnerBidIndex: null }), undefined);
  });
});
