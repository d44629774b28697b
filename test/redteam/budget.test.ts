/**
 * Red team, issue 9 items 6 and 9 (budget side): the auction was not budgeted — with --budget-usd 0.0001 it spent
 * $0.57 before checking — and --json did not say why nothing ran. The real CLI against the hostile server.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import type { CodingTask } from '../../src/core/task';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, agent, byAgent, model, sale } from './redteamHelpers';

export function fixtureRepo(dir: string): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'r', scripts: { test: 'node test.js' } }));
  writeFileSync(join(repo, 'test.js'), 'process.exit(0)\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  return repo;
}

describe('red team: the budget is hard for the whole task, auction included (item 6)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-budget-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sale solve --budget-usd 0.0001 --json: no model call starts, and the report says "budget"', async () => {
    await withHostileServer(byAgent(() => ({ content: PLAN, usage: GOOD_USAGE })), async (srv) => {
      const pool = join(dir, 'pool.json');
      const price = { inputPerMTok: 10, outputPerMTok: 30 };
      writeFileSync(pool, JSON.stringify({ agents: [agent('a', srv.baseUrl, { price }), agent('b', srv.baseUrl, { price })] }));
      writeFileSync(join(dir, 'task.md'), '# Fix truncate\n\nOff by one.\n');
      const r = await sale(['solve', '--task-file', join(dir, 'task.md'), '--repo', fixtureRepo(dir), '--pool', pool, '--memory', join(dir, 'm.jsonl'), '--budget-usd', '0.0001', '--yes', '--json']);
      assert.equal(srv.requests.length, 0, 'no call was made: the first bid alone could cost more than the budget');
      const out = JSON.parse(r.stdout);
      assert.equal(out.notExecuted?.reason, 'budget', r.stdout + r.stderr);
      assert.match(out.notExecuted.message, /over the budget of \$0\.0001/);
      assert.notEqual(r.code, 0);
    });
  });

  it('the auction stops within the budget: calls whose worst case does not fit never start', async () => {
    const task: CodingTask = { id: 't', title: 'Fix truncate', body: 'off by one', source: 'text', repo: 'r' };
    await withHostileServer(byAgent(() => ({ content: PLAN, usage: { prompt_tokens: 1000, completion_tokens: 400 } })), async (srv) => {
      const price = { inputPerMTok: 10, outputPerMTok: 10 };
      const models = ['a', 'b', 'c'].map((id) => model(id, srv.baseUrl, { price }));
      const maxUsd = 0.03;
      const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models, settings: auctionSettings({ refine: false, useEntropy: false, juryMode: 'per-pair' }), budget: { maxUsd, maxTokens: 1e9 } });
      const spent = rec.usage.bids.usd + rec.usage.jury.usd + rec.usage.refinement.usd;
      assert.ok(spent <= maxUsd, `spent $${spent} within $${maxUsd}`);
      // Bids fit (3 × ≤$0.014 worst case would not: some were refused), and every refusal says why.
      const refused = [...rec.bids.map((b) => b.error ?? ''), ...rec.bids.flatMap((b) => b.jury.map((j) => j.note ?? ''))].filter((e) => /not started/.test(e));
      assert.ok(refused.length > 0, 'some calls were refused for the budget');
      assert.equal(srv.requests.length, rec.usage.bids.calls + rec.usage.jury.calls);
    });
  });
});
