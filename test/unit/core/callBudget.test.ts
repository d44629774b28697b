import { strict as assert } from 'node:assert';
import { BudgetError, inputTokenBound, projectCall, TaskBudget } from '../../../src/core/callBudget';

describe('task budget (core/callBudget)', () => {
  it('the task budget reserves worst cases and refuses a call that would not fit', () => {
    const b = new TaskBudget({ maxUsd: 0.01, maxTokens: 10_000 });
    const p = projectCall({ inputPerMTok: 1, outputPerMTok: 10 }, 1000, 400);
    assert.deepEqual(p, { tokens: 1400, usd: 0.005 });
    const settle = b.reserve(p, 'first');
    b.reserve(p, 'second');
    assert.throws(() => b.reserve(p, 'third'), (e: unknown) => e instanceof BudgetError && e.code === 'budget' && /third.*not started/.test(e.message));
    settle({ tokens: 100, usd: 0.0001 });
    b.reserve({ tokens: 10, usd: 0.004 }, 'small enough now');
    assert.deepEqual(b.spent, { tokens: 100, usd: 0.0001 });
    assert.equal(inputTokenBound([{ role: 'user', content: 'héllo' }]), Buffer.byteLength(JSON.stringify({ role: 'user', content: 'héllo' })) + 16);
  });
});
