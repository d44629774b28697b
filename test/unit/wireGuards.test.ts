import { strict as assert } from 'node:assert';
import { abortableSleep, retryWait } from '../../src/llm/retryAfter';
import { attemptDeadline } from '../../src/llm/streamDeadlines';
import { checkUsage } from '../../src/llm/usageGuard';
import { BudgetError, TaskBudget, inputTokenBound, projectCall } from '../../src/core/callBudget';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe('wire guards (llm/retryAfter, streamDeadlines, usageGuard; core/callBudget)', () => {
  it('reads Retry-After as seconds, as an HTTP date and as retry-after-ms, and caps each', () => {
    assert.deepEqual(retryWait(headers({ 'retry-after': '2' }), 0, 10_000), { ms: 2000, askedMs: 2000, capped: false });
    assert.deepEqual(retryWait(headers({ 'retry-after': '3600' }), 0, 10_000), { ms: 10_000, askedMs: 3_600_000, capped: true });
    assert.deepEqual(retryWait(headers({ 'retry-after-ms': '150' }), 0, 10_000), { ms: 150, askedMs: 150, capped: false });
    const date = retryWait(headers({ 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() }), 0, 10_000);
    assert.equal(date.ms, 10_000);
    assert.equal(date.capped, true);
    assert.equal(retryWait(headers({ 'retry-after': '-5' }), 0, 10_000).ms, 0);
    const backoff = retryWait(undefined, 3, 10_000);
    assert.ok(backoff.ms > 0 && backoff.ms <= 4000 && backoff.askedMs === undefined);
  });

  it('a sleep ends at once on abort; deadlines say which one fired', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(abortableSleep(60_000, ac.signal));
    assert.ok(Date.now() - started < 1000);
    const d = attemptDeadline({ overallMs: 10_000, idleMs: 30 });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(d.fired, 'idle');
    assert.equal(d.signal.aborted, true);
    d.dispose();
    const kept = attemptDeadline({ overallMs: 60, idleMs: 40 });
    const tick = setInterval(() => kept.touch(), 10);
    await new Promise((r) => setTimeout(r, 120));
    clearInterval(tick);
    assert.equal(kept.fired, 'overall', 'touching keeps the idle clock back, never the overall one');
    kept.dispose();
  });

  it('believes only finite non-negative whole numbers of usage', () => {
    const est = { input: () => 7, output: () => 3 };
    assert.deepEqual(checkUsage({ prompt_tokens: 10, completion_tokens: 0 }, est), { inputTokens: 10, outputTokens: 0 });
    const bad = checkUsage({ prompt_tokens: -1, completion_tokens: '5' }, est);
    assert.equal(bad.inputTokens, 7);
    assert.equal(bad.outputTokens, 3);
    assert.match(bad.estimated!, /prompt_tokens -1 is not a non-negative whole number; completion_tokens "5"/);
    assert.match(checkUsage(null, est).estimated!, /prompt_tokens missing/);
  });

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
