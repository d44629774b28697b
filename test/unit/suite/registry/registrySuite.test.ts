import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { loadSuite } from '../../../../src/core/suite';
import { importedPackages } from '../../../../src/suite/dependencyInstall';
import { type Manifest, type ManifestTask, expandTestCommand, parseManifest } from '../../../../src/suite/registry/manifest';
import { materialiseSuite, verifyTask } from '../../../../src/suite/registry/materialise';
import { changelogText } from '../../../../src/suite/registry/releaseRepo';
import { mineReleasePair } from '../../../../src/suite/registry/releasePair';
import { type TarballSource, tarballCache } from '../../../../src/suite/registry/tarballs';
import { GPL, MIT } from '../../helpers/historyRepo';

/** Two releases of a tiny package, packed with the real `npm pack` from folders the test writes (no network). */
const LIB_V1 = "'use strict';\nexports.clamp = function clamp(x, lo, hi) {\n  return Math.max(lo, x);\n};\n";
const LIB_V2 = "'use strict';\nexports.clamp = function clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n};\n";
const TEST_V1 = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { clamp } = require('..');\ntest('low', () => assert.equal(clamp(-1, 0, 5), 0));\n";
const TEST_V2 = `${TEST_V1}test('high', () => assert.equal(clamp(9, 0, 5), 5));\n`;

function writePackage(dir: string, version: string, licence: string, lib: string, test: string): void {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'clampy', version, license: 'MIT', main: 'index.js', scripts: { test: 'node --test test/' } }),
    'index.js': lib,
    // Build output and lint settings change with every release; neither is the task (releaseRepo.ts).
    'dist/clampy.js': `/* bundle ${version} */\n${lib}`,
    '.eslintrc': JSON.stringify({ root: true, version }),
    'test/clamp.js': test,
    LICENSE: licence,
    'CHANGELOG.md': `# Changelog\n\n## v${version}\n- [Fix] \`clamp\`: respect the upper bound\n- [Dev Deps] update tape\n\n## v1.0.0\n- Initial\n`,
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
}

function packReleases(root: string, licence = MIT): string {
  const store = join(root, 'registry');
  mkdirSync(store);
  writePackage(join(root, 'v1'), '1.0.0', licence, LIB_V1, TEST_V1);
  writePackage(join(root, 'v2'), '1.0.1', licence, LIB_V2, TEST_V2);
  for (const v of ['v1', 'v2']) execFileSync('npm', ['pack', join(root, v), '--pack-destination', store, '--ignore-scripts', '--loglevel=error'], { cwd: root, stdio: 'pipe' });
  return store;
}

/** A fake registry: copies the packed tarballs, counting how often it is asked. */
function fakeSource(store: string): TarballSource & { calls: string[] } {
  const calls: string[] = [];
  const src = (async (name: string, version: string, dest: string) => {
    calls.push(`${name}@${version}`);
    const file = join(store, `${name}-${version}.tgz`);
    if (!existsSync(file)) throw new Error(`404 ${name}@${version}`);
    copyFileSync(file, join(dest, `${name}-${version}.tgz`));
    return join(dest, `${name}-${version}.tgz`);
  }) as TarballSource & { calls: string[] };
  src.calls = calls;
  return src;
}

const PKG = { name: 'clampy', licence: 'MIT', licenceFile: 'LICENSE', testCommand: 'node --test {tests}', testEntry: '^test/[^/]+\\.js$', generated: ['dist/'], lines: 10, why: 'test package' };
const TASK: ManifestTask = { id: 'clampy-1.0.0-1.0.1', package: 'clampy', from: '1.0.0', to: '1.0.1', tests: ['test/clamp.js'], solution: ['CHANGELOG.md', 'index.js'], testCommand: 'node --test test/clamp.js', expect: { before: 'fail', after: 'pass' } };
const manifest = (over: Partial<Manifest> = {}): Manifest => parseManifest({ name: 'test-suite', packages: [PKG], tasks: [TASK], quick: [TASK.id], ...over });

describe('real-history suite: manifest schema', () => {
  it('accepts a manifest of facts and expands the test command', () => {
    const m = manifest();
    assert.equal(m.tasks[0].id, 'clampy-1.0.0-1.0.1');
    assert.equal(expandTestCommand(PKG, ['test/b.js', 'test/fixtures/x.js', "test/it's.js"]), "node --test test/b.js 'test/it'\\''s.js'");
    assert.equal(expandTestCommand(PKG, ['test/fixtures/x.js']), undefined);
  });

  it('refuses duplicate ids, unknown packages, paths leaving the package, quick ids that are no task, a template without {tests}', () => {
    assert.throws(() => manifest({ tasks: [TASK, TASK] }), /duplicate task id/);
    assert.throws(() => manifest({ tasks: [{ ...TASK, package: 'other' }] }), /not listed under packages/);
    assert.throws(() => manifest({ tasks: [{ ...TASK, tests: ['../etc/passwd'] }] }), /relative path inside the package/);
    assert.throws(() => manifest({ tasks: [{ ...TASK, solution: ['/abs.js'] }] }), /relative path inside the package/);
    assert.throws(() => manifest({ quick: ['nope'] }), /quick task nope is not a task/);
    assert.throws(() => manifest({ packages: [{ ...PKG, testCommand: 'npm test' }] }), /Invalid suite manifest/);
    assert.throws(() => parseManifest({ name: 'x', packages: [PKG], tasks: [{ ...TASK, expect: { before: 'pass', after: 'pass' } }] }), /Invalid suite manifest/);
  });
});

