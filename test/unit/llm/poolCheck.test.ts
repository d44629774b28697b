import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defaultSuiteDir } from '../../../src/cli/resources';
import { checkPool, formatPoolCheck } from '../../../src/llm/poolCheck';
import { type PoolConfig, loadPoolFile } from '../../../src/llm/poolConfig';
import { createPoolModels } from '../../../src/llm/poolModels';
import { startSimServer } from '../../../src/sim/server';

/** The pool check against simulated twins over real HTTP: what it finds and what it tells the user. */
const TWINS = join(__dirname, '..', '..', '..', 'pools', 'examples', 'sim-twins');

async function check(pool: PoolConfig) {
  const server = await startSimServer({ pool, suiteDir: defaultSuiteDir(), port: 0 });
  try {
    return await checkPool(createPoolModels(pool, { simBaseUrl: server.url, seed: 1 }));
  } finally {
    await server.close();
  }
}

describe('pool check (src/llm/poolCheck.ts)', function () {
  this.timeout(60_000);

  it('finds each twin\'s quirks and says what SALE will leave out', async () => {
    const [or] = await check(loadPoolFile(join(TWINS, 'openrouter.json')));
    assert.equal(or.ok, true);
    assert.equal(or.logprobsTopK, 0);
    assert.equal(or.thinking.whenOn, 'reasoning-field');
    assert.ok(or.notes.includes('no logprobs: entropy left out of V (for every bid while any bidder lacks them)'));
    const [vl] = await check(loadPoolFile(join(TWINS, 'vllm.json')));
    assert.equal(vl.toolCalls, 'text-fallback');
    assert.equal(vl.logprobsTopK, 5);
    assert.ok(vl.notes.some((n) => /--tool-call-parser hermes/.test(n)));
    const [oa] = await check(loadPoolFile(join(TWINS, 'openai.json')));
    assert.equal(oa.logprobsTopK, 20);
    assert.equal(oa.toolCalls, 'native');
    assert.equal(oa.jsonMode, 'yes');
    const [ol] = await check(loadPoolFile(join(TWINS, 'ollama-qwen3.json')));
    assert.equal(ol.thinking.whenOn, 'content-tags');
    assert.equal(ol.thinking.via, 'reasoning_effort');
    const [rl] = await check(loadPoolFile(join(TWINS, 'slow-429.json')));
    assert.equal(rl.ok, true, 'a 429 is waited out');
    assert.deepEqual(rl.rateLimited, { retryAfterS: 1 });
    assert.ok(rl.notes.some((n) => /rate limited \(429, Retry-After 1 s\)/.test(n)));
  });

  it('a model the server does not have is unusable, with what to do next, and the table says so', async () => {
    const pool = loadPoolFile(join(TWINS, 'vllm.json'));
    const server = await startSimServer({ pool, suiteDir: defaultSuiteDir(), port: 0 });
    try {
      const bad: PoolConfig = { agents: [{ ...pool.agents[0], id: 'ghost', model: 'Qwen/Qwen3-99B', baseUrl: server.url }] };
      const [c] = await checkPool(createPoolModels(bad, { simBaseUrl: server.url }));
      assert.equal(c.ok, false);
      assert.equal(c.modelListed, false);
      assert.equal(c.error!.kind, 'model-not-found');
      assert.match(c.notes[0], /vllm serve Qwen\/Qwen3-99B/);
      const table = formatPoolCheck([c]);
      assert.match(table, /ghost\s+NO \(model-not-found\)/);
      assert.match(table, /1 of 1 agents unusable/);
    } finally {
      await server.close();
    }
  });
});
