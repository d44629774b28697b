/**
 * Red team, issue 9 item 2: file names the agent chose are never read as git pathspecs by `--branch` accept.
 * On 717bf52 `git commit --only -- ':(glob)**'` committed every file, the user's untracked notes included.
 */
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { acceptToBranch } from '../../src/core/git/gitAccept';
import { makeTempDir, removeDir, treeSnapshot, writeTree } from '../unit/helpers/tempRepo';

describe('red team: git pathspecs in --branch accept (item 2)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-rt-pathspec-');
    const git = simpleGit({ baseDir: root });
    await git.init(['-b', 'main']);
    await git.addConfig('user.name', 'User');
    await git.addConfig('user.email', 'user@example.com');
    await writeTree(root, { 'a.txt': 'a\n', 'src/b.js': 'b\n' });
    await git.add('.');
    await git.commit('init');
    // The user's private work: uncommitted change and untracked notes.
    await writeTree(root, { 'a.txt': 'a + private uncommitted edit\n', 'notes/private.md': 'my secret notes\n' });
  });
  afterEach(() => removeDir(root));

  for (const name of [':(glob)**', '*', ':(top)*', ':!x']) {
    it(`a file the agent named ${JSON.stringify(name)} commits only itself`, async () => {
      await fsp.writeFile(path.join(root, name), 'agent file\n');
      const before = await treeSnapshot(root, ['.git']);
      const acc = await acceptToBranch({ root, taskId: 't', files: [name], short: 'x1' });
      const git = simpleGit({ baseDir: root });
      const inCommit = (await git.raw(['diff-tree', '--no-commit-id', '--name-only', '-z', '-r', acc.commit])).split('\0').filter(Boolean);
      assert.deepEqual(inCommit, [name]);
      // The user's work is still uncommitted and untracked, byte for byte.
      assert.deepEqual(await treeSnapshot(root, ['.git']), before);
      const status = await git.raw(['status', '--porcelain', '-z', '--untracked-files=all']);
      assert.match(status, / M a\.txt/);
      assert.match(status, /\?\? notes\/private\.md/);
    });
  }
});
