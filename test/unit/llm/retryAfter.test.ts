import { strict as assert } from 'node:assert';
import { retryWait } from '../../../src/llm/retryAfter';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe('Retry-After (llm/retryAfter)', () => {
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
});
