import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import { escalationCapability } from '../../../../src/core/routing/routeTask';
import { routingSettings } from '../../../../src/core/routing/routingSettings';
import type { CodingTask } from '../../../../src/core/task';
import { auctionRecord, bid, task } from '../../helpers/builders';

const agents = [{ id: 'small', price: 0.1 }, { id: 'big', price: 1 }];
const t = (id: string, title: string, body: string): CodingTask => task({ id, title, body, source: 'suite', repo: 'demo' });
const router = t('now', 'Router drops the query string', 'the http router ignores ?page=2 on /users');

/**
 * A memory where `small` passed three router tasks (the current task's BM25 neighbours) and failed four tasks about
 * other code, which `big` then passed.
 */
async function memoryWithNeighbours(): Promise<AuctionMemory> {
  const m = await AuctionMemory.open(new InMemoryStore());
  const run = async (x: CodingTask, executedBy: string, passed: boolean, escalatedFrom: string[] = []) => {
    const r = await m.recordAuction(x, auctionRecord([bid(executedBy)], { taskId: x.id }));
    await m.setOutcome(r.id, { executedBy, passed, turns: 5, tokens: 10_000, usd: 0.001, kept: null, escalatedFrom });
  };
  await run(t('r1', 'Router ignores trailing slash', 'GET /users/ returns 404 in the http router'), 'small', true);
  await run(t('r2', 'Router query string parsing', 'the router must pass ?page to the handler'), 'small', true);
  await run(t('r3', 'Router method not allowed', 'the http router answers 404 instead of 405'), 'small', true);
  for (const [i, what] of ['cache eviction order', 'csv quoted fields', 'date business days', 'slugify accents'].entries()) {
    await run(t(`o${i}`, what, `${what} is broken`), 'big', true, ['small']);
  }
  return m;
}

describe('escalationCapability (the estimates escalation climbs by)', () => {
  it('counts the task\'s BM25 neighbours (the default), and leaves them out when escalationNeighbours is off', async () => {
    const m = await memoryWithNeighbours();
    const off = escalationCapability(m, router, agents, routingSettings({ escalationNeighbours: false }), {});
    const on = escalationCapability(m, router, agents, routingSettings(), {});
    const elsewhere = escalationCapability(m, t('x', 'Cache eviction order', 'LRU cache evicts the newest entry'), agents, routingSettings({ escalationNeighbours: false }), {});
    // Off: the whole repository's record (small failed 4 of 7), the same whatever the task is about.
    assert.equal(off.agents.get('small')!.mean, elsewhere.agents.get('small')!.mean);
    // On: the router neighbours, which small passed, raise its estimate for a router task.
    assert.ok(on.agents.get('small')!.mean > off.agents.get('small')!.mean + 0.05, `${on.agents.get('small')!.mean} vs ${off.agents.get('small')!.mean}`);
  });

  it('never counts the task\'s own record (written before it runs) as evidence about itself', async () => {
    const m = await memoryWithNeighbours();
    const before = escalationCapability(m, router, agents, routingSettings({ escalationNeighbours: true }), {});
    // The task's own auction, in memory while it executes: its jurors rated small's plan 5 of 5.
    const own = await m.recordAuction(router, auctionRecord([bid('small', { jury: [{ judge: 'big', score: 5 }], juryMean: 5 })], { taskId: router.id }));
    const excluded = escalationCapability(m.without(own.id), router, agents, routingSettings({ escalationNeighbours: true }), {});
    const included = escalationCapability(m, router, agents, routingSettings({ escalationNeighbours: true }), {});
    const small = (c: typeof before) => c.agents.get('small')!.mean;
    // Only BM25's term statistics move with one more document in the index.
    assert.ok(Math.abs(small(excluded) - small(before)) < 0.01, `${small(excluded)} vs ${small(before)}`);
    // Left in, it is its own best match: the real neighbours shrink to a sliver and its jury counts again.
    assert.ok(Math.abs(small(included) - small(before)) > 0.05, `${small(included)} vs ${small(before)}`);
  });
});

describe('AuctionMemory.without: memory without the running task\'s own record', () => {
  it('drops the excluded record and measures similarity against the best remaining match', async () => {
    const m = await memoryWithNeighbours();
    const own = await m.recordAuction(router, auctionRecord([bid('small')], { taskId: router.id }));
    const withOwn = m.similar(router, 3);
    assert.equal(withOwn[0].record.id, own.id, 'a task is its own best match');
    assert.ok(withOwn[1].similarity < 1);
    const without = m.without(own.id).similar(router, 3);
    assert.equal(without.length, 3);
    assert.ok(!without.some((s) => s.record.id === own.id));
    assert.equal(without[0].similarity, 1);
    assert.equal(without[0].record.id, withOwn[1].record.id);
  });

  it('retrieveWins never offers the task\'s own auction as an example of a win', async () => {
    const m = await memoryWithNeighbours();
    const own = await m.recordAuction(router, auctionRecord([bid('small', { raw: 'the plan that is running now' })], { taskId: router.id }));
    assert.ok(m.retrieveWins(router, 5, { labels: 'outcome' }).some((w) => w.recordId === own.id), 'unexecuted, it would count as a win');
    assert.ok(!m.without(own.id).retrieveWins(router, 5, { labels: 'outcome' }).some((w) => w.recordId === own.id));
  });

  it('leaves the record out of records() and the refinement pairs, and shows later writes', async () => {
    const m = await memoryWithNeighbours();
    const own = await m.recordAuction(router, auctionRecord([bid('small', { raw: 'mine' }), bid('big', { raw: 'theirs' })], { taskId: router.id }));
    const view = m.without(own.id);
    assert.equal(view.records().length, m.records().length - 1);
    assert.ok(!view.records().some((r) => r.id === own.id));
    assert.ok(m.retrievePairs('small', router, 5, { labels: 'outcome' }).some((p) => p.recordId === own.id));
    assert.ok(!view.retrievePairs('small', router, 5, { labels: 'outcome' }).some((p) => p.recordId === own.id));
    const next = await m.recordAuction(t('later', 'Router drops the hash', 'the http router ignores #top'), auctionRecord([bid('small')], { taskId: 'later' }));
    assert.ok(view.records().some((r) => r.id === next.id), 'a view, not a copy');
  });
});
