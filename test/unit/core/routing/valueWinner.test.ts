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

/** big's plan wins the paper's score (index 1); both plans were rated alike by the jury. */
const held = () => auctionRecord([
  bid('small', { score: -3, jury: [{ judge: 'small', score: 4 }], juryMean: 4 }),
  bid('big', { score: -4, jury: [{ judge: 'small', score: 4 }], juryMean: 4 }),
], { taskId: now.id, winnerBidIndex: 1 });

async function memoryWhere(smallPasses: boolean): Promise<AuctionMemory> {
  const m = await AuctionMemory.open(new InMemoryStore());
  for (const [i, what] of ['router trailing slash', 'router query parsing', 'router method not allowed', 'router hash fragment'].entries()) {
    const x = t(`r${i}`, what, `the http router: ${what} is broken`);
    const r = await m.recordAuction(x, auctionRecord([bid('small'), bid('big')], { taskId: x.id }));
    // Each agent's execution costs what its price says: big ten times small.
    if (smallPasses) await m.setOutcome(r.id, { executedBy: 'small', passed: true, turns: 5, tokens: 10_000, usd: 0.001, kept: null, escalatedFrom: [] });
    else await m.setOutcome(r.id, { executedBy: 'big', passed: true, turns: 5, tokens: 10_000, usd: 0.01, kept: null, escalatedFrom: ['small'] });
  }
  return m;
}

describe('valueWinner (a held auction\'s winner by expected value)', () => {
  it('picks the cheaper bidder when memory says it passes tasks like this one, and says why', async () => {
    const v = valueWinner({ auction: held(), memory: await memoryWhere(true), task: now, agents, settings: routingSettings(), escalation: true });
    assert.equal(v?.bidIndex, 0);
    assert.match(v!.note!, /Winner by expected value: small .* instead of the best score's big/);
  });

  it('keeps the score\'s winner when memory says the cheaper bidder fails here', async () => {
    const v = valueWinner({ auction: held(), memory: await memoryWhere(false), task: now, agents, settings: routingSettings(), escalation: true });
    assert.deepEqual(v, { bidIndex: 1 });
  });

  it('never picks a bid that failed, and leaves an auction without a winner alone', async () => {
    const failed = held();
    failed.bids[0] = { ...failed.bids[0], error: 'timeout' };
    assert.deepEqual(valueWinner({ auction: failed, memory: await memoryWhere(true), task: now, agents, settings: routingSettings(), escalation: true }), { bidIndex: 1 });
    assert.equal(valueWinner({ auction: { ...held(), winnerBidIndex: null }, memory: await memoryWhere(true), task: now, agents, settings: routingSettings(), escalation: true }), undefined);
  });
});
