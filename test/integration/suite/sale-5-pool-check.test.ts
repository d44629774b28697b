// "SALE: Check Pool" and real-server quirks in the real extension host: the check on the default simulated pool,
// the automatic check when the pool setting changes (to a simulated twin whose server sends no logprobs), and a
// whole solve on the vLLM twin, whose tool calls arrive only as Hermes <tool_call> text and whose thoughts and
// jury answers come in their own odd shapes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import { ensureIdle, extensionPath, fixtureTask, resetSettings, review, run, saleApi, setSetting, settled } from './saleHelpers';

describe('SALE: Check Pool and provider quirks', function () {
  this.timeout(180_000);
  let api: SaleTestApi;
  const twin = (name: string) => path.join(extensionPath(), 'pools', 'examples', 'sim-twins', `${name}.json`);

  before(async () => {
    api = await saleApi();
  });
  afterEach(async () => ensureIdle(api));
  after(async () => resetSettings(['pool.simulatedWorld']));

  it('checks the configured pool and shows the table in the panel', async () => {
    const r = (await run('sale.checkPool')) as { ok: boolean; detail?: string };
    assert.equal(r.ok, true, JSON.stringify(r));
    const checks = JSON.parse(r.detail!) as { agent: string; ok: boolean }[];
    const s = api.state();
    assert.ok(s.poolCheck, 'the panel has a pool check');
    assert.equal(s.poolCheck!.rows.length, checks.length);
    assert.ok(checks.every((c) => c.ok));
    assert.match(s.poolCheck!.label, /SIMULATED/);
  });

  it('runs again when the pool setting changes and says what will be missing', async () => {
    const before = api.state().poolCheck?.at;
    await setSetting('pool.simulatedWorld', twin('openrouter'));
    const s = await api.waitFor((st) => !!st.poolCheck && st.poolCheck.at !== before, 60_000);
    assert.ok(s.poolCheck!.notes.some((n) => /no logprobs: entropy left out of V/.test(n)), s.poolCheck!.notes.join('\n'));
  });

  it('solves a task on the vLLM twin: tool calls from <tool_call> text drive the edit loop', async () => {
    await setSetting('pool.simulatedWorld', twin('vllm'));
    const task = fixtureTask();
    const done = run('sale.solve', { source: 'text', text: `${task.title}\n${task.body}` });
    const s = await review(api);
    assert.ok(s.bids.filter((b) => !b.error).length >= 1);
    for (const b of s.bids) assert.doesNotMatch(b.raw, /<\/?think>|<tool_call>/);
    await run('sale.runWinner');
    const end = await settled(api);
    await done;
    assert.ok(end.exec.length >= 1 && end.exec[0].turn >= 2, `the winner took turns through text tool calls (${JSON.stringify(end.exec[0] ?? null)})`);
    assert.equal(end.phase, 'done', end.error ?? '');
    if (end.outcome === 'pending') await run('sale.revert');
  });
});
