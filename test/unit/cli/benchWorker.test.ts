import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

describe('sale bench workers', () => {
  it('a worker stops as soon as its parent is gone (no orphan runs on after Ctrl-C or kill)', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'sale-benchworker-'));
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    try {
      const child = fork(resolve(__dirname, 'fixtures/benchEntry.ts'), [
        '--quick', '--policies', 'smallest', '--orders', '1', '--worker-orders', '0', '--worker-out', join(dir, 'part.json'), '--test-cache-dir', join(dir, 'cache'),
      ], { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, TMPDIR: tmp } });
      // The worker reports progress over IPC once it runs; then its parent goes away.
      await new Promise<void>((res, rej) => {
        child.once('message', () => res());
        child.once('exit', (code) => rej(new Error(`worker exited with ${code} before reporting progress`)));
      });
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      child.disconnect();
      assert.equal(await exited, 130);
      // It removed its work folder on the way out (the worker's temp folders live in this test's TMPDIR).
      assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('sale-bench-')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
