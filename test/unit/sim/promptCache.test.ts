import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { OpenAIChatModel, readCachedTokens } from '../../../src/llm/chatModel';
import { usageCostUsd } from '../../../src/core/pricing';
import { parsePoolConfig } from '../../../src/llm/poolConfig';
import { PromptCache, promptTokenStream } from '../../../src/sim/promptCache';
import { type SimServer, startSimServer } from '../../../src/sim/server';
import { resolveSimWorld } from '../../../src/sim/worldConfig';

const toks = (n: number, tag = 't') => Array.from({ length: n }, (_, i) => `${tag}${i} `);

describe('simulated prompt cache', () => {
  const params = { windowMs: 1000, minPrefixTokens: 0, blockTokens: 4 };

  it('counts only whole blocks of a prefix sent earlier in the same partition, never the first call', () => {
    const c = new PromptCache(params);
    const a = [...toks(10), 'x'];
    assert.equal(c.lookup('m1', a, 0), 0, 'a first call has nothing to hit');
    assert.equal(c.lookup('m1', [...toks(10), 'y', 'z'], 10), 8, '10 shared tokens = 2 whole blocks of 4');
    assert.equal(c.lookup('m2', a, 20), 0, 'another model (partition) shares nothing');
  });

  it('stops at the first block that differs, even if later blocks match', () => {
    const c = new PromptCache(params);
    c.lookup('m', toks(16), 0);
    const changed = toks(16);
    changed[5] = 'CHANGED ';
    assert.equal(c.lookup('m', changed, 1), 4, 'only the block before the change');
  });

  it('forgets a prefix after the window, and refreshes it when it is sent again', () => {
    const c = new PromptCache(params);
    c.lookup('m', toks(8), 0);
    assert.equal(c.lookup('m', toks(8), 900), 8);
    assert.equal(c.lookup('m', toks(8), 1800), 8, 'refreshed at 900, still within the window');
    assert.equal(c.lookup('m', toks(8), 5000), 0, 'expired');
  });

  it('counts nothing below the minimum cached run (OpenAI: 1,024 tokens)', () => {
    const c = new PromptCache({ windowMs: 1000, minPrefixTokens: 12, blockTokens: 4 });
    c.lookup('m', toks(20), 0);
    assert.equal(c.lookup('m', [...toks(8), 'other'], 1), 0, '8 < 12');
    assert.equal(c.lookup('m', [...toks(12), 'other'], 2), 12);
  });

  it('the token stream puts tools first and marks roles, so moving text between messages changes the prefix', () => {
    const msg = (role: string, content: string) => ({ role, content, toolCalls: [] });
    const a = promptTokenStream({ messages: [msg('system', 'A B'), msg('user', 'C')], toolsJson: '' });
    const b = promptTokenStream({ messages: [msg('system', 'A'), msg('user', 'B C')], toolsJson: '' });
    assert.notDeepEqual(a, b);
    assert.equal(promptTokenStream({ messages: [msg('user', 'x')], toolsJson: '[{"a":1}]' })[0], '<|tools|>');
  });

  it('the world parameter has a documented default and rejects nonsense', () => {
    const pool = (sim: Record<string, unknown>) => parsePoolConfig({ sim, agents: [{ id: 'a', provider: 'sim', model: 'a', price: { inputPerMTok: 1, outputPerMTok: 1 } }] });
    assert.deepEqual(resolveSimWorld(pool({})).cache, { windowMs: 300_000, minPrefixTokens: 1024, blockTokens: 128 });
    assert.equal(resolveSimWorld(pool({ cache: { minPrefixTokens: 0 } })).cache.minPrefixTokens, 0);
    assert.throws(() => resolveSimWorld(pool({ cache: { blockTokens: 0 } })), /blockTokens/);
    assert.throws(() => resolveSimWorld(pool({ cache: { window: 5 } })), /did you mean "windowMs"/);
  });
});

