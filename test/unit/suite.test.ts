/**
 * Checks the task suite in test/fixtures/suite (DESIGN.md section 5, "Task suite").
 *
 * For every task folder: task.json is well formed, the starting repository's tests fail,
 * and the repository with solution/ laid over it passes. The suite as a whole must cover
 * every complexity bin, several families, and exactly one Python task.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SUITE_DIR = path.resolve(__dirname, '..', 'fixtures', 'suite');
const RUN_TIMEOUT_MS = 30_000;
const OUTPUT_TAIL_CHARS = 6_000;

interface SuiteTask {
  id: string;
  title: string;
  body: string;
  family: string;
  minutes: number;
  testCommand: string;
  keySteps: string[];
}

interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
  output: string;
}

/** Complexity bin by estimated human minutes: 1–4, 5–14, 15–29, 30–59, 60+. */
function binOf(minutes: number): number {
  if (minutes < 5) return 1;
  if (minutes < 15) return 2;
  if (minutes < 30) return 3;
  if (minutes < 60) return 4;
  return 5;
}

function isPythonTask(task: SuiteTask): boolean {
  return /^python3?\s/.test(task.testCommand);
}

function taskDirs(): string[] {
  return fs
    .readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function readTask(dir: string): SuiteTask {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(SUITE_DIR, dir, 'task.json'), 'utf8'));
  assert.ok(raw !== null && typeof raw === 'object' && !Array.isArray(raw), `${dir}/task.json is not an object`);
  return raw as SuiteTask;
}

