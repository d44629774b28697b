// Integration tests in a real VS Code extension host: `npm run test:integration` (npx tsx test/integration/runTest.ts).
//  1. builds the extension (node esbuild.js → dist/),
//  2. bundles test/integration/suite/index.ts and every suite/*.test.ts to out/integration/*.js (plain JS for the host),
//  3. copies a fixture repo to a temp folder and git-inits it,
//  4. runTests() of @vscode/test-electron with scripts/code-server-exe.js as the "VS Code executable": it runs the
//     suite in code-server's Node extension host (see /work/shared/VSCODE_TESTING.md).
// Needs `npm run host:install` first. Environment: SALE_IT_GREP (mocha grep), SALE_IT_TIMEOUT_MS (per test),
// SALE_IT_TASK (suite task id for the fixture), SALE_IT_SKIP_BUILD=1 (use the existing dist/), SALE_IT_SKIP_RESTRICTED=1
// (skip the second launch, workspace trust on, that runs suite/restricted-*.test.ts), SALE_TEST_TIMEOUT_MS
// (whole run), SALE_HOST_VERBOSE=1, SALE_KEEP_TMP=1.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { hostPaths, HostError } from '../../scripts/lib/code-server';
import { makeFixtureRepo } from '../../scripts/lib/fixture';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeHostDefines } = require('../../esbuild.js') as { nodeHostDefines: Record<string, string> };

const ROOT = path.resolve(__dirname, '..', '..');
const SUITE_DIR = path.join(__dirname, 'suite');
const OUT_DIR = path.join(ROOT, 'out', 'integration');

async function bundleTests(): Promise<string> {
  const tests = fs.readdirSync(SUITE_DIR).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(SUITE_DIR, f));
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(SUITE_DIR, 'index.ts'), ...tests],
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    // The test bundles carry zod too: like the extension's, they must not read the host's guarded `navigator`.
    define: nodeHostDefines,
  });
  return path.join(OUT_DIR, 'index.js');
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
  hostPaths(); // fails early with "run npm run host:install" when the host is missing

  if (process.env.SALE_IT_SKIP_BUILD === '1') {
    console.log('[integration] SALE_IT_SKIP_BUILD=1: using the existing dist/');
  } else {
    const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`extension build (node esbuild.js) failed with ${build.status}`);
  }
  const testsIndex = await bundleTests();
  console.log(`[integration] built and bundled tests in ${secs()} s`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-it-'));
  try {
    const fixture = makeFixtureRepo({ parent: path.join(tmp, 'workspace'), taskId: process.env.SALE_IT_TASK });
    console.log(`[integration] workspace: ${fixture.folder} (from ${path.relative(ROOT, fixture.source) || fixture.source})`);
    // Suites 1–5 test the auction flow, and their memory grows as they run: learned routing (on by default) would
    // route some of their tasks. It starts off here; sale-7-routing turns it on for its own tests.
    const userDir = path.join(tmp, 'user-data', 'User');
    fs.mkdirSync(userDir, { recursive: true });
    fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ 'sale.routing.enabled': false }, null, 2));
    await runTests({
      vscodeExecutablePath: path.join(ROOT, 'scripts', 'code-server-exe.js'),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: testsIndex,
      launchArgs: [fixture.folder, `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
      extensionTestsEnv: { SALE_IT_WORKSPACE: fixture.folder, SALE_IT_TASK_JSON: path.join(tmp, 'workspace', 'task.json') },
    });
    console.log(`[integration] passed in ${secs()} s`);
    // Second launch: workspace trust on, a fresh profile and copy; only restricted-*.test.ts (see suite/index.ts).
    if (process.env.SALE_IT_SKIP_RESTRICTED !== '1') {
      const untrusted = makeFixtureRepo({ parent: path.join(tmp, 'untrusted'), taskId: process.env.SALE_IT_TASK });
      await runTests({
        vscodeExecutablePath: path.join(ROOT, 'scripts', 'code-server-exe.js'),
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: testsIndex,
        launchArgs: [untrusted.folder, `--user-data-dir=${path.join(tmp, 'user-data-untrusted')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
        extensionTestsEnv: {
          SALE_IT_WORKSPACE: untrusted.folder, SALE_IT_TASK_JSON: path.join(tmp, 'untrusted', 'task.json'),
          SALE_IT_RESTRICTED: '1', SALE_HOST_WORKSPACE_TRUST: '1',
        },
      });
      console.log(`[integration] Restricted Mode launch passed; all passed in ${secs()} s`);
    }
    return 0;
  } catch (e) {
    // runTests rejects with TestRunFailedError (message "Test run failed with code N") on a non-zero exit.
    const code = typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : 1;
    console.error(`[integration] FAILED after ${secs()} s: ${(e as Error).message}`);
    return code || 1;
  } finally {
    if (process.env.SALE_KEEP_TMP === '1') console.log(`[integration] kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[integration] ERROR: ${e instanceof HostError || e instanceof Error ? e.message : e}`);
    process.exit(2);
  },
);
