import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelCallError, OpenAIChatModel } from '../../../src/llm/chatModel';
import { classifyProviderError, describeProviderError } from '../../../src/llm/providerErrors';

describe('errors mapped to what the user does next (src/llm/providerErrors.ts)', () => {
  const ollama = { id: 'q', model: 'qwen3:4b', baseUrl: 'http://localhost:11434/v1' };
  it('names the key variable, the pull command, the context fix and the wait', () => {
    assert.match(describeProviderError(401, 'Incorrect API key', { id: 'g', model: 'gpt-4.1', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' }).action, /export OPENAI_API_KEY=.*SALE: Set API Key/);
    assert.equal(describeProviderError(404, 'model "qwen3:4b" not found, try pulling it first', ollama).action, 'Pull it: ollama pull qwen3:4b');
    assert.equal(classifyProviderError(400, "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens"), 'context-length');
    assert.equal(classifyProviderError(400, 'x', 'context_length_exceeded'), 'context-length');
    assert.equal(classifyProviderError(404, '404 page not found'), 'wrong-url');
    assert.match(describeProviderError(429, 'Rate limit', ollama).action, /^Rate limited by http:\/\/localhost:11434\/v1: wait a minute/);
    assert.match(describeProviderError(400, 'maximum context length exceeded', ollama).action, /trims the repository context and retries once/);
  });

  it('the adapter raises them with the action, over real HTTP', async () => {
    const replies: [number, object][] = [
      [401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }],
      [404, { error: { message: 'model "qwen3:4b" not found, try pulling it first', type: 'api_error' } }],
      [400, { error: { message: "This model's maximum context length is 4096 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' } }],
    ];
    let i = 0;
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      const [status, body] = replies[i++ % replies.length];
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const m = new OpenAIChatModel({ ...ollama, provider: 'openai', price: { inputPerMTok: 0, outputPerMTok: 0 }, apiKeyEnv: 'MY_KEY', maxRetries: 0, baseUrl: `http://127.0.0.1:${port}/ollama/v1` });
      const errs: ModelCallError[] = [];
      for (let k = 0; k < 3; k++) errs.push(await m.chat({ messages: [{ role: 'user', content: 'hi' }] }).then(() => assert.fail('no error'), (e) => e));
      assert.deepEqual(errs.map((e) => e.kind), ['auth', 'model-not-found', 'context-length']);
      assert.match(errs[0].message, /export MY_KEY=/);
      assert.match(errs[1].message, /ollama pull qwen3:4b/);
      assert.equal(errs[2].code, 'context-length');
    } finally {
      server.close();
    }
  });
  it('after retries, says how many attempts were made once (429 with Retry-After, 5xx, connection refused)', async () => {
    let calls = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      calls++;
      const busy = req.url?.includes('busy');
      res.writeHead(busy ? 429 : 503, { 'Content-Type': 'application/json', ...(busy ? { 'Retry-After': '0' } : {}) });
      res.end(JSON.stringify({ error: { message: busy ? 'Rate limit reached' : 'overloaded', type: 'server_error' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = { ...ollama, provider: 'openai' as const, price: { inputPerMTok: 0, outputPerMTok: 0 }, maxRetries: 2 };
    const fail = (m: OpenAIChatModel) => m.chat({ messages: [{ role: 'user', content: 'hi' }] }).then((): ModelCallError => assert.fail('no error'), (e: ModelCallError) => e);
    try {
      const port = (server.address() as AddressInfo).port;
      const busy = await fail(new OpenAIChatModel({ ...base, baseUrl: `http://127.0.0.1:${port}/busy/v1` }));
      assert.equal(calls, 3, 'two retries after the first refusal');
      assert.equal(busy.kind, 'rate-limited');
      const down = await fail(new OpenAIChatModel({ ...base, baseUrl: `http://127.0.0.1:${port}/down/v1`, maxRetries: 1 }));
      const gone = await fail(new OpenAIChatModel({ ...base, baseUrl: 'http://127.0.0.1:1/v1', maxRetries: 1 }));
      for (const [e, n] of [[busy, 3], [down, 2], [gone, 2]] as const) {
        assert.equal(e.message.match(/attempt|retries/g)?.length, 1, `one count in: ${e.message}`);
        assert.match(e.message, new RegExp(`\\(${n} attempts\\)`), e.message);
      }
      assert.match(gone.message, /cannot reach http:\/\/127\.0\.0\.1:1\/v1 \([^)]+\) \(2 attempts\) — Check that the server/);
    } finally {
      server.close();
    }
  });
});
