import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { InMemoryStore, JsonlMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { solveTask } from '../../../src/core/solve';
import { agent, approveAll, task } from '../helpers/builders';
import { batchJury, call, FakeChatModel, PLAN } from '../helpers/fakeChatModel';
import { makeTempDir, NODE_REPO, removeDir, treeSnapshot, writeTree } from '../helpers/tempRepo';

/** One model that bids, judges and, when executing, fixes add() and finishes; every call bills 50 + 50 tokens, $0.00001. */
function solver(id: string): FakeChatModel {
  const billed = { inputTokens: 50, outputTokens: 50, usd: 1e-5 };
  const fix = () => [
    call('edit_file', { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' }),
    call('run_tests', {}),
    call('finish', { summary: 'fixed' }),
  ];
  return new FakeChatModel(agent(id, 0.1), (req, _n, kind) => {
    if (kind === 'bid') return { ...billed, text: PLAN(id) };
    if (kind === 'juryBatch') return { ...billed, text: batchJury(req, () => 4) };
    const turn = req.messages.filter((m) => m.role === 'assistant').length;
    return { ...billed, toolCalls: [fix()[Math.min(turn, 2)]], finishReason: 'tool_calls' };
  });
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
      task: task(), root, models: [solver('a')], memory,
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

  it('a half-written last line does not swallow the next record, and a damaged file is copied aside once and rewritten', async () => {
    const path = join(dir, 'm.jsonl');
    const m1 = await AuctionMemory.open(new JsonlMemoryStore(path));
    const root = await makeTempDir('sale-jsonl-repo-');
    await writeTree(root, NODE_REPO);
    try {
      await solveTask({ task: task(), root, models: [solver('a')], memory: m1,
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
    // The damaged file was copied aside once and rewritten without the broken line: later runs make no copy.
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1, 'one copy of the damaged file');
    await AuctionMemory.open(new JsonlMemoryStore(path));
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1, 'loading again adds no copy');
  });
});
