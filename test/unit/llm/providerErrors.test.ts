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
    assert.match(describeProviderError(429, 'Rate limit', ollama, { retries: 2 }).action, /after 2 retries .*Retry-After/);
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
});
