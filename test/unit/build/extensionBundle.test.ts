import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extensionBuild } = require(join(ROOT, 'esbuild.js')) as { extensionBuild: esbuild.BuildOptions };

describe('the extension bundle (esbuild.js)', function () {
  this.timeout(60_000);

  it('never reads the global `navigator` (VS Code\'s extension host logs PendingMigrationError for each read on Node ≥ 21)', async () => {
    const r = await esbuild.build({ ...extensionBuild, absWorkingDir: ROOT, write: false, sourcemap: false, minify: false, logLevel: 'silent' });
    const text = r.outputFiles!.find((f) => f.path.endsWith('extension.js'))!.text;
    assert.ok(text.length > 100_000, 'the whole bundle was built');
    const reads = text.split('\n').filter((l) => /\bnavigator\b/.test(l));
    assert.deepEqual(reads, [], 'zod, openai and debug see Node, not a browser');
  });
});
