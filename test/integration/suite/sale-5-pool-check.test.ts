// "SALE: Check Pool" in the real extension host: the check on the default simulated pool, and the automatic check
// when the pool setting changes (to a simulated twin whose server sends no logprobs). A whole solve on every twin,
// each with its own quirks, is sale-6-quirk-twins.test.ts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import { ensureIdle, extensionPath, resetSettings, run, saleApi, setSetting } from './saleHelpers';

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
});
