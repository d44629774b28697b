import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { ExecToolbox } from '../../../../src/core/execution/execTools';
import { FileJournal } from '../../../../src/core/workspace/fileJournal';
import { approveAll } from '../../helpers/builders';
import { makeTempDir, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

const isPosix = process.platform !== 'win32';

describe('fileJournal: exact restore', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-journal-');
  });
  afterEach(() => removeDir(root));

  it('reverts edits byte for byte (odd bytes, CRLF, no final newline, mode), and removes only what it created', async () => {
    const odd = Buffer.concat([Buffer.from('héllo\r\nwörld\r\n'), Buffer.from([0xff, 0xfe]), Buffer.from('tail without newline')]);
    await writeTree(root, {
      'src/crlf.txt': 'one\r\ntwo\r\nthree',
      'src/odd.dat': odd,
      'src/keep.js': 'untouched\n',
      'scripts/run.sh': '#!/bin/sh\necho hi\n',
      'empty-before/.keep': '',
    });
    if (isPosix) await fsp.chmod(path.join(root, 'scripts/run.sh'), 0o750);
    await fsp.mkdir(path.join(root, 'already-empty'));
    const before = await treeSnapshot(root);

    const journal = await FileJournal.open(root);
    await journal.writeText('src/crlf.txt', 'one\ntwo\n');
    await journal.writeText('src/odd.dat', 'replaced');
    await journal.writeText('scripts/run.sh', '#!/bin/sh\necho changed\n');
    await journal.writeText('scripts/run.sh', 'second write: first prior state must win\n');
    await journal.writeText('new/deep/dir/file.txt', 'created');
    await journal.writeText('already-empty/inner.txt', 'created in a pre-existing empty folder');
    await journal.writeText('src/new.js', 'created next to user files');
    if (isPosix) await fsp.chmod(path.join(root, 'scripts/run.sh'), 0o600);

    assert.deepEqual(await journal.changedFiles(), [
      'already-empty/inner.txt', 'new/deep/dir/file.txt', 'scripts/run.sh', 'src/crlf.txt', 'src/new.js', 'src/odd.dat',
    ]);
    const report = await journal.revert();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.removed, ['already-empty/inner.txt', 'new/deep/dir/file.txt', 'src/new.js']);
    assert.deepEqual(report.removedDirs.sort(), ['new', 'new/deep', 'new/deep/dir']);
    assert.deepEqual(await treeSnapshot(root), before, 'every byte, mode and folder as before');
    assert.deepEqual(await fsp.readdir(path.join(root, 'already-empty')), [], 'pre-existing empty folder kept');
    assert.deepEqual(await journal.changedFiles(), []);
  });

  it('keeps a folder it created when someone else put a file in it, and leaves that file alone', async () => {
    const journal = await FileJournal.open(root);
    await journal.writeText('gen/out.txt', 'agent');
    await fsp.writeFile(path.join(root, 'gen', 'user-note.txt'), 'the user saved this meanwhile');
    const report = await journal.revert();
    assert.deepEqual(report.removed, ['gen/out.txt']);
    assert.deepEqual(report.keptDirs, ['gen']);
    assert.equal(await fsp.readFile(path.join(root, 'gen', 'user-note.txt'), 'utf8'), 'the user saved this meanwhile');
  });

  it('restores a file the agent changed and that was then deleted', async () => {
    await writeTree(root, { 'a.txt': 'original' });
    const before = await treeSnapshot(root);
    const journal = await FileJournal.open(root);
    await journal.writeText('a.txt', 'changed');
    await fsp.unlink(path.join(root, 'a.txt'));
    await journal.revert();
    assert.deepEqual(await treeSnapshot(root), before);
  });

  it('writes through an inside symlink to the real file and restores the real file', async () => {
    await writeTree(root, { 'real/x.txt': 'x' });
    await fsp.symlink(path.join(root, 'real'), path.join(root, 'alias'));
    const before = await treeSnapshot(root);
    const journal = await FileJournal.open(root);
    await journal.writeText('alias/x.txt', 'y');
    assert.deepEqual(await journal.changedFiles(), ['real/x.txt']);
    await journal.revert();
    assert.deepEqual(await treeSnapshot(root), before);
  });

  it('diff() is a unified diff of every change, with creations against /dev/null', async () => {
    await writeTree(root, { 'a.txt': 'one\ntwo\nthree\n' });
    const journal = await FileJournal.open(root);
    await journal.writeText('a.txt', 'one\nTWO\nthree\n');
    await journal.writeText('b/new.txt', 'fresh\n');
    const d = await journal.diff();
    assert.match(d, /--- a\/a\.txt\n\+\+\+ b\/a\.txt\n@@ -1,3 \+1,3 @@\n one\n-two\n\+TWO\n three\n/);
    assert.match(d, /--- \/dev\/null\n\+\+\+ b\/b\/new\.txt\n@@ -0,0 \+1,1 @@\n\+fresh\n/);
    await journal.writeText('a.txt', 'one\ntwo\nthree\n');
    assert.doesNotMatch(await journal.diff(), /a\.txt/, 'a change undone by the agent is no longer in the diff');
    assert.deepEqual(await journal.changedFiles(), ['b/new.txt']);
  });

  it('records and reverts changes made by an approved run_command (modify, create, delete, chmod)', async () => {
    await writeTree(root, { 'a.txt': 'alpha\n', 'gone.txt': 'will be deleted\n', 'bin.dat': randomBytes(4096) });
    const before = await treeSnapshot(root);
    const journal = await FileJournal.open(root);
    const tools = new ExecToolbox({ journal, runner: new ChildProcessCommandRunner(), approver: approveAll, testCommand: 'true' });
    const script = "const fs=require('fs');fs.writeFileSync('a.txt','beta\\n');fs.mkdirSync('made/here',{recursive:true});" +
      "fs.writeFileSync('made/here/x.txt','x');fs.unlinkSync('gone.txt');fs.writeFileSync('bin.dat',Buffer.alloc(10));" +
      (isPosix ? "fs.chmodSync('a.txt',0o700);" : '');
    const r = await tools.call('run_command', JSON.stringify({ command: `node -e "${script}"` }));
    assert.equal(r.ok, true, r.content);
    assert.equal(r.changed, true);
    assert.match(r.content, /Files changed by the command: a\.txt, bin\.dat, gone\.txt, made\/here\/x\.txt/);
    assert.deepEqual(await journal.changedFiles(), ['a.txt', 'bin.dat', 'gone.txt', 'made/here/x.txt']);
    const report = await journal.revert();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(await treeSnapshot(root), before);
  });

  describe('in a real git repository', () => {
    it("run + revert keeps the user's uncommitted, staged, untracked and ignored work exactly", async () => {
      const git = simpleGit({ baseDir: root });
      await git.init();
      await git.addConfig('user.name', 'T');
      await git.addConfig('user.email', 't@example.com');
      await writeTree(root, {
        '.gitignore': 'secrets.env\nbuild/\n',
        'src/app.js': 'v1\n',
        'src/lib.js': 'lib v1\n',
        'README.md': 'readme\n',
      });
      await git.add(['.gitignore', 'src/app.js', 'src/lib.js', 'README.md']);
      await git.commit('init');
      // The user's own work in progress:
      await fsp.writeFile(path.join(root, 'src/app.js'), 'v1 + user uncommitted edit\n'); // modified, unstaged
      await fsp.writeFile(path.join(root, 'README.md'), 'readme staged edit\n');
      await git.add('README.md'); // staged
      await writeTree(root, { 'notes/todo.txt': 'untracked user notes\n', 'secrets.env': 'KEY=1\n', 'build/out.bin': randomBytes(512) });

      const statusBefore = await git.raw(['status', '--porcelain=v1', '--ignored', '-uall']);
      const treeBefore = await treeSnapshot(root, ['.git']);
      const indexBefore = await fsp.readFile(path.join(root, '.git', 'index'));

      const journal = await FileJournal.open(root);
      const tools = new ExecToolbox({ journal, runner: new ChildProcessCommandRunner(), approver: approveAll, testCommand: 'true' });
      // The agent edits the user's modified file, a clean file, creates files, and runs a command.
      assert.equal((await tools.call('edit_file', JSON.stringify({ path: 'src/app.js', search: 'user uncommitted edit', replace: 'agent edit' }))).ok, true);
      assert.equal((await tools.call('write_file', JSON.stringify({ path: 'src/lib.js', content: 'lib v2\n' }))).ok, true);
      assert.equal((await tools.call('write_file', JSON.stringify({ path: 'src/feature/new.js', content: 'new\n' }))).ok, true);
      assert.equal((await tools.call('run_command', JSON.stringify({ command: 'node -e "require(\'fs\').writeFileSync(\'gen.txt\',\'g\')"' }))).ok, true);
      assert.deepEqual(await journal.changedFiles(), ['gen.txt', 'src/app.js', 'src/feature/new.js', 'src/lib.js']);

      await journal.revert();
      // Compared before running git again: `git status` itself may refresh the index's stat cache.
      assert.ok((await fsp.readFile(path.join(root, '.git', 'index'))).equals(indexBefore), 'the git index was not touched');
      assert.deepEqual(await treeSnapshot(root, ['.git']), treeBefore);
      assert.equal(await git.raw(['status', '--porcelain=v1', '--ignored', '-uall']), statusBefore);
    });
  });
});
