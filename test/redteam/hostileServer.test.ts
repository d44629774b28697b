/** The hostile server itself: each scripted response and wire fault reaches the real `openai` client as scripted. */
import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { startHostileServer, withHostileServer } from './hostileServer';

const client = (baseURL: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 5_000, ...extra });
const msgs = [{ role: 'user' as const, content: 'hi' }];

describe('red team: hostile server', () => {
  it('serves scripted content, tool calls, logprobs and usage of any shape, non-streaming', async () => {
    await withHostileServer([{
      content: 'plan',
      toolCalls: [{ name: 'write_file', arguments: '{"path":"a"' }],
      logprobs: { content: [{ token: 'p', logprob: -0.1, top_logprobs: [] }] },
      usage: { prompt_tokens: '12', completion_tokens: -5 },
    }], async (srv) => {
      const res = await client(srv.baseUrl).chat.completions.create({ model: 'm', messages: msgs });
      assert.equal(res.choices[0].message.content, 'plan');
      assert.equal(res.choices[0].message.tool_calls?.[0].type, 'function');
      assert.equal(res.choices[0].finish_reason, 'tool_calls');
      assert.equal(res.choices[0].logprobs?.content?.[0].token, 'p');
      assert.deepEqual(res.usage, { prompt_tokens: '12', completion_tokens: -5 });
      assert.equal(srv.requests.length, 1);
      assert.equal(srv.requests[0].json?.model, 'm');
    });
  });

  it('streams content with a finish reason and [DONE], or ends without either on noFinish', async () => {
    await withHostileServer([
      { content: 'hello world', usage: { prompt_tokens: 3, completion_tokens: 2 } },
      { content: 'cut off here', fault: { kind: 'noFinish' } },
    ], async (srv) => {
      const c = client(srv.baseUrl);
      let text = '';
      let finish: string | null = null;
      let usage: unknown;
      for await (const ch of await c.chat.completions.create({ model: 'm', messages: msgs, stream: true })) {
        text += ch.choices[0]?.delta?.content ?? '';
        finish = ch.choices[0]?.finish_reason ?? finish;
        if (ch.usage) usage = ch.usage;
      }
      assert.equal(text, 'hello world');
      assert.equal(finish, 'stop');
      assert.deepEqual(usage, { prompt_tokens: 3, completion_tokens: 2 });
      text = '';
      finish = null;
      for await (const ch of await c.chat.completions.create({ model: 'm', messages: msgs, stream: true })) {
        text += ch.choices[0]?.delta?.content ?? '';
        finish = ch.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(text, 'cut off here');
      assert.equal(finish, null);
    });
  });

  it('sends error statuses with Retry-After and raw bodies (413 included)', async () => {
    await withHostileServer([
      { status: 429, headers: { 'Retry-After': '3600' } },
      { status: 413, errorBody: 'too big' },
    ], async (srv) => {
      const c = client(srv.baseUrl);
      await assert.rejects(c.chat.completions.create({ model: 'm', messages: msgs }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 429);
        assert.equal(e.headers?.get('retry-after'), '3600');
        return true;
      });
      await assert.rejects(c.chat.completions.create({ model: 'm', messages: msgs }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 413);
    });
  });

  it('trickles bytes after the headers and hangs; close() ends every open connection promptly', async () => {
    const srv = await startHostileServer([{ content: 'x', fault: { kind: 'trickle', intervalMs: 50 } }, { fault: { kind: 'hang' } }]);
    const c = client(srv.baseUrl, { timeout: 60_000 });
    const first = c.chat.completions.create({ model: 'm', messages: msgs }).then(() => 'done', () => 'failed');
    const second = (async () => {
      try {
        for await (const _ of await c.chat.completions.create({ model: 'm', messages: msgs, stream: true })) { /* never ends */ }
        return 'done';
      } catch {
        return 'failed';
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(srv.requests.length, 2);
    const started = Date.now();
    await srv.close();
    const outcomes = await Promise.all([first, second]);
    assert.ok(Date.now() - started < 2_000);
    // Destroyed mid-body: neither call can complete.
    assert.deepEqual(outcomes, ['failed', 'failed']);
  });

  it('destroys the socket when scripted to', async () => {
    await withHostileServer([{ fault: { kind: 'destroy' } }], async (srv) => {
      await assert.rejects(client(srv.baseUrl).chat.completions.create({ model: 'm', messages: msgs }), (e: unknown) => e instanceof OpenAI.APIConnectionError);
    });
  });
});