describe('cached input is priced honestly', () => {
  const price = { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.25 };

  it('charges cached tokens at the cached price, and at full price when the pool gives none', () => {
    assert.equal(usageCostUsd(price, 1000, 100, 400), (600 * 1 + 400 * 0.25 + 100 * 2) / 1e6);
    assert.equal(usageCostUsd({ inputPerMTok: 1, outputPerMTok: 2 }, 1000, 100, 400), (1000 + 200) / 1e6);
    assert.equal(usageCostUsd(price, 1000, 0, 5000), (1000 * 0.25) / 1e6, 'never more cached than input');
  });

  it('the pool refuses a cached price above the input price', () => {
    assert.throws(() => parsePoolConfig({ agents: [{ id: 'a', provider: 'sim', model: 'a', price: { inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: 2 } }] }), /cannot exceed inputPerMTok/);
  });

  it('reads prompt_tokens_details.cached_tokens only when it is a whole number within the prompt', () => {
    assert.equal(readCachedTokens({ prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 64 } }, 100), 64);
    assert.equal(readCachedTokens({ prompt_tokens: 100 }, 100), 0);
    assert.equal(readCachedTokens({ prompt_tokens_details: null }, 100), 0);
    for (const bad of [-1, 1.5, '64', 101, Number.NaN]) {
      assert.equal(readCachedTokens({ prompt_tokens_details: { cached_tokens: bad } }, 100), 0, `refused ${String(bad)}`);
    }
  });

  describe('over HTTP with the simulator', () => {
    let sim: SimServer;
    const pool = parsePoolConfig({
      sim: { cache: { minPrefixTokens: 0, blockTokens: 8 }, latency: { msPerToken: 0 } },
      agents: [
        { id: 'a', provider: 'sim', model: 'a', price: { inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: 0.1 } },
        { id: 'b', provider: 'sim', model: 'b', price: { inputPerMTok: 1, outputPerMTok: 1 } },
      ],
    });
    before(async () => {
      sim = await startSimServer({ pool });
    });
    after(async () => sim.close());

    const long = `${'shared context line. '.repeat(60)}`;
    const ask = (m: OpenAIChatModel, tail: string, stream = false) =>
      m.chat({ messages: [{ role: 'system', content: long }, { role: 'user', content: tail }], seed: 1, ...(stream ? { onDelta: () => {} } : {}) });

    it('reports cached_tokens the OpenAI way, only for a prefix the same model saw, and the client prices it', async () => {
      const client = new OpenAI({ baseURL: sim.url, apiKey: 'x' });
      const raw = await client.chat.completions.create({ model: 'a', messages: [{ role: 'user', content: 'hello there' }], seed: 9 });
      assert.equal(raw.usage?.prompt_tokens_details?.cached_tokens, 0, 'a first call is never cached');

      const a = new OpenAIChatModel(pool.agents[0], { baseUrl: sim.url });
      const b = new OpenAIChatModel(pool.agents[1], { baseUrl: sim.url });
      const first = await ask(a, 'question one');
      assert.equal(first.cachedInputTokens, 0);
      const second = await ask(a, 'a different question', true);
      assert.ok(second.cachedInputTokens! > 0.8 * first.inputTokens - 16, `most of the shared system prompt is cached (${second.cachedInputTokens} of ${second.inputTokens})`);
      assert.ok(second.cachedInputTokens! < second.inputTokens, 'the new tail is not');
      const full = usageCostUsd(pool.agents[0].price, second.inputTokens, second.outputTokens);
      assert.ok(second.usd < full, 'cached tokens are charged at the cached price');
      assert.equal(second.usd, usageCostUsd(pool.agents[0].price, second.inputTokens, second.outputTokens, second.cachedInputTokens));

      const other = await ask(b, 'question one');
      assert.equal(other.cachedInputTokens, 0, 'model b never saw the prefix');
      const again = await ask(b, 'question two');
      assert.ok(again.cachedInputTokens! > 0);
      assert.equal(again.usd, usageCostUsd(pool.agents[1].price, again.inputTokens, again.outputTokens), 'no cached price: no discount');
    });
  });
});