describe('real-history suite: materialiser (npm-packed tarballs, a fake registry, no network)', function () {
  this.timeout(120_000);
  let root: string;
  const runner = new ChildProcessCommandRunner({ sandbox: { kind: 'none', reason: 'unit test' } });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sale-registry-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('mines a release pair into a checked task, caches tarballs and tasks, and refuses a file list that differs', async () => {
    const source = fakeSource(packReleases(root));
    const tarballs = tarballCache(join(root, 'cache', 'tarballs'), source);
    const out = join(root, 'suite');
    const opts = { manifest: manifest(), outDir: out, tarballs, runner, npmCacheDir: join(root, 'cache', 'npm') };

    const first = await materialiseSuite(opts);
    assert.deepEqual(first.map((r) => [r.status, r.detail]), [['materialised', undefined]]);
    assert.deepEqual(source.calls, ['clampy@1.0.0', 'clampy@1.0.1']);
    const [t] = loadSuite(out);
    assert.equal(t.task.title, 'clampy: `clamp`: respect the upper bound (1.0.1)');
    assert.match(t.task.body, /- \[Fix\] `clamp`: respect the upper bound/);
    assert.doesNotMatch(t.task.body, /Dev Deps/);
    assert.equal(t.task.family, 'clampy');
    assert.deepEqual(t.task.keySteps, ['change clamp in index.js']);
    assert.equal(readFileSync(join(t.repoDir, 'index.js'), 'utf8'), LIB_V1);
    assert.equal(readFileSync(join(t.repoDir, 'test/clamp.js'), 'utf8'), TEST_V2);
    assert.equal(readFileSync(join(t.repoDir, 'LICENSE'), 'utf8'), MIT);
    assert.equal(readFileSync(join(t.solutionDir, 'index.js'), 'utf8'), LIB_V2);
    // Metadata comes from the newer release, build output stays the older one's, neither is in solution/.
    assert.match(readFileSync(join(t.repoDir, 'package.json'), 'utf8'), /"version":"1\.0\.1"/);
    assert.match(readFileSync(join(t.repoDir, '.eslintrc'), 'utf8'), /1\.0\.1/);
    assert.match(readFileSync(join(t.repoDir, 'dist/clampy.js'), 'utf8'), /bundle 1\.0\.0/);
    assert.deepEqual(readdirSync(t.solutionDir).sort(), ['CHANGELOG.md', 'index.js']);
    const mined = (JSON.parse(readFileSync(join(t.dir, 'task.json'), 'utf8')) as { mined: Record<string, unknown> }).mined;
    assert.deepEqual([mined.package, mined.from, mined.to, mined.licence], ['clampy', '1.0.0', '1.0.1', 'MIT']);

    // Second run: the task folder is reused, the registry is not asked.
    assert.deepEqual((await materialiseSuite(opts)).map((r) => r.status), ['cached']);
    assert.equal(source.calls.length, 2);
    // Another suite folder, same tarball cache: mined again, still no download.
    assert.deepEqual((await materialiseSuite({ ...opts, outDir: join(root, 'suite2') })).map((r) => r.status), ['materialised']);
    assert.equal(source.calls.length, 2);
    assert.equal(tarballs.fetched, 2);

    const ok = await verifyTask(TASK, 'LICENSE', t.dir, runner);
    assert.deepEqual([ok.ok, ok.before, ok.after], [true, 'fail', 'pass']);
    // A task whose solution no longer passes is caught by verify.
    writeFileSync(join(t.solutionDir, 'index.js'), LIB_V1);
    const bad = await verifyTask(TASK, 'LICENSE', t.dir, runner);
    assert.equal(bad.ok, false);
    assert.match(bad.detail ?? '', /do not pass after the change/);

    // The manifest's facts are checked: a different solution list fails and leaves no task behind.
    const wrong = await materialiseSuite({ ...opts, outDir: join(root, 'suite3'), manifest: manifest({ tasks: [{ ...TASK, solution: ['index.js'] }] }) });
    assert.equal(wrong[0].status, 'failed');
    assert.match(wrong[0].detail ?? '', /differ from the manifest/);
    assert.ok(!existsSync(join(root, 'suite3', TASK.id)));
    // A release the registry does not have: a clear error, nothing lost.
    const missing = await materialiseSuite({ ...opts, outDir: join(root, 'suite4'), manifest: manifest({ tasks: [{ ...TASK, id: 'clampy-1.0.1-1.0.2', from: '1.0.1', to: '1.0.2' }], quick: [] }) });
    assert.match(missing[0].detail ?? '', /Could not fetch clampy@1.0.2/);
  });

  it('skips a release pair under a non-permissive licence, and verify refuses a task without its licence file', async () => {
    const source = fakeSource(packReleases(root, GPL));
    const r = await mineReleasePair({ pkg: PKG, from: '1.0.0', to: '1.0.1', tarballs: tarballCache(join(root, 'tb'), source), outDir: join(root, 'suite'), runner, npmCacheDir: join(root, 'npm') });
    assert.equal(r.status, 'skipped');
    assert.match((r as { reason: string }).reason, /^licence: copyleft/);
    assert.ok(!existsSync(join(root, 'suite', TASK.id)));

    rmSync(join(root, 'registry'), { recursive: true, force: true });
    rmSync(join(root, 'v1'), { recursive: true, force: true });
    rmSync(join(root, 'v2'), { recursive: true, force: true });
    const mit = fakeSource(packReleases(root, MIT));
    const [m] = await materialiseSuite({ manifest: manifest(), outDir: join(root, 'ok'), tarballs: tarballCache(join(root, 'tb2'), mit), runner, npmCacheDir: join(root, 'npm') });
    assert.equal(m.status, 'materialised');
    unlinkSync(join(root, 'ok', TASK.id, 'repo', 'LICENSE'));
    const v = await verifyTask(TASK, 'LICENSE', join(root, 'ok', TASK.id), runner);
    assert.equal(v.ok, false);
    assert.match(v.detail ?? '', /licence: no licence file/);
  });
});

