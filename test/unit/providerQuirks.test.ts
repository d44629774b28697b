import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAuction } from '../../src/core/auction/auction';
import { auctionSettings } from '../../src/core/auction/auctionSettings';
import { parseBatchScores, parsePairScore } from '../../src/core/auction/juryParser';
import { SaleError } from '../../src/core/errors';
import { AuctionMemory } from '../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../src/core/memory/jsonlMemoryStore';
import { ModelCallError, OpenAIChatModel } from '../../src/llm/chatModel';
import { ThinkStreamFilter, readCompletion } from '../../src/llm/completionReader';
import { extractTextToolCalls } from '../../src/llm/hermesToolCalls';
import { dropLogprobSpan, normaliseLogprobs } from '../../src/llm/logprobNormaliser';
import { usageCostUsd } from '../../src/core/pricing';
import { classifyProviderError, describeProviderError } from '../../src/llm/providerErrors';
import { splitThinking, thinkingRequestParts, thinkingSwitchFor } from '../../src/llm/thinking';
import { agent } from './helpers/builders';
import { batchJury, FakeChatModel, PLAN } from './helpers/fakeChatModel';

describe('thinking: switch and split (src/llm/thinking.ts)', () => {
  it('picks each server\'s own switch and builds its request parts', () => {
    assert.equal(thinkingSwitchFor({ baseUrl: 'http://localhost:11434/v1', model: 'qwen3:4b' }), 'reasoning_effort');
    assert.equal(thinkingSwitchFor({ baseUrl: 'https://openrouter.ai/api/v1', model: 'qwen/qwen3-8b' }), 'reasoning');
    assert.equal(thinkingSwitchFor({ baseUrl: 'http://gpu:8001/v1', model: 'Qwen/Qwen3-4B' }), 'enable_thinking');
    assert.equal(thinkingSwitchFor({ baseUrl: 'https://api.openai.com/v1', model: 'gpt-4.1' }), 'none');
    assert.equal(thinkingSwitchFor({ baseUrl: 'http://x/v1', model: 'llama3', thinking: { via: 'no_think' } }), 'no_think');
    assert.deepEqual(thinkingRequestParts('reasoning_effort', false).body, { reasoning_effort: 'none' });
    assert.deepEqual(thinkingRequestParts('enable_thinking', false).body, { chat_template_kwargs: { enable_thinking: false } });
    assert.deepEqual(thinkingRequestParts('reasoning', true, 100), { body: { reasoning: { enabled: true } }, extraMaxTokens: 100 });
    assert.equal(thinkingRequestParts('no_think', false).userSuffix, ' /no_think');
    assert.deepEqual(thinkingRequestParts('enable_thinking', undefined).body, {}, 'no purpose: the server default is left alone');
  });

  it('separates thoughts in tags, leading </think>, unclosed tags, empty blocks and reasoning fields', () => {
    assert.deepEqual(splitThinking('<think>\nhmm\n</think>\n\n## Approach\nx'), { answer: '## Approach\nx', thoughts: 'hmm', via: 'content-tags', unclosed: false, contentThoughtSpan: [0, 20] });
    const lead = splitThinking('I need to look\n</think>\nPlan');
    assert.equal(lead.answer, 'Plan');
    assert.equal(lead.thoughts, 'I need to look');
    const cut = splitThinking('<think>still thinking when max_tokens hit');
    assert.equal(cut.answer, '');
    assert.equal(cut.unclosed, true);
    const empty = splitThinking('<think>\n\n</think>\n\nPlan');
    assert.equal(empty.answer, 'Plan');
    assert.equal(empty.thoughts, '');
    assert.equal(empty.via, undefined);
    assert.deepEqual(splitThinking('Plan', 'field thoughts'), { answer: 'Plan', thoughts: 'field thoughts', via: 'reasoning-field', unclosed: false });
    assert.equal(splitThinking('Use <think> tags? No.').answer, 'Use <think> tags? No.', 'a later mention is not a thought block');
  });

  it('streams only the answer to the live preview', () => {
    const out: string[] = [];
    const f = new ThinkStreamFilter((t) => out.push(t));
    for (const d of ['<thi', 'nk>\nlet me', ' see</think>', '\n\n## Ap', 'proach']) f.push(d);
    assert.equal(out.join(''), '## Approach');
    const plain: string[] = [];
    const g = new ThinkStreamFilter((t) => plain.push(t));
    for (const d of ['## Ap', 'proach']) g.push(d);
    assert.equal(plain.join(''), '## Approach');
  });
});

