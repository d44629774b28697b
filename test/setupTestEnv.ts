/**
 * Loaded by mocha before any test (.mocharc.json "require"): the write-ahead journal of every test run goes to a
 * temporary state folder, never the developer's ~/.local/state, and is removed when mocha exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

if (!process.env.SALE_TEST_STATE_HOME) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sale-test-state-'));
  process.env.SALE_TEST_STATE_HOME = dir;
  process.env.XDG_STATE_HOME = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
