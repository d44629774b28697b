// Learned routing in the extension (issues 8, 11): a task that memory clearly assigns runs without an auction, the
// panel says so ("Routed from memory: …"), and "Hold the auction anyway" holds it — at review in the same run, and
// after a run as a new run of the same task.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { routedFromMemoryLine } from '../../../src/core/routing/routingRecord';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import type { PanelState } from '../../../src/vscode/webviewMessages';
import { ensureIdle, fixtureTask, review, run, saleApi, setSetting, settled, suiteTasks, workspaceRoot } from './saleHelpers';

describe('SALE: routing from memory', function () {
  this.timeout(240_000);
  let api: SaleTestApi;
  let label: string;
  let cheapest: string;
  // A suite task no earlier suite ran here (another family): the seeded records below are its only neighbours.
  const fixture = fixtureTask();
  const task = suiteTasks().find((t) => t.family !== fixture.family)!;
  const text = `${task.title}\n${task.body}`;

  before(async () => {
    api = await saleApi();
    label = await api.repoLabel(workspaceRoot());
    assert.equal(vscode.workspace.getConfiguration('sale').get('routing.enabled'), false, 'the harness starts with routing off (runTest.ts)');
    await setSetting('routing.enabled', true);
    // A routed plan's check (planCheck.ts; off by default, on with this setting) may turn the cheapest agent down on
    // this task and route it elsewhere; this suite tests what the panel shows for memory's decision, so it keeps the
    // check off. The check is tested in core (solveRoutingReview.test.ts), its setting in test/unit/vscode/settings.test.ts.
    await setSetting('routing.checkPlan', false);
    // A memory that says clearly which agent is the best value for this task: the cheapest agent passed it six times
    // out of six; every other agent failed it twice (12 records: exactly the neighbours routing reads).
    const agents = (await api.routing())!.agents.map((a) => a.agent);
    assert.ok(agents.length >= 2, `pool agents: ${agents.join(', ')}`);
    cheapest = agents.find((a) => /4b/.test(a)) ?? agents[0];
    const lines: string[] = [];
    let n = 0;
    for (const a of agents) {
      const passed = a === cheapest;
      for (let i = 0; i < (passed ? 6 : 2); i++) {
        lines.push(JSON.stringify({
          schema: 1, id: `seed-${++n}`, time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
          task: { id: `seed-${n}`, text, source: 'text', repo: label }, bids: [], winner: a, auctionUsd: 0.01,
          outcome: { executedBy: a, passed, turns: 4, tokens: 20_000, usd: 0.002, kept: passed, escalatedFrom: [], overridden: false, attempts: [{ agent: a, passed, usd: 0.002 }] },
        }));
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-routing-'));
    try {
      fs.writeFileSync(path.join(dir, 'seed.jsonl'), lines.join('\n') + '\n');
      const r = await run('sale.importMemory', { uri: vscode.Uri.file(path.join(dir, 'seed.jsonl')).toString() });
      assert.equal(r.ok, true, JSON.stringify(r));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  afterEach(async () => ensureIdle(api));
  after(async () => {
    await setSetting('routing.enabled', false);
    await setSetting('routing.checkPlan', undefined);
  });

  /** Starts the task and waits for its routed review. Routing explores on a seeded 5% of routable tasks (an auction
   * held on purpose): then that run is cancelled and the task started again (memory has grown, so the draw is new). */
  const solveRouted = async (): Promise<{ s: PanelState; done: Promise<unknown> }> => {
    for (let attempt = 0; ; attempt++) {
      const done = run('sale.solve', { source: 'text', text });
      const s = await review(api);
      // Also when the cheap jurors' check of the routed plan rated it too low (planCheck.ts): an auction was held.
      if ((s.routing?.cause === 'explore' || s.routing?.cause === 'check') && attempt < 3) {
        await run('sale.cancel');
        await done;
        await settled(api);
        continue;
      }
      assert.equal(s.routing?.mode, 'routed', `routed from memory: ${s.routing?.reason ?? s.explanation.join(' ')}`);
      return { s, done };
    }
  };

  it('routes a task memory is clear about: the panel says who runs, on what evidence, and that nothing was spent on bidding', async () => {
    const { s } = await solveRouted();
    assert.equal(s.routing!.agent, cheapest);
    assert.ok(s.routing!.evidence.of >= 1 && s.routing!.evidence.passed === s.routing!.evidence.of, JSON.stringify(s.routing!.evidence));
    assert.match(routedFromMemoryLine(s.routing!), new RegExp(`^Routed from memory: ${cheapest} passed \\d+ of \\d+ similar tasks? here; no auction held, \\$0\\.000 spent on bidding$`));
    // No bids and no auction jury: the only spend before execution is the routed agent's plan from memory
    // (routedPlan.ts), one call billed on its one bid, and that plan's check by cheap jurors (planCheck.ts) — none of
    // either when memory had no winning plan to show it.
    assert.equal(s.bids.length, 1, 'one bid: the routed agent\'s plan from memory, or a placeholder');
    const checked = s.bids[0].jury.length > 0;
    const beyondPlan = s.auctionUsd - (s.bids[0].bidUsd ?? 0);
    assert.ok(checked ? beyondPlan > 0 : Math.abs(beyondPlan) < 1e-9, `spent ${s.auctionUsd} besides the plan's ${s.bids[0].bidUsd} (checked: ${checked})`);
    // The routing picture shows the decision with its reason.
    const pic = await api.routingPicture();
    assert.ok(pic && pic.agents.find((a) => a.agent === cheapest)!.passes >= 6);
    await run('sale.cancel');
    await settled(api);
  });

  it('"Hold the auction anyway" at review holds the full auction in the same run', async () => {
    const { s } = await solveRouted();
    const r = await api.panelReceive({ type: 'holdAuction', session: s.session });
    assert.deepEqual(r, { accepted: true });
    const held = await api.waitFor((x) => x.phase === 'review' && x.routing?.mode === 'auction', 120_000);
    assert.equal(held.session, s.session, 'the same run');
    assert.equal(held.routing!.cause, 'forced');
    assert.ok(new Set(held.bids.map((b) => b.agent)).size >= 2, 'every agent bid');
    assert.ok(held.auctionUsd > 0);
    await run('sale.cancel');
    await settled(api);
  });

  it('after a routed run, "Hold the auction anyway" starts a new run of the same task with an auction', async () => {
    const { s, done } = await solveRouted();
    await run('sale.runWinner');
    await done;
    const after = await settled(api);
    if (after.outcome === 'pending') await run('sale.revert');
    void api.panelReceive({ type: 'holdAuction', session: s.session });
    const held = await api.waitFor((x) => x.phase === 'review' && x.session !== s.session, 120_000);
    assert.equal(held.task?.title, s.task?.title);
    assert.equal(held.routing?.mode, 'auction');
    assert.equal(held.routing?.cause, 'forced');
    assert.ok(held.bids.filter((b) => !b.error).length >= 2);
    await run('sale.cancel');
    await settled(api);
  });
});
