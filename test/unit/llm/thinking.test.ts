import assert from 'node:assert/strict';
import { ThinkStreamFilter } from '../../../src/llm/completionReader';
import { splitThinking, thinkingRequestParts, thinkingSwitchFor } from '../../../src/llm/thinking';

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
