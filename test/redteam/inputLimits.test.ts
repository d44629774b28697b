/**
 * Red team, issue 9 item 9: one huge task poisoned a repository's memory and broke the budget — a 5 MB task was
 * sent whole in every prompt, stored whole in memory, and retrieved into every later similar task's refinement.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import { AuctionMemory } from '../../src/core/memory/auctionMemory';
import { JsonlMemoryStore } from '../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../src/core/task';
import { type RecordedRequest, type ScriptedStep, withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, isJury, model } from './redteamHelpers';
import { memoryBid, memoryRecord } from '../unit/helpers/builders';

const HUGE = 2 * 1024 * 1024;
const hugeBody = `The date formatter drops the timezone. ${'Lorem ipsum timezone formatter dolor sit amet. '.repeat(Math.ceil(HUGE / 48))}`;

/** The jury rates the dear agent's plan 5 and the cheap one's 0, so the cheap agent refines from memory. */
function script(_n: number, rec: RecordedRequest): ScriptedStep {
  if (isJury(rec)) {
    const user = String((rec.json?.messages as { content: string }[]).at(-1)?.content);
    const scores = [...user.matchAll(/<plan id="(\d+)">\n([\s\S]*?)\n<\/plan>/g)].map((m) => ({ plan: Number(m[1]), score: m[2].includes('DEAR') ? 5 : 0 }));
    return { content: JSON.stringify({ scores }), usage: GOOD_USAGE };
  }
  return { content: rec.json?.model === 'dear' ? `${PLAN}\nDEAR` : PLAN, usage: GOOD_USAGE };
}

describe('red team: one huge task does not poison memory or prompts (item 9)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-huge-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a 2 MB task is cut for prompts (with a notice) and for memory; a later similar task refines with small examples', async () => {
    await withHostileServer(script, async (srv) => {
      const path = join(dir, 'm.jsonl');
      const memory = await AuctionMemory.open(new JsonlMemoryStore(path));
      const models = [model('cheap', srv.baseUrl, { price: { inputPerMTok: 0.1, outputPerMTok: 0.2 } }), model('dear', srv.baseUrl, { price: { inputPerMTok: 10, outputPerMTok: 30 } })];
      const settings = auctionSettings({ useEntropy: false, weights: { cost: 0.0001, entropy: 0, jury: {}, juryDefault: 1 } });
      const huge: CodingTask = { id: 'huge', title: 'Date formatter drops the timezone', body: hugeBody, source: 'text', repo: 'r' };
      const rec = await runAuction({ task: huge, repoContext: { files: ['a.js'] }, models, settings, memory });
      await memory.recordAuction(huge, rec);
      assert.match(rec.explanation.join('\n'), /The task is too long for the prompts/);
      const sizes = srv.requests.map((r) => JSON.stringify(r.json).length);
      assert.ok(Math.max(...sizes) < 100_000, `largest prompt ${Math.max(...sizes)} bytes`);
      const line = readFileSync(path, 'utf8').trim();
      assert.ok(line.length < 30_000, `memory line ${line.length} bytes`);

      const before = srv.requests.length;
      const small: CodingTask = { id: 'small', title: 'Date formatter ignores the timezone', body: 'formatDate prints local time', source: 'text', repo: 'r' };
      const rec2 = await runAuction({ task: small, repoContext: { files: ['a.js'] }, models, settings, memory });
      assert.equal(rec2.refinements.find((r) => r.agent === 'cheap')?.examples, 1, 'the cheap agent refined from the huge record');
      const refine = srv.requests.slice(before).filter((r) => String((r.json?.messages as { content: string }[])[1]?.content).startsWith('<examples>'));
      assert.equal(refine.length, 1);
      assert.ok(JSON.stringify(refine[0].json).length < 30_000, 'the retrieved example is small');
    });
  });

  it('a giant record already in memory (written by an older version) is cut when it is read', async () => {
    const path = join(dir, 'm.jsonl');
    const huge = (agent: string, score: number) => memoryBid(agent, { plan: `${PLAN}\n${'p'.repeat(HUGE)}`, tokens: 10, score });
    const old = memoryRecord({ id: 'old', time: new Date().toISOString(), task: { id: 'x', text: `Timezone bug\n\n${hugeBody}`, source: 'text', repo: 'r' }, bids: [huge('cheap', 1), huge('dear', 0)], winner: 'dear' });
    appendFileSync(path, JSON.stringify(old) + '\n');
    const memory = await AuctionMemory.open(new JsonlMemoryStore(path));
    const pairs = memory.retrievePairs('cheap', { title: 'Timezone bug', body: 'formatter drops the timezone' }, 8, { labels: 'outcome' });
    assert.equal(pairs.length, 1);
    assert.ok(JSON.stringify(pairs[0]).length < 40_000, `retrieved pair ${JSON.stringify(pairs[0]).length} bytes`);
  });
});