describe('completion reader: one place for the wire quirks (src/llm/completionReader.ts)', () => {
  const lp = (tokens: string[], k: number) => tokens.map((token) => ({ token, logprob: -0.1, top_logprobs: Array.from({ length: k }, (_, i) => ({ token: `${token}${i}`, logprob: -0.1 - i })) }));

  it('keeps thought tokens out of the logprobs and counts them as reasoning tokens', () => {
    const content = '<think>abc</think>\n\nPlan text';
    const r = readCompletion({ content, nativeToolCalls: [], logprobEntries: lp(['<think>', 'abc', '</think>', '\n\n', 'Plan', ' text'], 5), usage: { prompt_tokens: 10, completion_tokens: 6 } }, [], 'x');
    assert.equal(r.text, 'Plan text');
    assert.deepEqual(r.logprobs!.map((t) => t.token), ['Plan', ' text']);
    assert.ok(r.reasoningTokens > 0 && r.reasoningTokens < 6);
    const billed = readCompletion({ content: 'Plan', nativeToolCalls: [], usage: { completion_tokens: 50, completion_tokens_details: { reasoning_tokens: 40 }, prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 64 } } }, [], 'x');
    assert.equal(billed.reasoningTokens, 40);
    assert.equal(billed.thoughtsVia, 'billed-only');
    assert.equal(billed.cachedInputTokens, 64);
  });

  it('marks logprobs absent when null, empty or top-1 only, and sorts any top-k', () => {
    assert.equal(normaliseLogprobs(null), undefined);
    assert.equal(normaliseLogprobs([]), undefined);
    assert.equal(normaliseLogprobs(lp(['a', 'b'], 1)), undefined);
    assert.equal(normaliseLogprobs([{ token: 'a', logprob: Number.NaN, top_logprobs: [] }]), undefined);
    const top20 = normaliseLogprobs(lp(['a'], 20))!;
    assert.equal(top20[0].top.length, 20);
    assert.ok(top20[0].top.every((t, i, xs) => i === 0 || xs[i - 1].logprob >= t.logprob));
    assert.equal(dropLogprobSpan(normaliseLogprobs(lp(['<think>x</think>'], 3)), [0, 16]), undefined, 'nothing left after the thoughts: absent');
  });

  it('reads Hermes <tool_call> text only for offered tools, and keeps malformed blocks as text', () => {
    const text = 'I will edit.\n<tool_call>\n{"name": "edit_file", "arguments": {"path": "a.js"}}\n</tool_call>\n<tool_call>{"name":"rm_rf","arguments":{}}</tool_call>\n<tool_call>{oops</tool_call>';
    const r = extractTextToolCalls(text, ['edit_file'], 'c');
    assert.deepEqual(r.calls, [{ id: 'c0', name: 'edit_file', arguments: '{"path":"a.js"}' }]);
    assert.match(r.rest, /rm_rf/);
    assert.match(r.rest, /\{oops/);
    assert.doesNotMatch(r.rest, /edit_file/);
    const unclosed = extractTextToolCalls('<tool_call>\n{"name": "finish", "arguments": "{\\"summary\\":\\"ok\\"}"}', ['finish']);
    assert.deepEqual(unclosed.calls.map((c) => [c.name, c.arguments]), [['finish', '{"summary":"ok"}']]);
    const native = readCompletion({ content: '<tool_call>{"name":"finish","arguments":{}}</tool_call>', nativeToolCalls: [{ id: 'n', name: 'run_tests', arguments: '{}' }] }, ['finish', 'run_tests'], 'x');
    assert.equal(native.toolCallsVia, 'native', 'native calls win; text is not read twice');
  });

  it('prices cached prompt tokens at the cached price when one is set', () => {
    assert.equal(usageCostUsd({ inputPerMTok: 2, outputPerMTok: 8 }, 1000, 0, 500), 2000 / 1e6);
    assert.equal(usageCostUsd({ inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, 1000, 0, 500), 1250 / 1e6);
    assert.equal(usageCostUsd({ inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, 1000, 0, 5000), 500 / 1e6, 'cached never exceeds the prompt');
  });
});

describe('jury answers as models write them (core/auction/juryParser.ts)', () => {
  it('reads fenced or prose-wrapped JSON and scores as 4/5, 8/10, four, Score: 3', () => {
    assert.equal(parsePairScore('Here is my view.\n```json\n{"score": "4/5"}\n```\nThanks').score, 4);
    assert.equal(parsePairScore('The plan looks solid. {"score": 2, "reason": "vague"}').score, 2);
    assert.equal(parsePairScore('Score: 3').score, 3);
    assert.equal(parsePairScore('I would give it four out of five.').score, 4);
    assert.equal(parsePairScore('{"score": "8/10"}').score, 4);
    assert.equal(parsePairScore('{"rating": "five"}').score, 5);
    assert.equal(parsePairScore('{"score": 7}').score, null);
    assert.equal(parsePairScore('Plan 1 is fine').score, null, 'a plan number is not a score');
    const b = parseBatchScores('My scores:\n- Plan 1: 4/5\n- Plan 2: three out of five\n- Plan 3: one of the better ones', [1, 2, 3]);
    assert.deepEqual([b.get(1)!.score, b.get(2)!.score, b.get(3)!.score], [4, 3, null]);
    assert.deepEqual([...parseBatchScores('{"scores": {"1": 4, "2": "2/5"}}', [1, 2]).values()].map((x) => x.score), [4, 2]);
  });
});

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

describe('auction with thinking and long prompts (core/auction/auction.ts)', () => {
  const task = { id: 't', title: 'Fix add', body: 'add() subtracts', source: 'text' as const, repo: 'r' };

  it('trims the repository context and retries once after "context length exceeded"', async () => {
    const seen: number[] = [];
    const m = FakeChatModel.byKind(agent('a', 0.1), (kind, req) => {
      if (kind === 'bid') {
        const user = String(req.messages[1].content);
        seen.push(user.length);
        if (seen.length === 1) return { error: new SaleError('too long', 'context-length') };
        return { text: PLAN('a') };
      }
      return { text: batchJury(req, () => 4) };
    });
    const files = Array.from({ length: 400 }, (_, i) => `src/file${i}.js`);
    const rec = await runAuction({ task, repoContext: { files }, models: [m], settings: auctionSettings({ refine: false }) });
    assert.equal(seen.length, 2);
    assert.ok(seen[1] < seen[0] / 2, `second prompt smaller (${seen[0]} → ${seen[1]})`);
    assert.equal(rec.bids[0].error, undefined);
  });

  it('gives up after one retry with the error, and bids from other agents still count', async () => {
    const tooLong = FakeChatModel.byKind(agent('a', 0.1), (kind, req) => (kind === 'bid' ? { error: new SaleError('still too long', 'context-length') } : { text: batchJury(req, () => 3) }));
    const fine = FakeChatModel.byKind(agent('b', 0.2), (kind, req) => (kind === 'bid' ? { text: PLAN('b') } : { text: batchJury(req, () => 3) }));
    const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models: [tooLong, fine], settings: auctionSettings({ refine: false }) });
    assert.equal(tooLong.calls.filter((c) => c.kind === 'bid').length, 2);
    assert.match(rec.bids[0].error!, /still too long/);
    assert.equal(rec.winner, 'b');
  });

  it('bills thoughts but keeps them out of plan tokens, entropy and memory; a plan lost to thinking says why', async () => {
    const thinker = FakeChatModel.byKind(agent('t', 0.1), (kind, req) => (kind === 'bid'
      ? { text: PLAN('t'), thoughts: 'secret musings', reasoningTokens: 300, inputTokens: 10, outputTokens: 350, usd: 1e-4 }
      : { text: batchJury(req, () => 4), inputTokens: 10, outputTokens: 20, usd: 1e-6 }));
    // Its whole allowance went to thoughts: no plan text, every billed token a thinking token.
    const lostThinking = FakeChatModel.byKind(agent('l', 0.05), (kind, req) => (kind === 'bid' ? { text: '', reasoningTokens: 400, outputTokens: 400 } : { text: batchJury(req, () => 4) }));
    const memory = await AuctionMemory.open(new InMemoryStore());
    const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models: [thinker, lostThinking], settings: auctionSettings({ refine: false, useEntropy: false }), memory });
    const b = rec.bids.find((x) => x.agent === 't')!;
    assert.equal(b.tokens, 50, 'C counts 350 billed − 300 thinking tokens');
    assert.equal(b.thinkingTokens, 300);
    assert.equal(b.thoughts, 'secret musings');
    assert.equal(b.bidUsd, 1e-4, 'thoughts are billed');
    assert.match(rec.bids.find((x) => x.agent === 'l')!.error!, /spent its whole budget thinking/);
    const stored = await memory.recordAuction(task, rec);
    assert.doesNotMatch(JSON.stringify(stored), /secret musings/);
    assert.match(JSON.stringify(stored), /## Approach/, 'the plan itself is stored');
  });
});
