import assert from 'node:assert/strict';
import { FallbackNotice, SHELL_INTEGRATION_CAP_MS, integrationBudgetMs, nextIntegrationWait } from '../../../src/vscode/shellIntegrationWait';

/** Plays the runner's loop against a clock: returns when integration would have been given up on (ms since creation). */
function giveUpAt(s: { configuredMs: number; shellStartsAtMs?: number; slowestSeenMs?: number }): number {
  let now = 0;
  for (let i = 0; i < 1000; i++) {
    const started = s.shellStartsAtMs !== undefined && now >= s.shellStartsAtMs ? s.shellStartsAtMs : undefined;
    const w = nextIntegrationWait({ elapsedMs: now, configuredMs: s.configuredMs, shellStartedAtMs: started, slowestSeenMs: s.slowestSeenMs });
    if (w === 'give-up') return now;
    assert.ok(w > 0, `waits a positive time (${w}) at ${now} ms`);
    now += w;
  }
  throw new Error('never gave up');
}

describe('shell integration wait (vscode/shellIntegrationWait)', () => {
  it('a shell that starts at once gets the configured wait, no more', () => {
    assert.equal(giveUpAt({ configuredMs: 5000, shellStartsAtMs: 0 }), 5000);
  });

  it('counts the configured wait from the shell\'s start: a slow start on a loaded machine is not a missing integration', () => {
    // The old fixed wait gave up at 5 s even though the shell process only started at 7 s.
    const at = giveUpAt({ configuredMs: 5000, shellStartsAtMs: 7000 });
    assert.ok(at >= 12_000 && at <= 13_000, `gave up at ${at} ms`);
  });

  it('extends while the shell has not started, up to the cap, never forever', () => {
    assert.equal(giveUpAt({ configuredMs: 5000 }), SHELL_INTEGRATION_CAP_MS);
    assert.equal(giveUpAt({ configuredMs: 5000, shellStartsAtMs: 59_000 }), SHELL_INTEGRATION_CAP_MS, 'the cap holds after a late start too');
  });

  it('waits longer once this window has seen a slower activation (1.5×), never less than the setting', () => {
    assert.equal(integrationBudgetMs(5000, undefined), 5000);
    assert.equal(integrationBudgetMs(5000, 2000), 5000);
    assert.equal(integrationBudgetMs(5000, 8000), 12_000);
    assert.equal(integrationBudgetMs(5000, 100_000), SHELL_INTEGRATION_CAP_MS);
    assert.equal(giveUpAt({ configuredMs: 5000, shellStartsAtMs: 0, slowestSeenMs: 8000 }), 12_000);
  });

  it('gives up at once past the cap', () => {
    assert.equal(nextIntegrationWait({ elapsedMs: SHELL_INTEGRATION_CAP_MS, configuredMs: 5000, shellStartedAtMs: undefined }), 'give-up');
  });
});

describe('the fallback notice (vscode/shellIntegrationWait FallbackNotice)', () => {
  it('is shown on the first fallback, once, and withdrawn as soon as a run uses the terminal', () => {
    const n = new FallbackNotice();
    assert.equal(n.terminalUsed(), 'none', 'nothing to withdraw before any fallback');
    assert.equal(n.fallback('shell integration did not come up'), 'show');
    assert.equal(n.isShown, true);
    assert.equal(n.why, 'shell integration did not come up');
    assert.equal(n.fallback('again'), 'none', 'not shown twice while it is up');
    assert.equal(n.terminalUsed(), 'withdraw');
    assert.equal(n.isShown, false);
    assert.equal(n.why, undefined);
    assert.equal(n.terminalUsed(), 'none', 'withdrawn once');
  });

  it('comes back when the terminal fails again after working', () => {
    const n = new FallbackNotice();
    n.fallback('a');
    n.terminalUsed();
    assert.equal(n.fallback('b'), 'show');
    assert.equal(n.why, 'b');
  });
});