/** All file paths under root, relative to it, with forward slashes. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childRel);
      else out.push(childRel);
    }
  };
  walk('');
  return out.sort();
}

function validateTask(dir: string, task: SuiteTask): void {
  const where = `${dir}/task.json`;
  for (const field of ['id', 'title', 'body', 'family', 'testCommand'] as const) {
    assert.equal(typeof task[field], 'string', `${where}: "${field}" must be a string`);
    assert.ok(task[field].trim().length > 0, `${where}: "${field}" must not be empty`);
  }
  assert.equal(task.id, dir, `${where}: id must equal the folder name`);
  assert.match(task.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${where}: id must be kebab-case`);
  assert.ok(typeof task.minutes === 'number' && Number.isFinite(task.minutes) && task.minutes > 0, `${where}: minutes must be > 0`);
  assert.ok(Array.isArray(task.keySteps) && task.keySteps.length > 0, `${where}: keySteps must be a non-empty array`);
  for (const step of task.keySteps) {
    assert.ok(typeof step === 'string' && step.trim().length > 0, `${where}: every key step must be a non-empty string`);
    const words = step.trim().split(/\s+/).length;
    assert.ok(words >= 4 && words <= 9, `${where}: key step "${step}" has ${words} words, expected 4–9`);
  }
  const bin = binOf(task.minutes);
  if (bin === 1) assert.equal(task.keySteps.length, 2, `${where}: bin-1 tasks have 2 key steps`);
  if (bin === 5) assert.ok(task.keySteps.length >= 5 && task.keySteps.length <= 7, `${where}: bin-5 tasks have 5–7 key steps`);

  const repoDir = path.join(SUITE_DIR, dir, 'repo');
  const solutionDir = path.join(SUITE_DIR, dir, 'solution');
  assert.ok(fs.statSync(repoDir, { throwIfNoEntry: false })?.isDirectory(), `${dir}: repo/ is missing`);
  assert.ok(fs.statSync(solutionDir, { throwIfNoEntry: false })?.isDirectory(), `${dir}: solution/ is missing`);

  const repoFiles = listFiles(repoDir);
  if (isPythonTask(task)) {
    assert.ok(!repoFiles.includes('package.json'), `${dir}: a Python task has no package.json`);
    assert.ok(repoFiles.some((f) => /^tests\/test_[^/]+\.py$/.test(f)), `${dir}: expected tests/test_*.py`);
    assert.ok(repoFiles.some((f) => /^pkg\/[^/]+\.py$/.test(f)), `${dir}: expected pkg/*.py`);
  } else {
    assert.ok(repoFiles.includes('package.json'), `${dir}: repo/package.json is missing`);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof pkg.name, 'string', `${dir}: package.json needs a name`);
    assert.equal(pkg.dependencies, undefined, `${dir}: package.json must not have dependencies`);
    assert.equal(pkg.devDependencies, undefined, `${dir}: package.json must not have devDependencies`);
    assert.ok(repoFiles.some((f) => /^test\/[^/]+\.test\.js$/.test(f)), `${dir}: expected test/*.test.js`);
    assert.ok(repoFiles.some((f) => f.startsWith('src/')), `${dir}: expected sources under src/`);
  }

  const solutionFiles = listFiles(solutionDir);
  assert.ok(solutionFiles.length > 0, `${dir}: solution/ is empty`);
  for (const file of solutionFiles) {
    const original = path.join(repoDir, file);
    if (fs.existsSync(original)) {
      assert.notEqual(
        fs.readFileSync(path.join(solutionDir, file), 'utf8'),
        fs.readFileSync(original, 'utf8'),
        `${dir}: solution/${file} is identical to repo/${file}`,
      );
    }
  }
  if (bin === 1) assert.equal(solutionFiles.length, 1, `${dir}: a bin-1 fix changes one file`);
  if (bin === 5) assert.ok(solutionFiles.length >= 3, `${dir}: a bin-5 feature changes or adds at least 3 files`);
}

function runTestCommand(cwd: string, command: string): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Keep the task's own runner independent of how this mocha process was started.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  env.PYTHONDONTWRITEBYTECODE = '1';
  const result = spawnSync(command, {
    cwd,
    env,
    shell: true,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  return {
    status: result.status,
    signal: result.signal,
    error: result.error,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
  };
}

function describeRun(label: string, run: RunResult): string {
  const tail = run.output.length > OUTPUT_TAIL_CHARS ? `…${run.output.slice(-OUTPUT_TAIL_CHARS)}` : run.output;
  const how = run.error ? `error ${run.error.message}` : run.signal ? `signal ${run.signal}` : `exit code ${run.status}`;
  return `${label}: ${how}\n----- output -----\n${tail}\n------------------`;
}

describe('task suite (test/fixtures/suite)', function () {
  const dirs = taskDirs();
  const tasks = new Map<string, SuiteTask>();
  for (const dir of dirs) {
    try {
      tasks.set(dir, readTask(dir));
    } catch {
      // Reported by the task's own test below.
    }
  }

  it('has at least 30 tasks, at least 6 per complexity bin', function () {
    assert.ok(dirs.length >= 30, `expected at least 30 tasks, found ${dirs.length}`);
    const perBin = new Map<number, string[]>();
    for (const [dir, task] of tasks) {
      const bin = binOf(task.minutes);
      perBin.set(bin, [...(perBin.get(bin) ?? []), dir]);
    }
    for (let bin = 1; bin <= 5; bin++) {
      const members = perBin.get(bin) ?? [];
      assert.ok(members.length >= 6, `bin ${bin} has ${members.length} tasks (${members.join(', ')}), expected at least 6`);
    }
  });

  it('has exactly one Python task, outside bin 1', function () {
    const python = [...tasks.values()].filter(isPythonTask);
    assert.equal(python.length, 1, `Python tasks: ${python.map((t) => t.id).join(', ') || 'none'}`);
    assert.ok(binOf(python[0].minutes) >= 2, `${python[0].id} must be in bin 2 or higher`);
  });

  it('groups tasks into families of at least 3 tasks spanning several bins', function () {
    const families = new Map<string, SuiteTask[]>();
    for (const task of tasks.values()) {
      families.set(task.family, [...(families.get(task.family) ?? []), task]);
    }
    assert.ok(families.size >= 5, `expected at least 5 families, found ${[...families.keys()].join(', ')}`);
    for (const [family, members] of families) {
      assert.ok(members.length >= 3, `family ${family} has only ${members.length} tasks`);
      const bins = new Set(members.map((t) => binOf(t.minutes)));
      assert.ok(bins.size >= 3, `family ${family} spans only bins ${[...bins].join(', ')}`);
    }
  });

  for (const dir of dirs) {
    it(`${dir}: repo fails, repo + solution passes`, function () {
      this.timeout(4 * RUN_TIMEOUT_MS);
      const task = tasks.get(dir) ?? readTask(dir);
      validateTask(dir, task);

      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `sale-suite-${dir}-`));
      try {
        fs.cpSync(path.join(SUITE_DIR, dir, 'repo'), workDir, { recursive: true });
        const before = runTestCommand(workDir, task.testCommand);
        assert.ok(!before.error && before.signal === null, describeRun(`${dir}: starting repo did not finish`, before));
        assert.notEqual(before.status, 0, describeRun(`${dir}: tests of the starting repo should fail`, before));

        fs.cpSync(path.join(SUITE_DIR, dir, 'solution'), workDir, { recursive: true, force: true });
        const after = runTestCommand(workDir, task.testCommand);
        assert.equal(after.status, 0, describeRun(`${dir}: tests should pass with the solution`, after));
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    });
  }
});
