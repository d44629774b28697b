import { strict as assert } from 'node:assert';
import { abortableSleep } from '../../../src/llm/retryAfter';
import { attemptDeadline } from '../../../src/llm/streamDeadlines';

describe('stream deadlines (llm/streamDeadlines)', () => {
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
});
