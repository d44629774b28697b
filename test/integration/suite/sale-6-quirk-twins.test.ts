// A whole auction and solve in the real extension host against EVERY simulated twin in pools/examples/sim-twins
// (one quirk profile each: thinking in tags or fields, Hermes text tool calls, top-20 / null logprobs, billed hidden
// reasoning, no usage, 429 with Retry-After, a cold start), with the pool check the setting change starts.
// Timings are the profiles' own (the cold start's 6 s is above the 4 s "loading model…" threshold, as for a user).
// To keep the added time small the loop runs commands as child processes (the terminal path is sale-1's), without
// the refinement round and without escalation: none of them is a quirk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import type { PanelState } from '../../../src/vscode/webviewMessages';
import { ensureIdle, extensionPath, fixtureTask, resetSettings, review, run, saleApi, setSetting, settled } from './saleHelpers';

/** The line of the automatic pool check a user of each twin's server must see (one entry per twin). */
const CHECK_LINE: Record<string, RegExp> = {
  'cold-start.json': /a cold start \(the model was loading\)/,
  'hidden-reasoning.json': /bills thinking tokens without sending them/,
  'no-usage.json': /no usage reported/,
  'ollama-qwen3.json': /thinking: <think> tags inside content/,
  'openai.json': /top-20 logprobs: entropy measured on the top 5/,
  'openrouter.json': /no logprobs: entropy left out of V/,
  'slow-429.json': /rate limited \(429, Retry-After 1 s\)/,
  'vllm.json': /tool calls only through the Hermes fallback/,
};

function copyToTmp(file: string): string {
  const to = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sale-twin-')), path.basename(file));
  fs.copyFileSync(file, to);
  return to;
}

describe('SALE: a whole solve on every simulated twin (quirk profiles)', function () {
  this.timeout(600_000);
  let api: SaleTestApi;
  const dir = () => path.join(extensionPath(), 'pools', 'examples', 'sim-twins');

  const LOOP_SETTINGS: Record<string, unknown> = { 'terminal.useShellIntegration': false, 'auction.refine': false, 'execution.escalation': false };

  before(async () => {
    api = await saleApi();
    for (const [k, v] of Object.entries(LOOP_SETTINGS)) await setSetting(k, v);
  });
  afterEach(async () => ensureIdle(api));
  after(async () => resetSettings(['pool.simulatedWorld', ...Object.keys(LOOP_SETTINGS)]));

  it('bids, jury, pool check and execution complete on each twin, and each shows what its server lacks', async () => {
    const twins = fs.readdirSync(dir()).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(twins, Object.keys(CHECK_LINE).sort(), 'a check line for every twin');
    const task = fixtureTask();
    const timings: string[] = [];
    for (const twin of twins) {
      const t0 = Date.now();
      const checkBefore = api.state().poolCheck?.at;
      // The cold twin is used from a copy, so that it can be made cold again for the solve (below).
      const file = twin === 'cold-start.json' ? copyToTmp(path.join(dir(), twin)) : path.join(dir(), twin);
      await setSetting('pool.simulatedWorld', file);
      // The automatic check (1.5 s after the change) runs alone first: its calls and the solve's do not interleave
      // (the solve's test preflight would otherwise let the check meet the cold model or the 429s first).
      const c = (await api.waitFor((st) => !!st.poolCheck && st.poolCheck.at !== checkBefore && st.poolCheck.label.includes(twin), 120_000)).poolCheck!;
      assert.ok(c.notes.some((n) => CHECK_LINE[twin].test(n)), `${twin}: the pool check says ${CHECK_LINE[twin]}:\n${c.notes.join('\n')}`);
      // Another pool file content is another simulator (the server is keyed by the pool): a new, cold one for the
      // solve, without a settings change (which would start another check).
      if (twin === 'cold-start.json') {
        const pool = JSON.parse(fs.readFileSync(file, 'utf8')) as { description: string };
        fs.writeFileSync(file, JSON.stringify({ ...pool, description: `${pool.description} (started again, cold, for the solve)` }));
      }
      const done = run('sale.solve', { source: 'text', text: `${task.title}\n${task.body}` });
      const s = await review(api, 180_000);
      const valid = s.bids.filter((b) => !b.error);
      assert.ok(valid.length >= 1 && s.winner, `${twin}: an auction with a winner (${s.bids.map((b) => b.error).join('; ')})`);
      for (const b of valid) {
        assert.doesNotMatch(b.raw, /<\/?think>|<tool_call>|let me think/i, `${twin} ${b.agent}: the plan is the answer only`);
        assert.ok(b.juryMean !== null, `${twin} ${b.agent}: the jurors' answers were read`);
      }
      const noLogprobs = twin === 'openrouter.json' || twin === 'hidden-reasoning.json';
      assert.equal(valid.every((b) => b.entropy === null), noLogprobs, `${twin}: entropy ${noLogprobs ? 'absent' : 'present'}`);
      if (noLogprobs) assert.ok(s.explanation.some((l) => /Entropy term dropped/.test(l)), `${twin}: the explanation says so`);
      if (twin === 'hidden-reasoning.json') assert.ok(valid.every((b) => (b.thinkingTokens ?? 0) > 0 && !b.thoughts), 'billed thinking, no thoughts');
      if (twin === 'no-usage.json') assert.ok(s.explanation.some((l) => /usage estimated from text length/.test(l)), `${twin}: the auction says usage was estimated`);
      const loading = (st: PanelState) => new Set(st.notices.filter((n) => /loading model…/.test(n.message)).map((n) => n.message.split(':')[0]));
      if (twin === 'cold-start.json') assert.equal(loading(s).size, new Set(s.bids.map((b) => b.agent)).size, `each cold agent showed "loading model…": ${s.notices.map((n) => n.message).join(' | ')}`);

      await run('sale.runWinner');
      const end = await settled(api, 180_000);
      await done;
      assert.equal(end.phase, 'done', `${twin}: ${end.error ?? ''}`);
      assert.ok(end.exec.length >= 1 && end.exec[0].tests.length >= 1, `${twin}: the winner ran the tests`);
      if (twin === 'vllm.json') assert.ok(end.exec[0].turn >= 2, 'tool calls read from <tool_call> text drove the edit loop');
      if (end.outcome === 'pending') assert.equal((await run('sale.revert')).ok, true);
      timings.push(`${twin} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(`  ${timings[timings.length - 1]} (pool check + whole solve)`);
    }
    console.log(`whole solve + pool check per twin: ${timings.join(', ')}`);
  });
});
