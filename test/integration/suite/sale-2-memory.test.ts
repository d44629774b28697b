// Auction memory in workspace state: persisted there, used for refinement on the next task, exported and imported as
// JSON lines; per-repository routing preferences and the pin/exclude settings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import { ensureIdle, fixtureTask, resetSettings, review, run, saleApi, setSetting, settled, suiteTasks, workspaceRoot } from './saleHelpers';

describe('SALE: memory and routing', function () {
  this.timeout(240_000);
  let api: SaleTestApi;
  let root: string;
  let label: string;

  before(async () => {
    api = await saleApi();
    root = workspaceRoot();
    label = await api.repoLabel(root);
    // Give memory something to hold when this file runs alone: one auction of the fixture's own task.
    if ((await api.memoryRecords(label)).length === 0) {
      const t = fixtureTask();
      const done = run('sale.solve', { source: 'text', text: `${t.title}\n${t.body}` });
      await review(api);
      await run('sale.runWinner');
      await done;
      await settled(api);
      if (api.state().outcome === 'pending') await run('sale.revert');
    }
  });
  afterEach(async () => ensureIdle(api));
  after(async () => resetSettings(['routing.excludedAgents']));

  it('keeps every auction in workspace state, under this repository\'s key, in the versioned schema', async () => {
    const key = `sale.memory.v1:${label}`;
    assert.ok(api.workspaceStateKeys().includes(key), `workspace state has ${key}`);
    const raw = api.workspaceStateGet(key) as { schema: number; task: { repo: string }; bids: unknown[] }[];
    assert.ok(Array.isArray(raw) && raw.length >= 1);
    for (const r of raw) {
      assert.equal(r.schema, 1);
      assert.equal(r.task.repo, label);
      assert.ok(r.bids.length >= 1);
    }
    assert.equal((await api.memoryRecords(label)).length, raw.length);
  });

  it('uses that memory on the next task: agents cheaper than the provisional winner refine with past (lose, win) pairs', async () => {
    const fixture = fixtureTask();
    // Tasks of the same family, other than the fixture's: the simulator knows them by title.
    const candidates = suiteTasks().filter((t) => t.family === fixture.family && t.id !== fixture.id);
    assert.ok(candidates.length > 0);
    let seen: { agent: string; examples: number }[] = [];
    for (const t of candidates) {
      const done = run('sale.solve', { source: 'text', text: `${t.title}\n${t.body}` });
      const s = await review(api);
      await run('sale.cancel');
      await done;
      await settled(api);
      const auction = api.lastRun()?.engine?.auction;
      assert.ok(auction, 'the auction is kept even when cancelled at review');
      seen = auction.refinements.map((r) => ({ agent: r.agent, examples: r.examples }));
      if (seen.some((r) => r.examples > 0)) {
        assert.ok(s.bids.some((b) => b.refined), 'the panel shows the refined bid');
        break;
      }
    }
    assert.ok(seen.some((r) => r.examples > 0), `some agent refined with memory examples: ${JSON.stringify(seen)}`);
  });

  it('exports memory as JSON lines and imports it back (a team can share it); invalid lines are refused and counted', async () => {
    const before = await api.memoryRecords(label);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-mem-'));
    const file = path.join(dir, 'memory.jsonl');
    const exp = await run('sale.exportMemory', { uri: vscode.Uri.file(file).toString() });
    assert.equal(exp.ok, true, JSON.stringify(exp));
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, before.length);
    assert.deepEqual(JSON.parse(lines[0]).id, before[0].id);

    assert.equal((await run('sale.clearMemory', true)).ok, true);
    assert.equal((await api.memoryRecords(label)).length, 0);

    fs.appendFileSync(file, '{"not":"a record"}\nnot json\n');
    const imp = await run('sale.importMemory', { uri: vscode.Uri.file(file).toString() });
    assert.equal(imp.ok, true);
    assert.deepEqual(JSON.parse((imp as { detail: string }).detail), { added: before.length, skipped: 0, invalid: 2 });
    assert.deepEqual((await api.memoryRecords(label)).map((r) => r.id).sort(), before.map((r) => r.id).sort());
    // Importing twice adds nothing.
    const again = await run('sale.importMemory', { uri: vscode.Uri.file(file).toString() });
    assert.equal(JSON.parse((again as { detail: string }).detail).added, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows per-agent routing figures for this repository, and excluding an agent keeps it out of the auction', async () => {
    assert.equal((await run('sale.showRouting')).ok, true);
    const sum = await api.routing();
    assert.ok(sum);
    assert.equal(sum.repo, label);
    assert.equal(sum.agents.length, 4);
    assert.ok(sum.agents.every((a) => a.bids >= 1), 'every agent has bid here');
    assert.ok(sum.agents.reduce((n, a) => n + a.wins, 0) >= 1);

    await setSetting('routing.excludedAgents', ['sim-qwen3-32b']);
    const t = fixtureTask();
    const done = run('sale.solve', { source: 'text', text: t.title });
    const s = await review(api);
    assert.deepEqual(s.agents, ['sim-qwen3-4b', 'sim-qwen3-8b', 'sim-qwen3-14b']);
    assert.ok(s.notices.some((n) => /Excluded in this repository: sim-qwen3-32b/.test(n.message)));
    await run('sale.cancel');
    await done;
    await settled(api);
  });
});
