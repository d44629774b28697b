import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyDir, loadSuite } from '../../../src/core/suite';

function writeTask(root: string, id: string, over: Record<string, unknown> = {}) {
  const dir = join(root, id);
  mkdirSync(join(dir, 'repo', 'src'), { recursive: true });
  mkdirSync(join(dir, 'solution', 'src'), { recursive: true });
  writeFileSync(join(dir, 'repo', 'src', 'a.js'), 'module.exports = 1;\n');
  writeFileSync(join(dir, 'solution', 'src', 'a.js'), 'module.exports = 2;\n');
  const task = { id, title: `Title of ${id}`, body: 'Body.', family: 'fam', minutes: 4, testCommand: 'node --test', keySteps: ['do the thing'], ...over };
  writeFileSync(join(dir, 'task.json'), JSON.stringify(task));
  return dir;
}

describe('sim: task suite loading (src/core/suite.ts)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sale-suite-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads tasks sorted by id with their repo and solution folders, skipping _ and . folders', () => {
    writeTask(root, 'zeta');
    writeTask(root, 'alpha');
    mkdirSync(join(root, '_drafts'));
    writeFileSync(join(root, 'README.md'), 'not a task');
    const s = loadSuite(root);
    assert.deepEqual(s.map((e) => e.task.id), ['alpha', 'zeta']);
    assert.equal(s[0].repoDir, join(root, 'alpha', 'repo'));
    assert.equal(s[0].solutionDir, join(root, 'alpha', 'solution'));
    assert.equal(s[0].task.keySteps[0], 'do the thing');
  });

  it('names the file of an invalid task and the field at fault', () => {
    writeTask(root, 'bad', { minutes: -3 });
    assert.throws(() => loadSuite(root), (e: Error) => e.message.includes(join(root, 'bad', 'task.json')) && e.message.includes('minutes'));
  });

  it('rejects broken JSON, an id that differs from its folder, and a missing solution folder', () => {
    const d = writeTask(root, 'one');
    writeFileSync(join(d, 'task.json'), '{ nope');
    assert.throws(() => loadSuite(root), /not valid JSON/);
    rmSync(d, { recursive: true });
    writeTask(root, 'two', { id: 'other' });
    assert.throws(() => loadSuite(root), /must equal its folder name "two"/);
    rmSync(join(root, 'two'), { recursive: true });
    const t = writeTask(root, 'three');
    rmSync(join(t, 'solution'), { recursive: true });
    assert.throws(() => loadSuite(root), /has no solution\/ folder/);
  });

  it('copyDir copies recursively and keeps file modes', () => {
    const src = join(root, 'src');
    mkdirSync(join(src, 'deep', 'er'), { recursive: true });
    writeFileSync(join(src, 'deep', 'er', 'x.txt'), 'x');
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(src, 'run.sh'), 0o755);
    writeFileSync(join(src, 'ro.txt'), 'ro');
    chmodSync(join(src, 'ro.txt'), 0o444);
    const dst = join(root, 'dst');
    copyDir(src, dst);
    assert.equal(readFileSync(join(dst, 'deep', 'er', 'x.txt'), 'utf8'), 'x');
    assert.equal(statSync(join(dst, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(statSync(join(dst, 'ro.txt')).mode & 0o777, 0o444);
    chmodSync(join(dst, 'ro.txt'), 0o644);
    chmodSync(join(src, 'ro.txt'), 0o644);
  });
});
