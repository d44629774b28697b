import { strict as assert } from 'node:assert';
import { checkUsage } from '../../../src/llm/usageGuard';

describe('usage guard (llm/usageGuard)', () => {
  it('believes only finite non-negative whole numbers of usage', () => {
    const est = { input: () => 7, output: () => 3 };
    assert.deepEqual(checkUsage({ prompt_tokens: 10, completion_tokens: 0 }, est), { inputTokens: 10, outputTokens: 0 });
    const bad = checkUsage({ prompt_tokens: -1, completion_tokens: '5' }, est);
    assert.equal(bad.inputTokens, 7);
    assert.equal(bad.outputTokens, 3);
    assert.match(bad.estimated!, /prompt_tokens -1 is not a non-negative whole number; completion_tokens "5"/);
    assert.match(checkUsage(null, est).estimated!, /prompt_tokens missing/);
  });
});
