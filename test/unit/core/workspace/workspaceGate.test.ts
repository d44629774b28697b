import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ExecToolbox } from '../../../../src/core/execution/execTools';
import { FileJournal } from '../../../../src/core/workspace/fileJournal';
import { BinaryFileError, PathRefusedError, WorkspaceGate } from '../../../../src/core/workspace/workspaceGate';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { approveNone } from '../../helpers/builders';
import { makeTempDir, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

describe('workspaceGate', () => {
  let base: string;
  let root: string;
  let outside: string;
  let gate: WorkspaceGate;

  beforeEach(async () => {
    base = await makeTempDir('sale-gate-');
    root = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    await writeTree(root, { 'src/a.js': 'a\n', 'README.md': 'hi\n' });
    await writeTree(outside, { 'secret.txt': 'SECRET\n' });
    await fsp.mkdir(path.join(root, '.git'));
    await fsp.writeFile(path.join(root, '.git', 'config'), '[core]\n');
    gate = await WorkspaceGate.open(root);
  });
  afterEach(() => removeDir(base));

  const refused = async (p: string, re?: RegExp) => {
    await assert.rejects(gate.resolve(p), (e: unknown) => {
      assert.ok(e instanceof PathRefusedError, `expected PathRefusedError for ${p}, got ${e}`);
      if (re) assert.match((e as Error).message, re);
      return true;
    });
  };

  it('resolves ordinary relative paths, existing or new', async () => {
    assert.deepEqual(await gate.resolve('src/a.js'), { abs: path.join(root, 'src/a.js'), rel: 'src/a.js', exists: true });
    const n = await gate.resolve('./src/new/dir/b.js');
    assert.equal(n.rel, 'src/new/dir/b.js');
    assert.equal(n.exists, false);
    assert.equal((await gate.resolve('src/../README.md')).rel, 'README.md');
  });

  it('refuses .. escapes, absolute paths, home paths, NUL and the bare root', async () => {
    await refused('../outside/secret.txt', /outside the repository/);
    await refused('src/../../outside/secret.txt', /outside/);
    await refused('..', /outside/);
    await refused(path.join(outside, 'secret.txt'), /absolute/);
    await refused('/etc/passwd', /absolute/);
    await refused('C:\\Windows\\win.ini', /absolute/);
    await refused('\\\\server\\share\\x', /absolute/);
    await refused('~/.ssh/id_rsa', /home/);
    await refused('src/a.js\0.txt', /NUL/);
    await refused('', /file path is needed/);
    assert.equal((await gate.resolve('.', { allowRoot: true })).rel, '.');
  });

  it('refuses .git internals, directly or in any case', async () => {
    await refused('.git/config', /\.git/);
    await refused('.GIT/config', /\.git/);
    await refused('sub/.git/hooks/pre-commit', /\.git/);
    await refused('.git', /\.git/);
  });

  it('refuses a symlinked file that points outside', async () => {
    await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    await refused('link.txt', /symbolic link/);
  });

  it('refuses paths through a symlinked folder that leads outside, for reading and for new files', async () => {
    await fsp.symlink(outside, path.join(root, 'out'));
    await refused('out/secret.txt', /symbolic link/);
    await refused('out/new.txt', /symbolic link/);
    await refused('out/deeper/new.txt', /symbolic link/);
  });

  it('refuses dangling symlinks (writing through one would create a file wherever it points)', async () => {
    await fsp.symlink(path.join(outside, 'not-there.txt'), path.join(root, 'dangling.txt'));
    await refused('dangling.txt', /does not exist/);
  });

  it('refuses an inside symlink that resolves into .git', async () => {
    await fsp.symlink(path.join(root, '.git'), path.join(root, 'g'));
    await refused('g/config', /\.git/);
  });

  it('allows symlinks that stay inside, and resolves them to the real file', async () => {
    await fsp.symlink(path.join(root, 'src'), path.join(root, 'alias'));
    const g = await gate.resolve('alias/a.js');
    assert.equal(g.rel, 'src/a.js');
    assert.equal(g.abs, path.join(root, 'src/a.js'));
  });

  it('works when the root itself is reached through a symlink', async () => {
    await fsp.symlink(root, path.join(base, 'ws-link'));
    const g2 = await WorkspaceGate.open(path.join(base, 'ws-link'));
    assert.equal(g2.root, root);
    assert.equal((await g2.resolve('src/a.js')).abs, path.join(root, 'src/a.js'));
    await assert.rejects(g2.resolve('../outside/secret.txt'), PathRefusedError);
  });

  it('does not read binary files, and reads huge files only up to the cap', async () => {
    await fsp.writeFile(path.join(root, 'img.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
    await assert.rejects(gate.readText('img.bin'), BinaryFileError);
    const small = await WorkspaceGate.open(root, { maxReadBytes: 1000 });
    await fsp.writeFile(path.join(root, 'big.txt'), 'x'.repeat(50_000));
    const r = await small.readText('big.txt');
    assert.equal(r.text.length, 1000);
    assert.equal(r.truncated, true);
    assert.equal(r.totalBytes, 50_000);
  });

  it('does not block on a FIFO', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    await assert.rejects(gate.readText('pipe'), /not a regular file/);
  });

  it('through the tools: no escape writes or reads anything outside, and the model gets the refusal', async () => {
    await fsp.symlink(outside, path.join(root, 'out'));
    await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    const before = await treeSnapshot(outside);
    const journal = new FileJournal(gate);
    const tools = new ExecToolbox({ journal, runner: new ChildProcessCommandRunner(), approver: approveNone, testCommand: 'true' });
    const attempts: [string, unknown][] = [
      ['write_file', { path: '../outside/pwn.txt', content: 'x' }],
      ['write_file', { path: path.join(outside, 'pwn.txt'), content: 'x' }],
      ['write_file', { path: 'out/pwn.txt', content: 'x' }],
      ['write_file', { path: 'link.txt', content: 'x' }],
      ['edit_file', { path: 'link.txt', search: 'SECRET', replace: 'x' }],
      ['edit_file', { path: 'out/secret.txt', search: 'SECRET', replace: 'x' }],
      ['write_file', { path: '.git/hooks/post-checkout', content: '#!/bin/sh\n' }],
      ['read_file', { path: 'out/secret.txt' }],
      ['read_file', { path: '../outside/secret.txt' }],
      ['list_files', { path: 'out' }],
      ['search', { query: 'SECRET', path: 'out' }],
    ];
    for (const [tool, args] of attempts) {
      const r = await tools.call(tool, JSON.stringify(args));
      assert.equal(r.ok, false, `${tool} ${JSON.stringify(args)} should be refused`);
      assert.match(r.content, /Path refused/);
      assert.doesNotMatch(r.content, /SECRET\n/);
    }
    // A repo-wide search does not follow the symlinks either.
    const s = await tools.call('search', JSON.stringify({ query: 'SECRET' }));
    assert.match(s.content, /No matches/);
    assert.deepEqual(await treeSnapshot(outside), before);
    assert.deepEqual(await journal.changedFiles(), []);
    assert.equal(await fsp.readFile(path.join(root, '.git', 'config'), 'utf8'), '[core]\n');
    await assert.rejects(fsp.access(path.join(root, '.git', 'hooks')));
  });
});