describe('real-history suite: helpers', () => {
  it('reads the release section of a changelog, without upkeep entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sale-changelog-'));
    try {
      writeFileSync(join(dir, 'CHANGELOG.md'), '## [v2.0.1](x) - 2024\n\n### Commits\n\n- [Fix] `parse`: keep [`#12`](u) empty keys [`abc1234`](u)\n- [meta] bump\n\n## [v2.0.0](x)\n- [New] old\n');
      assert.deepEqual(changelogText(dir, 'p', '2.0.1'), { subject: 'p: `parse`: keep empty keys', body: 'Changes wanted in p (release 2.0.1):\n- [Fix] `parse`: keep empty keys' });
      assert.equal(changelogText(dir, 'p', '3.0.0'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the bare packages a folder imports (scoped, subpaths), not relative or node: ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sale-imports-'));
    try {
      mkdirSync(join(dir, 'test'));
      mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
      writeFileSync(join(dir, 'test', 'a.js'), "const t = require('tape');\nconst f = require('for-each/x');\nimport y from '@scope/pkg/sub';\nrequire('./local');\nrequire('node:fs');\n");
      writeFileSync(join(dir, 'node_modules', 'x', 'i.js'), "require('hidden')");
      writeFileSync(join(dir, 'eslint.config.mjs'), "import cfg from '@ljharb/eslint-config';\n");
      assert.deepEqual([...importedPackages(dir)].sort(), ['@scope/pkg', 'for-each', 'tape']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the repository carries no third-party source', () => {
  const root = join(__dirname, '..', '..', '..', '..');
  const tracked = execFileSync('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);

  it('the real-history suite folder holds only its manifest and notes', () => {
    const inSuite = tracked.filter((p) => p.startsWith('bench/real-history/'));
    assert.ok(inSuite.includes('bench/real-history/manifest.json'));
    assert.deepEqual(inSuite.filter((p) => !/^bench\/real-history\/[\w.-]+\.(json|md)$/.test(p)), []);
    assert.deepEqual(readdirSync(join(root, 'bench', 'real-history')).filter((f) => !/\.(json|md)$/.test(f)), []);
  });

  it('no tracked tarball, node_modules or materialised task, and the manifest holds facts, not code', () => {
    assert.deepEqual(tracked.filter((p) => /\.(tgz|tar\.gz)$|(^|\/)node_modules\/|(^|\/)package\/package\.json$/.test(p)), []);
    const m = JSON.parse(readFileSync(join(root, 'bench', 'real-history', 'manifest.json'), 'utf8')) as Manifest;
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(m);
    const code = strings.filter((s) => s.length > 400 || /\bfunction\b|=>|\brequire\(|module\.exports/.test(s));
    assert.deepEqual(code, []);
    // Where a task's files would be if someone copied a materialised task in: not tracked.
    const ids = new Set(parseManifest(m).tasks.map((t) => t.id));
    assert.deepEqual(tracked.filter((p) => p.split('/').some((seg) => ids.has(seg))), []);
  });
});
