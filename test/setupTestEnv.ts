/**
 * Loaded by mocha before any test (.mocharc.json "require"):
 * - the write-ahead journal of every test run goes to a temporary state folder, never the developer's
 *   ~/.local/state;
 * - every temp folder the tests (and the CLI and tools they start) make goes into one per-run folder (TMPDIR), so a
 *   run leaves nothing in /tmp, and other runs on the machine do not disturb the check below;
 * - after the last test, a `sale-*` folder still there is a leak: the run fails and names it (each test removes what
 *   it made). Both folders are removed when mocha exits.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Left on purpose: the sandbox's stand-in /etc/passwd, written once per user and reused (commandSandbox.ts). */
const KEPT = /^sale-sandbox-\d+$/;

let runTmp: string | undefined;
if (!process.env.SALE_TEST_STATE_HOME) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sale-test-state-'));
  process.env.SALE_TEST_STATE_HOME = dir;
  process.env.XDG_STATE_HOME = dir;
  runTmp = mkdtempSync(path.join(os.tmpdir(), 'sale-test-tmp-'));
  process.env.TMPDIR = runTmp;
  process.on('exit', () => {
    rmSync(dir, { recursive: true, force: true });
    if (runTmp) rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
  });
}

/** The `sale-*` folders the run left in its temp folder (empty when every test cleaned up). */
export function leftoverTempFolders(dir: string | undefined = runTmp): string[] {
  if (!dir) return [];
  try {
    return readdirSync(dir).filter((n) => n.startsWith('sale-') && !KEPT.test(n)).sort();
  } catch {
    return [];
  }
}

// A mocha root hook: runs once after every test of the run.
export const mochaHooks = {
  afterAll(): void {
    const left = leftoverTempFolders();
    if (left.length) {
      throw new Error(`Tests left ${left.length} temp folder(s) behind in ${runTmp} (each test must remove what it makes): ${left.join(', ')}`);
    }
  },
};
