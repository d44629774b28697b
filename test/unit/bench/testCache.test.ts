import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchCommandRunner, maskVolatile, workspaceKey } from '../../../src/bench/testCache';
import type { CommandResult, CommandRunner } from '../../../src/core/ports/commandRunner';

describe('bench: test-run cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-bench-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  class CountingRunner implements CommandRunner {
    calls = 0;
    async run(command: string, opts: { cwd: string }): Promise<CommandResult> {
      this.calls++;
      return { command, exitCode: 0, output: `ok in ${opts.cwd}\n# duration_ms 12.5\nRan 3 tests in 0.004s\n✔ a (1.25ms)`, truncated: false, timedOut: false, durationMs: 5, runner: 'fake' };
    }
  }

  it('runs a state once, reuses it for byte-identical copies elsewhere, and reruns after any change', async () => {
    const inner = new CountingRunner();
    const runner = new BenchCommandRunner(inner, { limit: 1, cache: true });
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const d of [a, b]) {
      rmSync(d, { recursive: true, force: true });
      mkdirSync(join(d, 'src'), { recursive: true });
      writeFileSync(join(d, 'src', 'x.js'), 'module.exports = 1;\n');
    }
    const r1 = await runner.run('node --test', { cwd: a, timeoutMs: 1000 });
    const r2 = await runner.run('node --test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 1);
    assert.equal(r2.output, r1.output);
    assert.match(r1.output, /ok in <workspace>/);
    assert.match(r1.output, /duration_ms …\nRan 3 tests in …s\n✔ a \(…ms\)/);
    writeFileSync(join(b, 'src', 'x.js'), 'module.exports = 2;\n');
    await runner.run('node --test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 2);
    await runner.run('npm test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 3);
    assert.notEqual(workspaceKey(a, 'x'), workspaceKey(b, 'x'));
    const off = new BenchCommandRunner(inner, { limit: 1, cache: false });
    await off.run('node --test', { cwd: a, timeoutMs: 1000 });
    await off.run('node --test', { cwd: a, timeoutMs: 1000 });
    assert.equal(inner.calls, 5);
    assert.equal(maskVolatile('at /tmp/w/x.js:1', '/tmp/w'), 'at <workspace>/x.js:1');
  });
});
