/**
 * Red team, issue 9 item 5: usage numbers were trusted. Negative usage made the budget grow; usage sent as
 * strings crashed with a raw ZodError when the auction was stored in memory.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import { AuctionMemory } from '../../src/core/memory/auctionMemory';
import { JsonlMemoryStore } from '../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../src/core/task';
import { ChildProcessCommandRunner } from '../../src/core/execution/childProcessRunner';
import { runEditTestLoop } from '../../src/core/execution/editLoop';
import type { SaleEvent } from '../../src/core/events';
import { approveAll, task as nodeTask } from '../unit/helpers/builders';
import { makeTempDir, NODE_REPO, removeDir, writeTree } from '../unit/helpers/tempRepo';
import { type ScriptedStep, withHostileServer } from './hostileServer';
import { PLAN, byAgent, model } from './redteamHelpers';

const msgs = [{ role: 'user' as const, content: 'plan it' }];
const task: CodingTask = { id: 't', title: 'Fix truncate', body: 'off by one', source: 'text', repo: 'r' };

describe('red team: usage is validated at the edge (item 5)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-usage-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [what, usage] of [
    ['negative', { prompt_tokens: -1e12, completion_tokens: -5, total_tokens: -1e12 }],
    ['fractional and infinite-ish', { prompt_tokens: 1.5, completion_tokens: 1e400 }],
    ['strings', { prompt_tokens: '12', completion_tokens: 'many' }],
    ['not an object', 'lots'],
  ] as const) {
    it(`${what} usage is replaced by an estimate, and the result says so (streamed and not)`, async () => {
      await withHostileServer([{ content: PLAN, usage }], async (srv) => {
        const m = model('liar', srv.baseUrl, { price: { inputPerMTok: 1000, outputPerMTok: 1000 } });
        for (const stream of [false, true]) {
          const r = await m.chat({ messages: msgs, ...(stream ? { onDelta: () => undefined } : {}) });
          for (const n of [r.inputTokens, r.outputTokens]) assert.ok(Number.isSafeInteger(n) && n > 0, `${n} is a positive whole number`);
          assert.ok(Number.isFinite(r.usd) && r.usd > 0, `usd ${r.usd}`);
          assert.match(r.usageEstimated ?? '', /usage estimated from text length/);
        }
      });
    });
  }

  it('string usage in a real auction neither crashes (no raw ZodError) nor goes unreported; memory stores numbers', async () => {
    await withHostileServer(byAgent(() => ({ content: PLAN, usage: { prompt_tokens: '9999', completion_tokens: 'x' } })), async (srv) => {
      const memory = await AuctionMemory.open(new JsonlMemoryStore(join(dir, 'm.jsonl')));
      const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models: [model('a', srv.baseUrl), model('b', srv.baseUrl)], settings: auctionSettings({ refine: false, useEntropy: false }), memory });
      await memory.recordAuction(task, rec);
      assert.match(rec.explanation.join('\n'), /a: usage estimated from text length \(prompt_tokens "9999" is not a non-negative whole number/);
      assert.ok(rec.usage.bids.usd > 0 && Number.isFinite(rec.usage.bids.usd));
      const stored = JSON.parse(readFileSync(join(dir, 'm.jsonl'), 'utf8').trim());
      assert.ok(stored.bids.every((b: { tokens: unknown }) => typeof b.tokens === 'number' && (b.tokens as number) > 0));
    });
  });
});

describe('red team: negative usage cannot stretch the execution budget (item 5)', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-redteam-neg-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  it('an executing agent reporting negative usage every turn is stopped by the token budget, not by maxTurns', async () => {
    // Each turn reads another (missing) file, so loop detection never steps in; usage is always hugely negative.
    const script = (n: number): ScriptedStep => ({ toolCalls: [{ name: 'read_file', arguments: JSON.stringify({ path: `notes-${n}.txt` }) }], usage: { prompt_tokens: -1e6, completion_tokens: -1e6 } });
    await withHostileServer(script, async (srv) => {
      const events: SaleEvent[] = [];
      const r = await runEditTestLoop({
        model: model('liar', srv.baseUrl), agentId: 'liar', task: nodeTask(), plan: PLAN, root, runner: new ChildProcessCommandRunner(), approver: approveAll,
        budget: { maxTurns: 24, maxTokens: 15_000, maxUsd: 10 }, onEvent: (e) => events.push(e),
      });
      assert.equal(r.reason, 'budget-tokens');
      assert.ok(r.turns < 24, `${r.turns} turns`);
      assert.ok(r.inputTokens > 0 && r.outputTokens > 0 && r.usd > 0);
      assert.ok(r.inputTokens + r.outputTokens <= 15_000);
      assert.ok(events.some((e) => e.type === 'log' && /turn 1: usage estimated from text length/.test(e.message)));
    });
  });
});
