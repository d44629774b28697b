/**
 * Red team, issue 9 item 4: time-outs stop working once a server has sent response headers; Retry-After 3600
 * slept an hour; cancel could not interrupt the wait. The real `openai` client against the hostile server.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import type { CodingTask } from '../../src/core/task';
import { ChildProcessCommandRunner } from '../../src/core/execution/childProcessRunner';
import { runEditTestLoop } from '../../src/core/execution/editLoop';
import { FileJournal } from '../../src/core/workspace/fileJournal';
import { approveAll, task as nodeTask } from '../unit/helpers/builders';
import { NODE_REPO, writeTree } from '../unit/helpers/tempRepo';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, byAgent, isJury, model, within } from './redteamHelpers';

const msgs = [{ role: 'user' as const, content: 'plan it' }];

describe('red team: time-outs hold after the headers (item 4)', function () {
  this.timeout(30_000);

  it('a streamed answer that trickles one byte a second fails on the idle deadline', async () => {
    await withHostileServer([{ content: PLAN, fault: { kind: 'trickle', intervalMs: 1000 } }], async (srv) => {
      const m = model('slow', srv.baseUrl, { timeoutMs: 20_000, idleTimeoutMs: 400 });
      const started = Date.now();
      await assert.rejects(within(8_000, m.chat({ messages: msgs, onDelta: () => undefined }), 'trickling stream'), /idle-stream deadline/);
      assert.ok(Date.now() - started < 5_000);
    });
  });

  it('a non-streamed body that trickles fails on the overall deadline', async () => {
    await withHostileServer([{ content: PLAN, fault: { kind: 'trickle', intervalMs: 200, prefixBytes: 10 } }], async (srv) => {
      const m = model('slow', srv.baseUrl, { timeoutMs: 800 });
      await assert.rejects(within(8_000, m.chat({ messages: msgs }), 'trickling body'), /overall deadline/);
    });
  });

  it('Retry-After: 3600 is capped (and the cap is reported), then the retry succeeds', async () => {
    await withHostileServer([{ status: 429, headers: { 'Retry-After': '3600' } }, { content: 'fine', usage: GOOD_USAGE }], async (srv) => {
      const m = model('limited', srv.baseUrl, { maxRetries: 1, maxRetryWaitMs: 300 });
      const r = await within(8_000, m.chat({ messages: msgs }), 'Retry-After 3600');
      assert.equal(r.text, 'fine');
      assert.equal(srv.requests.length, 2);
      assert.match((r.notes ?? []).join('\n'), /Retry-After asked 3600 s, capped to 0\.3 s/);
    });
  });

  it('cancel interrupts a back-off sleep at once', async () => {
    await withHostileServer([{ status: 503, headers: { 'Retry-After': '3600' } }], async (srv) => {
      const m = model('limited', srv.baseUrl, { maxRetries: 3 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const started = Date.now();
      await assert.rejects(within(5_000, m.chat({ messages: msgs, signal: ac.signal }), 'cancel during Retry-After'), /cancelled/);
      assert.ok(Date.now() - started < 2_000);
      assert.equal(srv.requests.length, 1);
    });
  });

  it('cancel interrupts a hung stream at once', async () => {
    await withHostileServer([{ fault: { kind: 'hang' } }], async (srv) => {
      const m = model('hung', srv.baseUrl, { timeoutMs: 60_000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      await assert.rejects(within(5_000, m.chat({ messages: msgs, signal: ac.signal, onDelta: () => undefined }), 'cancel during a hung stream'), /cancelled/);
    });
  });

  it('in the real auction a trickling bidder is dropped and the others still win', async () => {
    const task: CodingTask = { id: 't', title: 'Fix truncate', body: 'off by one', source: 'text', repo: 'r' };
    await withHostileServer(byAgent((id) => (id === 'slow' ? { content: PLAN, fault: { kind: 'trickle', intervalMs: 1000 } } : { content: PLAN, usage: GOOD_USAGE })), async (srv) => {
      const models = [model('slow', srv.baseUrl, { timeoutMs: 20_000, idleTimeoutMs: 500 }), model('ok', srv.baseUrl)];
      const rec = await within(15_000, runAuction({ task, repoContext: { files: ['a.js'] }, models, settings: auctionSettings({ refine: false, useEntropy: false }) }), 'auction with a trickling bidder');
      assert.equal(rec.winner, 'ok');
      assert.match(rec.bids.find((b) => b.agent === 'slow')!.error ?? '', /idle-stream deadline/);
    });
  });

  // Jury and execution calls are not streamed: before the fix only the overall deadline (20 s here) bounded a body
  // trickled after the headers. Now the idle deadline (400 ms) starts at the headers and ends them.
  it('a jury call whose body trickles after the headers fails on the idle deadline; the auction goes on', async () => {
    const task: CodingTask = { id: 't', title: 'Fix truncate', body: 'off by one', source: 'text', repo: 'r' };
    const trickle = { content: '{"scores":[]}', fault: { kind: 'trickle' as const, intervalMs: 1000, prefixBytes: 10 } };
    await withHostileServer((_n, rec) => (isJury(rec) ? trickle : { content: PLAN, usage: GOOD_USAGE }), async (srv) => {
      const models = ['a', 'b'].map((id) => model(id, srv.baseUrl, { timeoutMs: 20_000, idleTimeoutMs: 400 }));
      const started = Date.now();
      const rec = await within(8_000, runAuction({ task, repoContext: { files: ['a.js'] }, models, settings: auctionSettings({ refine: false, useEntropy: false, juryPanel: 'all' }) }), 'auction with a trickling jury');
      assert.ok(Date.now() - started < 6_000, `took ${Date.now() - started} ms`);
      assert.ok(srv.requests.some(isJury), 'the jury was asked');
      const notes = rec.bids.flatMap((b) => b.jury.map((j) => j.note ?? ''));
      assert.ok(notes.length > 0 && notes.every((n) => /idle-stream deadline/.test(n)), notes.join('\n'));
      assert.ok(rec.winner, 'a winner without the jury');
    });
  });

  it('an execution turn whose body trickles after the headers fails on the idle deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sale-redteam-trickle-exec-'));
    try {
      await writeTree(dir, NODE_REPO);
      await withHostileServer([{ content: 'x', fault: { kind: 'trickle', intervalMs: 1000, prefixBytes: 10 } }], async (srv) => {
        const m = model('exec', srv.baseUrl, { timeoutMs: 20_000, idleTimeoutMs: 400 });
        const journal = await FileJournal.open(dir);
        const started = Date.now();
        const r = await within(8_000, runEditTestLoop({
          model: m, agentId: 'exec', task: nodeTask(), plan: 'p', root: dir, runner: new ChildProcessCommandRunner({ sandbox: { kind: 'none', reason: 'test' } }),
          approver: approveAll, journal, budget: { maxTurns: 5, maxTokens: 1e9, maxUsd: 100 },
        }), 'execution turn with a trickling body');
        assert.ok(Date.now() - started < 6_000, `took ${Date.now() - started} ms`);
        assert.equal(r.stoppedBy, 'model-error');
        assert.match(r.error ?? '', /idle-stream deadline/);
        await journal.revert();
        await journal.close();
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
