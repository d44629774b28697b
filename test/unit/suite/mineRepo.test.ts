import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuiteCommand } from '../../../src/cli/suiteMineCommand';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { loadSuite } from '../../../src/core/suite';
import { cleanSubject, keyStepsFromDiff, taskBody } from '../../../src/suite/minedTaskText';
import { MINE_REPORT, mineRepo } from '../../../src/suite/mineRepo';
import { classifyLicence, isTestPath } from '../../../src/suite/repoFiles';
import { detectTestCommand } from '../../../src/suite/testCommand';
import { TaskIndex } from '../../../src/sim/taskIndex';
import { GPL, MIT, STR_V1, STR_V2, TEST_V2, makeRepo } from '../helpers/historyRepo';

describe('sale suite mine (a git repository built by the test)', function () {
  // Each mined task runs its tests twice (fail before, pass after) in real processes.
  this.timeout(120_000);
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sale-mine-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a qualifying commit becomes a valid task; the others are skipped with their reason', async () => {
    const { repo, shas } = makeRepo(root, MIT);
    const out = join(root, 'suite');
    const outcomes = await mineRepo({ repo, outDir: out, commits: { range: `${shas[0]}..HEAD` }, runner: new ChildProcessCommandRunner() });
    assert.deepEqual(outcomes.map((o) => o.status), ['mined', 'skipped', 'skipped']);
    assert.match((outcomes[1] as { reason: string }).reason, /changes no test file/);
    assert.match((outcomes[2] as { reason: string }).reason, /the tests already pass before the change/);

    const suite = loadSuite(out);
    assert.equal(suite.length, 1);
    const t = suite[0];
    assert.equal(t.task.id, `the-ellipsis-counts-towards-the-length-${shas[1].slice(0, 8)}`);
    assert.equal(t.task.title, 'The ellipsis counts towards the length');
    assert.match(t.task.body, /^Truncating "abcdef" to 4 gives 5 characters\.\n\nThe expected behaviour is described by the test in test\/str\.test\.js/);
    assert.doesNotMatch(t.task.body, /Signed-off-by/);
    assert.equal(t.task.testCommand, 'node --test test/str.test.js');
    assert.deepEqual(t.task.keySteps, ['change truncate in src/str.js']);
    assert.equal(t.task.family, 'strings-lib');
    // repo/ = parent + the new tests; solution/ = the source change; the licence file is kept.
    assert.equal(readFileSync(join(t.repoDir, 'src/str.js'), 'utf8'), STR_V1);
    assert.equal(readFileSync(join(t.repoDir, 'test/str.test.js'), 'utf8'), TEST_V2);
    assert.equal(readFileSync(join(t.repoDir, 'LICENSE'), 'utf8'), MIT);
    assert.equal(readFileSync(join(t.solutionDir, 'src/str.js'), 'utf8'), STR_V2);
    assert.ok(!existsSync(join(t.solutionDir, 'test')));
    // The simulator can serve it (unique title, solution readable).
    assert.equal(new TaskIndex(suite).byTaskTitle(t.task.title)?.task.id, t.task.id);
    const report = JSON.parse(readFileSync(join(out, MINE_REPORT), 'utf8')) as { commits: { status: string }[] };
    assert.equal(report.commits.length, 3);
    // The user's repository is untouched by mining.
    assert.equal(execFileSync('git', ['-C', repo, 'status', '--porcelain'], { encoding: 'utf8' }), '');
  });

  it('the CLI mines single SHAs, keeps tasks already mined, and skips a non-permissive licence', async () => {
    const { repo, shas } = makeRepo(root, MIT);
    const out = join(root, 'suite');
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      assert.equal(await runSuiteCommand(['mine', '--repo', repo, '--out', out, shas[1], shas[2]]), 0);
      assert.equal(await runSuiteCommand(['mine', '--repo', repo, '--out', out, '--commits', shas[1]]), 0);
    } finally {
      process.stdout.write = write;
    }
    assert.match(printed, /mined {3}[0-9a-f]{8} → the-ellipsis/);
    assert.match(printed, /skipped [0-9a-f]{8}: changes no test file/);
    assert.match(printed, /kept {4}[0-9a-f]{8} → the-ellipsis.*already in the suite/);
    assert.equal(loadSuite(out).length, 1);

    const gpl = makeRepo(join(root, 'gpl'), GPL);
    const o = await mineRepo({ repo: gpl.repo, outDir: join(root, 'suite2'), commits: { shas: [gpl.shas[1]] }, runner: new ChildProcessCommandRunner() });
    assert.equal(o[0].status, 'skipped');
    assert.match((o[0] as { reason: string }).reason, /licence: copyleft or source-available licence \(GNU GENERAL PUBLIC LICENSE\)/);
    assert.ok(!existsSync(join(root, 'suite2', 'x')));
  });
});

describe('mining helpers', () => {
  it('test paths, licences, subjects and bodies', () => {
    for (const p of ['test/a.js', 'src/__tests__/a.ts', 'lib/a.test.mjs', 'tests/test_x.py', 'pkg/x_test.go', 'spec/x.rb']) assert.ok(isTestPath(p), p);
    for (const p of ['src/a.js', 'lib/testing.js', 'index.js', 'contest.py']) assert.ok(!isTestPath(p), p);
    assert.deepEqual(classifyLicence(MIT), { permissive: true, name: 'MIT' });
    assert.equal(classifyLicence(undefined).permissive, false);
    assert.equal(classifyLicence('All rights reserved.').permissive, false);
    assert.equal(cleanSubject('feat(parser)!: Support  quoted fields (#45)'), 'Support  quoted fields');
    assert.equal(cleanSubject('[core] fix crash on empty input.'), 'Fix crash on empty input');
    assert.match(taskBody('fix: x', '', ['a.test.js', 'b.test.js']), /^X\.\n\nThe expected behaviour is described by the tests in a\.test\.js, b\.test\.js, which currently fail\./);
  });

  it('key steps name the functions a diff touches, and new files', () => {
    const before = 'function a() {\n  return 1;\n}\n\nconst b = (x) => {\n  return x;\n};\n';
    const after = 'function a() {\n  return 2;\n}\n\nconst b = (x) => {\n  return x + 1;\n};\n';
    assert.deepEqual(keyStepsFromDiff([{ path: 'src/m.js', before, after }, { path: 'src/n.js', before: undefined, after: 'function helper() {}\n' }]),
      ['change a, b in src/m.js', 'create src/n.js, with helper']);
  });

  it('the test command is detected and narrowed to the changed tests where the runner allows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sale-detect-'));
    try {
      const pkg = (test: string) => writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test } }));
      pkg('mocha --recursive test/');
      assert.deepEqual(detectTestCommand(dir, ['test/a.test.js']), { command: 'node_modules/.bin/mocha --recursive test/a.test.js', runner: 'mocha', narrowed: true });
      pkg('mocha --require ts-node/register');
      assert.equal(detectTestCommand(dir, ['test/a.test.js'])?.command, 'npm test --silent');
      pkg('jest');
      assert.equal(detectTestCommand(dir, ['a.test.js'])?.command, 'node_modules/.bin/jest a.test.js');
      pkg('eslint . && node --test');
      assert.equal(detectTestCommand(dir, ['test/a.test.js'])?.runner, 'npm');
      rmSync(join(dir, 'package.json'));
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.pytest.ini_options]\n');
      assert.equal(detectTestCommand(dir, ['tests/test_x.py'])?.command, 'python3 -m pytest -q tests/test_x.py');
      assert.equal(detectTestCommand(dir, ['README.md']), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
