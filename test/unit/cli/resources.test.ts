import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDir, loadSuite } from '../../../src/core/suite';
import { defaultSuiteDir } from '../../../src/cli/resources';

const root = join(__dirname, '..', '..', '..');

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(join(dir, d), { withFileTypes: true })) {
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.set(rel, readFileSync(join(dir, rel)).toString('base64'));
    }
  };
  walk('');
  return out;
}

function sale(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000, maxBuffer: 20e6 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('sale CLI (real processes, simulated pool, real test runs)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('solve --yes runs auction and execution; a pass leaves the fix, a failure restores every byte', async () => {
    const entry = loadSuite(defaultSuiteDir()).find((e) => e.task.id === 'str-truncate-length')!;
    const repo = join(dir, 'repo');
    copyDir(entry.repoDir, repo);
    const before = snapshot(repo);
    const r = await sale(['solve', '--task-file', join(entry.dir, 'task.json'), '--repo', repo, '--memory', join(dir, 'm.jsonl'), '--yes', '--json', '--seed', '4']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.simulated, true);
    assert.equal(out.auction.bids.filter((b: { refined: boolean }) => !b.refined).length, 4);
    assert.ok(out.execution.final.lastTest, 'a real test run happened');
    assert.equal(r.code, out.passed ? 0 : 1);
    const after = snapshot(repo);
    const changed: string[] = out.execution.final.filesChanged;
    if (out.passed) {
      assert.equal(out.execution.final.lastTest.exitCode, 0);
      assert.ok(changed.length > 0);
    } else {
      assert.equal(out.reverted, true);
      assert.deepEqual(after, before, 'a failed attempt is restored byte for byte');
    }
    // Files the agent did not change are byte-identical either way.
    for (const [f, bytes] of before) if (!changed.includes(f)) assert.equal(after.get(f), bytes, f);
    const mem = readFileSync(join(dir, 'm.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(mem.at(-1).outcome.passed, out.passed);
  });

  it('a failed execution (smallest agent, hardest task, no escalation) is reverted byte for byte', async () => {
    const entry = loadSuite(defaultSuiteDir()).find((e) => e.task.id === 'route-middleware-groups')!;
    const repo = join(dir, 'repo');
    copyDir(entry.repoDir, repo);
    const before = snapshot(repo);
    const r = await sale(['solve', '--task-file', join(entry.dir, 'task.json'), '--repo', repo, '--memory', join(dir, 'm.jsonl'), '--agent', 'sim-qwen3-4b', '--no-escalation', '--json', '--seed', '3']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.passed, false, 'the simulated smallest agent fails this bin-5 task with this seed');
    assert.equal(out.overridden, true);
    assert.equal(out.execution.attempts.length, 1);
    assert.ok(out.execution.final.filesChanged.length > 0, 'it did change files before failing');
    assert.notEqual(out.execution.final.lastTest.exitCode, 0);
    assert.equal(out.reverted, true);
    assert.equal(r.code, 1);
    assert.deepEqual(snapshot(repo), before);
  });

  it('gives clear errors: misspelt pool field, missing repo, review without a terminal', async () => {
    const pool = join(dir, 'pool.json');
    writeFileSync(pool, JSON.stringify({ agents: [{ id: 'a', provider: 'sim', model: 'a', prices: {} }] }));
    const task = join(dir, 't.md');
    writeFileSync(task, '# Fix it\nplease');
    const a = await sale(['auction', '--task-file', task, '--repo', dir, '--pool', pool]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /Invalid pool file[\s\S]*agents\.0/);
    const b = await sale(['auction', '--task-file', task, '--repo', join(dir, 'nope')]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--repo .*nope: no such folder/);
    const c = await sale(['solve', '--task-file', task, '--repo', dir, '--memory', join(dir, 'm.jsonl')]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /pass --yes/);
    const d = await sale(['frobnicate']);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /unknown command "frobnicate"/);
  });
});
