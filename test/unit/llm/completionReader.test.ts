import assert from 'node:assert/strict';
import { usageCostUsd } from '../../../src/core/pricing';
import { readCompletion } from '../../../src/llm/completionReader';
import { extractTextToolCalls } from '../../../src/llm/hermesToolCalls';
import { dropLogprobSpan, normaliseLogprobs } from '../../../src/llm/logprobNormaliser';

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
