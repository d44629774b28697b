import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuctionMemory } from '../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import { ChildProcessCommandRunner } from '../../src/core/execution/childProcessRunner';
import { InMemoryStore, JsonlMemoryStore } from '../../src/core/memory/jsonlMemoryStore';
import { detectPromptKind } from '../../src/core/auction/prompts';
import { solveTask } from '../../src/core/solve';
import type { ChatModel, ChatRequest, ChatResult } from '../../src/core/ports/chatModel';
import { PLAN, batchJury } from './helpers/fakeModel';
import { NODE_REPO, approveAll, call, makeTempDir, nodeTask, removeDir, testAgent, treeSnapshot, writeTree } from './helpers/execHelpers';

/** One model that bids, judges and, when executing, fixes add() and finishes. */
function solver(id: string): ChatModel {
  const agent = testAgent(id, 0.1, 0.1);
  return {
    agent,
    async chat(req: ChatRequest): Promise<ChatResult> {
      const kind = detectPromptKind(String(req.messages[0].content));
      const base = { toolCalls: [] as ChatResult['toolCalls'], inputTokens: 50, outputTokens: 50, usd: 1e-5, finishReason: 'stop', latencyMs: 0 };
      if (kind === 'bid') return { ...base, text: PLAN(id) };
      if (kind === 'juryBatch') return { ...base, text: batchJury(req, () => 4) };
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      const script = [
        call('edit_file', { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' }),
        call('run_tests', {}),
        call('finish', { summary: 'fixed' }),
      ];
      return { ...base, text: '', toolCalls: [script[Math.min(turn, 2)]], finishReason: 'tool_calls' };
    },
  };
}

describe('solveTask accept / revert', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-solve-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  const run = async (memory: AuctionMemory) =>
    solveTask({
      task: nodeTask(), root, models: [solver('a')], memory,
      settings: { auction: auctionSettings({}), budget: { maxTurns: 8, maxTokens: 100_000, maxUsd: 1 }, escalation: { enabled: false } },
      runner: new ChildProcessCommandRunner(), approver: approveAll,
    });

  it('a failed accept (commit asked outside git) leaves the change revertible and the memory unset', async () => {
    const before = await treeSnapshot(root);
    const memory = await AuctionMemory.open(new InMemoryStore());
    const r = await run(memory);
    assert.equal(r.passed, true);
    await assert.rejects(r.accept({ commitToBranch: true }), /git/i);
    assert.equal(memory.get(r.memoryRecordId)!.outcome!.kept, null);
    await r.revert();
    assert.deepEqual(await treeSnapshot(root), before);
    assert.equal(memory.get(r.memoryRecordId)!.outcome!.kept, false);
    await assert.rejects(r.accept(), /already accepted or reverted/);
  });

  it('accept without a commit keeps the change and marks it kept, once', async () => {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const r = await run(memory);
    assert.equal(await r.accept(), undefined);
    assert.match(readFileSync(join(root, 'src/add.js'), 'utf8'), /return a \+ b;/);
    assert.equal(memory.get(r.memoryRecordId)!.outcome!.kept, true);
    await assert.rejects(r.revert(), /already accepted or reverted/);
  });
});

describe('JSON-lines memory after a crash', () => {
  let dir: string;
  beforeEach(async () => (dir = await makeTempDir('sale-jsonl-')));
  afterEach(() => removeDir(dir));

  it('a half-written last line does not swallow the next record, and a damaged file is copied aside only once', async () => {
    const path = join(dir, 'm.jsonl');
    const m1 = await AuctionMemory.open(new JsonlMemoryStore(path));
    const root = await makeTempDir('sale-jsonl-repo-');
    await writeTree(root, NODE_REPO);
    try {
      await solveTask({ task: nodeTask(), root, models: [solver('a')], memory: m1,
        settings: { auction: auctionSettings({}), budget: { maxTurns: 8, maxTokens: 100_000, maxUsd: 1 }, escalation: { enabled: false } },
        runner: new ChildProcessCommandRunner(), approver: approveAll });
    } finally {
      await removeDir(root);
    }
    appendFileSync(path, '{"schema":1,"id":"cut-off-mid-wr'); // a crash mid-append
    const m2 = await AuctionMemory.open(new JsonlMemoryStore(path));
    assert.equal(m2.size, 1);
    const rec = m2.records()[0];
    await m2.setKept(rec.id, true);
    const m3 = await AuctionMemory.open(new JsonlMemoryStore(path));
    assert.equal(m3.get(rec.id)!.outcome!.kept, true, 'the update after the broken line was read back');
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 2, 'one copy per distinct damaged content');
    await AuctionMemory.open(new JsonlMemoryStore(path));
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 2, 'loading the same file again adds no copy');
  });
});
