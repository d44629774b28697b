import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
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
    assert.equal(or.thinking.field, 'reasoning');
    const [vl] = await check(loadPoolFile(join(TWINS, 'vllm.json')));
    assert.equal(vl.toolCalls, 'text-fallback');
    assert.equal(vl.logprobsTopK, 5);
    assert.equal(vl.thinking.field, 'reasoning_content');
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
  });

  // What `sale pool check` prints for each twin: the line a user of that server needs (one entry per twin).
  const KEY_LINES: Record<string, RegExp[]> = {
    'cold-start.json': [/: first token after \d+\.\d s, later calls \d+\.\d s: a cold start \(the model was loading\); shown as "loading model…"/],
    'hidden-reasoning.json': [/: no logprobs: entropy left out of V/, /: bills thinking tokens without sending them: billed, kept out of plan tokens/],
    'no-usage.json': [/: no usage reported \(even with stream_options\.include_usage\): tokens and dollars are estimated from text length/],
    'ollama-qwen3.json': [/: thinking: <think> tags inside content \(when on\): separated from the answer, billed/],
    'openai.json': [/: top-20 logprobs: entropy measured on the top 5 of every bid, renormalised/],
    'openrouter.json': [/: no logprobs: entropy left out of V/, /: thinking: reasoning \(when on\): separated from the answer/],
    'slow-429.json': [/: rate limited \(429, Retry-After 1 s\): SALE waits and retries/],
    'vllm.json': [/: tool calls only through the Hermes fallback \(<tool_call> text, which SALE reads\); vLLM: add --enable-auto-tool-choice --tool-call-parser hermes/, /: thinking: reasoning_content \(when on\): separated/],
  };

  it('every twin has its key lines listed here', () => {
    assert.deepEqual(Object.keys(KEY_LINES).sort(), readdirSync(TWINS).filter((f) => f.endsWith('.json')).sort());
  });

  for (const [twin, lines] of Object.entries(KEY_LINES)) {
    it(`${twin}: the printed check says what a user of that server needs to know`, async () => {
      const pool = loadPoolFile(join(TWINS, twin));
      // The cold start is shortened (3.5 s instead of 6 s; the check calls > 3 s cold), other profiles as they are.
      const forTest: PoolConfig = { ...pool, agents: pool.agents.map((a) => (twin === 'cold-start.json' ? { ...a, sim: { quirks: { profile: 'cold-start', coldStartMs: 3500 } } } : a)) };
      const checks = await check(forTest);
      const printed = formatPoolCheck(checks, { simulated: true });
      assert.ok(checks.every((c) => c.ok), printed);
      assert.match(printed, new RegExp(`All ${pool.agents.length} agents usable\\.$`));
      for (const a of pool.agents) {
        for (const re of lines) assert.match(printed, new RegExp(`^${a.id}${re.source}`, 'm'), `${a.id} in:\n${printed}`);
      }
      // A line that belongs to another profile is not printed (the check does not say everything everywhere).
      if (twin !== 'vllm.json') assert.doesNotMatch(printed, /Hermes fallback/);
      if (!['hidden-reasoning.json', 'openrouter.json'].includes(twin)) assert.doesNotMatch(printed, /no logprobs/);
      if (twin !== 'no-usage.json') assert.doesNotMatch(printed, /no usage reported/);
    });
  }

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
