import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuctionRecord, Bid } from '../../../../src/core/auction/auctionRecord';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { JsonlMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../../../src/core/task';
import { auctionRecord, bid, task } from '../../helpers/builders';

/** An auction over `bids` that `winner` won. */
const won = (taskId: string, winner: string, bids: Bid[]): AuctionRecord =>
  auctionRecord(bids, { taskId, winner, provisionalWinner: winner, winnerBidIndex: bids.findIndex((b) => b.agent === winner) });

const t = (id: string, title: string, body: string): CodingTask => task({ id, title, body, source: 'suite', repo: 'demo' });

describe('AuctionMemory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-mem-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips records and outcome updates through the JSON-lines file', async () => {
    const path = join(dir, 'memory.jsonl');
    const m1 = await AuctionMemory.open(new JsonlMemoryStore(path));
    const rec = await m1.recordAuction(t('a', 'Parse CSV quotes', 'quoted commas break parseCsv'), won('a', 'small', [bid('small', { score: -2 }), bid('big', { score: -1 })]));
    await m1.setOutcome(rec.id, { executedBy: 'small', passed: true, turns: 4, tokens: 1200, usd: 0.0002, kept: null, escalatedFrom: [], overridden: false });
    await m1.setKept(rec.id, true);
    const m2 = await AuctionMemory.open(new JsonlMemoryStore(path));
    assert.equal(m2.size, 1);
    const back = m2.get(rec.id)!;
    assert.deepEqual(back, m1.get(rec.id));
    assert.equal(back.outcome!.kept, true);
    assert.equal(back.bids.length, 2);
    assert.equal(back.task.text, 'Parse CSV quotes\n\nquoted commas break parseCsv');
  });

  it('keeps a corrupt file aside once, loads what it can, and rewrites it without the bad lines', async () => {
    const path = join(dir, 'memory.jsonl');
    const m1 = await AuctionMemory.open(new JsonlMemoryStore(path));
    await m1.recordAuction(t('a', 'Parse CSV quotes', 'x'), won('a', 'small', [bid('small', { score: -2 }), bid('big', { score: -1 })]));
    appendFileSync(path, '{"schema":1,"id":"broken"\nnot json at all\n{"schema":99,"id":"x"}\n');
    const before = readFileSync(path, 'utf8');
    const store = new JsonlMemoryStore(path);
    const m2 = await AuctionMemory.open(store);
    assert.equal(m2.size, 1);
    const w = m2.warnings().join('\n');
    assert.match(w, /3 unreadable line\(s\) \(2, 3, 4\)/);
    const aside = readdirSync(dir).find((f) => f.includes('.corrupt-'))!;
    assert.equal(readFileSync(join(dir, aside), 'utf8'), before);
    const goodLine = before.split('\n')[0];
    assert.equal(readFileSync(path, 'utf8'), `${goodLine}\n`, 'the good line kept byte for byte, the bad ones gone');
    await m2.recordAuction(t('b', 'Another', 'y'), won('b', 'big', [bid('small', { score: -1 }), bid('big', { score: -2 })]));
    assert.ok(readFileSync(path, 'utf8').startsWith(`${goodLine}\n`), 'existing good bytes were preserved');
  });

  it('reports an unreadable memory path and does not write to it', async () => {
    const store = new JsonlMemoryStore(dir); // a directory: cannot be read as a file
    const m = await AuctionMemory.open(store);
    assert.equal(m.size, 0);
    assert.match(m.warnings()[0], /cannot be read/);
    await m.recordAuction(t('a', 'x', 'y'), won('a', 'small', [bid('small', { score: -2 }), bid('big', { score: -1 })]));
    assert.equal(m.size, 1);
  });

  it('retrieves the most similar past tasks first, as pairs holding the agent\'s own plan', async () => {
    const m = await AuctionMemory.open(new JsonlMemoryStore(join(dir, 'm.jsonl')));
    await m.recordAuction(t('1', 'Date formatter drops the timezone', 'formatDate prints local time instead of UTC'), won('1', 'big', [bid('small', { score: -1 }), bid('big', { score: -2 })]));
    await m.recordAuction(t('2', 'Router ignores trailing slash', 'GET /users/ returns 404 in the http router'), won('2', 'small', [bid('small', { score: -3 }), bid('big', { score: -2 })]));
    await m.recordAuction(t('3', 'Cache eviction order', 'LRU cache evicts the newest entry'), won('3', 'mid', [bid('mid', { score: -3 }), bid('big', { score: -2 })]));
    const pairs = m.retrievePairs('small', { title: 'Router drops query string', body: 'the http router ignores ?page=2 on /users' }, 8, { labels: 'auction' });
    assert.deepEqual(pairs.map((p) => p.recordId), [m.records()[1].id, m.records()[0].id]);
    // small won record 2: its plan is the win, the runner-up's the loss.
    assert.equal(pairs[0].winning.agent, 'small');
    assert.equal(pairs[0].losing.agent, 'big');
    // small lost record 1: its plan is the loss.
    assert.equal(pairs[1].losing.agent, 'small');
    assert.equal(pairs[1].winning.agent, 'big');
    // Record 3 has no plan of small's: never retrieved for small.
    assert.equal(m.retrievePairs('small', { title: 'Cache eviction', body: 'LRU evicts newest' }, 8, { labels: 'auction' }).some((p) => p.recordId === m.records()[2].id), false);
    assert.equal(m.retrievePairs('small', { title: 'Router', body: 'router' }, 1, { labels: 'auction' }).length, 1);
  });

  it('with outcome labels, prefers passed winners, uses the agent that passed, and skips failed executions', async () => {
    const m = await AuctionMemory.open(new JsonlMemoryStore(join(dir, 'm.jsonl')));
    const a = await m.recordAuction(t('1', 'Router slash bug', 'router trailing slash'), won('1', 'small', [bid('small', { score: -3 }), bid('big', { score: -2 })]));
    const b = await m.recordAuction(t('2', 'Router query bug', 'router query string'), won('2', 'small', [bid('small', { score: -3 }), bid('big', { score: -2 })]));
    const c = await m.recordAuction(t('3', 'Router method bug', 'router HEAD method'), won('3', 'big', [bid('small', { score: -1 }), bid('big', { score: -2 })]));
    await m.setOutcome(a.id, { executedBy: 'small', passed: false, turns: 3, tokens: 10, usd: 0, kept: null, escalatedFrom: [], overridden: false });
    await m.setOutcome(b.id, { executedBy: 'big', passed: true, turns: 3, tokens: 10, usd: 0, kept: null, escalatedFrom: ['small'], overridden: false });
    const pairs = m.retrievePairs('small', { title: 'Router bug', body: 'router' }, 8, { labels: 'outcome' });
    assert.deepEqual(pairs.map((p) => p.recordId), [b.id, c.id]);
    assert.equal(pairs[0].winning.agent, 'big');
    assert.equal(pairs[0].winning.passed, true);
    assert.equal(pairs[1].winning.passed, null);
    const paper = m.retrievePairs('small', { title: 'Router bug', body: 'router' }, 8, { labels: 'auction' });
    assert.equal(paper.length, 3);
  });

  it('with failures, offers failed executions too, labelled so and ranked with the passed ones by similarity', async () => {
    const m = await AuctionMemory.open(new JsonlMemoryStore(join(dir, 'm.jsonl')));
    const a = await m.recordAuction(t('1', 'Router slash bug', 'router trailing slash returns 404'), won('1', 'small', [bid('small', { score: -3 }), bid('big', { score: -2 })]));
    const b = await m.recordAuction(t('2', 'Cache bug', 'cache evicts the newest entry'), won('2', 'big', [bid('small', { score: -1 }), bid('big', { score: -2 })]));
    await m.setOutcome(a.id, { executedBy: 'small', passed: false, turns: 3, tokens: 10, usd: 0, kept: null, escalatedFrom: [], overridden: false });
    await m.setOutcome(b.id, { executedBy: 'big', passed: true, turns: 3, tokens: 10, usd: 0, kept: null, escalatedFrom: [], overridden: false });
    const query = { title: 'Router slash', body: 'the router returns 404 on a trailing slash' };
    assert.deepEqual(m.retrieveWins(query, 5, { labels: 'outcome' }).map((w) => w.recordId), [b.id], 'without failures, a failed execution teaches nothing');
    const wins = m.retrieveWins(query, 5, { labels: 'outcome', failures: true });
    assert.deepEqual(wins.map((w) => w.recordId), [a.id, b.id], 'the failed router task is the closer match');
    assert.equal(wins[0].winning.agent, 'small');
    assert.equal(wins[0].winning.passed, false);
    assert.equal(wins[1].winning.passed, true);
  });

  it('with sameRepoFirst, offers this repository\'s past tasks before closer matches from other repositories', async () => {
    const m = await AuctionMemory.open(new JsonlMemoryStore(join(dir, 'm.jsonl')));
    const other = await m.recordAuction({ ...t('1', 'Router slash bug', 'router trailing slash returns 404'), repo: 'elsewhere' }, won('1', 'small', [bid('small', { score: -3 }), bid('big', { score: -2 })]));
    const here = await m.recordAuction({ ...t('2', 'Router method', 'router answers HEAD'), repo: 'here' }, won('2', 'big', [bid('small', { score: -1 }), bid('big', { score: -2 })]));
    const query = { title: 'Router slash', body: 'the router returns 404 on a trailing slash', repo: 'here' };
    assert.deepEqual(m.retrievePairs('small', query, 5, { labels: 'auction' }).map((p) => p.recordId), [other.id, here.id], 'by similarity alone');
    assert.deepEqual(m.retrievePairs('small', query, 5, { labels: 'auction', sameRepoFirst: true }).map((p) => p.recordId), [here.id, other.id]);
    assert.deepEqual(m.retrieveWins(query, 1, { labels: 'auction', sameRepoFirst: true }).map((w) => w.recordId), [here.id]);
    // A task with no repository label ranks by similarity alone.
    assert.deepEqual(m.retrieveWins({ title: query.title, body: query.body }, 5, { labels: 'auction', sameRepoFirst: true }).map((w) => w.recordId), [other.id, here.id]);
  });
});
