/**
 * Red team, issue 9 item 11: a stream that ends without a finish reason or [DONE] was accepted as a whole plan
 * (and won); every run after memory corruption made another full copy of the file; the simulator's 413 never
 * reached the client because the socket was destroyed first.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import { AuctionMemory } from '../../src/core/memory/auctionMemory';
import { JsonlMemoryStore } from '../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../src/core/task';
import { parsePoolConfig } from '../../src/llm/poolConfig';
import { startSimServer } from '../../src/sim/server';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, byAgent, model } from './redteamHelpers';
import { auctionRecord, bid } from '../unit/helpers/builders';

const task: CodingTask = { id: 't', title: 'Fix truncate', body: 'off by one', source: 'text', repo: 'r' };

describe('red team: smaller defects (item 11)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-small-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a bid streamed without a finish reason is retried once, then dropped; it cannot win', async () => {
    // The cut stream is the cheapest agent's, which would win if its truncated plan were taken as whole.
    await withHostileServer(byAgent((id) => (id === 'cut' ? { content: PLAN, fault: { kind: 'noFinish' } } : { content: PLAN, usage: GOOD_USAGE })), async (srv) => {
      const models = [model('cut', srv.baseUrl, { price: { inputPerMTok: 0.01, outputPerMTok: 0.01 } }), model('whole', srv.baseUrl, { price: { inputPerMTok: 10, outputPerMTok: 30 } })];
      const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models, settings: auctionSettings({ refine: false, useEntropy: false }) });
      assert.equal(rec.winner, 'whole');
      assert.match(rec.bids.find((b) => b.agent === 'cut')!.error ?? '', /without a finish reason, twice/);
      assert.equal(srv.requests.filter((r) => r.json?.model === 'cut').length, 2, 'retried exactly once');
    });
  });

  it('a truncated stream followed by a whole one is accepted, and the retry is reported', async () => {
    await withHostileServer([{ content: PLAN, fault: { kind: 'noFinish' } }, { content: PLAN, usage: GOOD_USAGE }], async (srv) => {
      const r = await model('flaky', srv.baseUrl).chat({ messages: [{ role: 'user', content: 'x' }], onDelta: () => undefined });
      assert.equal(r.finishReason, 'stop');
      assert.match((r.notes ?? []).join(), /without a finish reason: retried once/);
      // The truncated attempt may have been billed: it is counted, estimated, on top of the retry's usage.
      assert.match((r.notes ?? []).join(), /truncated attempt was counted at an estimated \d+ tokens/);
      assert.ok(r.outputTokens > GOOD_USAGE.completion_tokens && r.inputTokens > GOOD_USAGE.prompt_tokens);
    });
  });

  it('a corrupt memory file is copied aside once and rewritten without the bad lines, however many runs follow', async () => {
    const path = join(dir, 'memory.jsonl');
    const record = (id: string) => auctionRecord([bid('a', { raw: PLAN, tokens: 1, score: 0 }), bid('b', { raw: PLAN, tokens: 1, score: 1 })], { taskId: id });
    const m0 = await AuctionMemory.open(new JsonlMemoryStore(path));
    await m0.recordAuction({ ...task, id: 'first' }, record('first'));
    appendFileSync(path, '{"schema":1,"id":"broken"\nnot json\n');
    for (let run = 0; run < 3; run++) {
      const m = await AuctionMemory.open(new JsonlMemoryStore(path));
      assert.equal(m.size, 1 + run);
      await m.recordAuction({ ...task, id: `run${run}` }, record(`run${run}`));
    }
    const copies = readdirSync(dir).filter((f) => f.includes('.corrupt-'));
    assert.equal(copies.length, 1, `copies: ${copies.join(', ')}`);
    assert.match(readFileSync(join(dir, copies[0]), 'utf8'), /not json/);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 4);
    assert.ok(lines.every((l) => JSON.parse(l).schema === 1));
  });

  it("the simulator's 413 reaches the real openai client", async () => {
    const pool = parsePoolConfig({ agents: [{ id: 's', provider: 'sim', model: 's', price: { inputPerMTok: 1, outputPerMTok: 1 } }] });
    const sim = await startSimServer({ pool });
    try {
      const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-none', maxRetries: 0, timeout: 30_000 });
      const big = 'x'.repeat(17 * 1024 * 1024);
      await assert.rejects(client.chat.completions.create({ model: 's', messages: [{ role: 'user', content: big }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError, `got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        assert.equal(e.status, 413);
        return true;
      });
    } finally {
      await sim.close();
    }
  });
});
