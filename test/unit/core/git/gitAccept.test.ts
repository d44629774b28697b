import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { runEditTestLoop } from '../../../../src/core/execution/editLoop';
import { FileJournal } from '../../../../src/core/workspace/fileJournal';
import { acceptToBranch } from '../../../../src/core/git/gitAccept';
import { agent, approveAll, task } from '../../helpers/builders';
import { call, FakeChatModel } from '../../helpers/fakeChatModel';
import { makeTempDir, NODE_REPO, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

describe('acceptToBranch (real git)', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-accept-');
  });
  afterEach(() => removeDir(root));

  async function userRepo() {
    const git = simpleGit({ baseDir: root });
    await git.init(['-b', 'main']);
    await git.addConfig('user.name', 'User');
    await git.addConfig('user.email', 'user@example.com');
    await writeTree(root, { ...NODE_REPO, '.gitignore': 'local.env\nbuild/\n', 'README.md': 'readme\n', 'docs/guide.md': 'guide\n' });
    await git.add('.');
    await git.commit('init');
    // The user's own work in progress, which must stay exactly as it is:
    await fsp.writeFile(path.join(root, 'README.md'), 'readme + uncommitted user edit\n'); // modified, unstaged
    await fsp.writeFile(path.join(root, 'docs/guide.md'), 'guide + staged user edit\n');
    await git.add('docs/guide.md'); // staged
    await writeTree(root, { 'scratch/ideas.txt': 'untracked\n', 'local.env': 'TOKEN=x\n', 'build/out.bin': randomBytes(256) });
    return git;
  }

  it('commits only the agent\'s files on sale/<task>-<short>; the user\'s other work stays uncommitted and untouched', async () => {
    const git = await userRepo();
    const headBefore = (await git.revparse(['HEAD'])).trim();
    // The agent works through the real loop (edit + new file), and the tests pass.
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('edit_file', { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' }), call('write_file', { path: 'src/util/log.js', content: 'module.exports = {};\n' })] },
      { toolCalls: [call('run_tests', {}), call('finish', { summary: 'fixed' })] },
    ]);
    const journal = await FileJournal.open(root);
    const r = await runEditTestLoop({
      model, agentId: 'small', task: task(), plan: 'p', root, runner: new ChildProcessCommandRunner(), approver: approveAll, journal,
      budget: { maxTurns: 5, maxTokens: 1e6, maxUsd: 1 },
    });
    assert.equal(r.passed, true);
    const treeBefore = await treeSnapshot(root, ['.git']);

    const acc = await acceptToBranch({ root, taskId: 'Add Fix #12', files: r.filesChanged, short: 'ab12cd' });
    assert.equal(acc.branch, 'sale/add-fix-12-ab12cd');
    assert.equal(acc.previousBranch, 'main');
    assert.deepEqual(acc.committed.sort(), ['src/add.js', 'src/util/log.js']);
    assert.equal((await git.raw(['symbolic-ref', '--short', 'HEAD'])).trim(), acc.branch);
    // The commit holds exactly the agent's files, on top of the user's HEAD.
    assert.equal((await git.raw(['rev-parse', `${acc.commit}^`])).trim(), headBefore);
    const inCommit = (await git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', acc.commit])).trim().split('\n').sort();
    assert.deepEqual(inCommit, ['src/add.js', 'src/util/log.js']);
    assert.match(await git.raw(['show', `${acc.commit}:src/add.js`]), /return a \+ b;/);
    // Nothing in the working tree moved, and the user's changes are still uncommitted exactly as before.
    assert.deepEqual(await treeSnapshot(root, ['.git']), treeBefore);
    const status = await git.raw(['status', '--porcelain=v1', '--ignored', '-uall']);
    assert.equal(status, [' M README.md', 'M  docs/guide.md', '?? scratch/ideas.txt', '!! build/out.bin', '!! local.env', ''].join('\n'));
    assert.equal(await git.raw(['show', ':docs/guide.md']), 'guide + staged user edit\n', 'the staged edit is still staged');
    // main did not move.
    assert.equal((await git.revparse(['main'])).trim(), headBefore);
  });

  it('skips files git ignores, and refuses clearly when there is nothing to commit or no repository', async () => {
    const git = await userRepo();
    const journal = await FileJournal.open(root);
    await journal.writeText('build/generated.js', 'x');
    await journal.writeText('src/add.js', 'module.exports = { add: (a, b) => a + b };\n');
    const acc = await acceptToBranch({ root, taskId: 't', files: await journal.changedFiles() });
    assert.deepEqual(acc.committed, ['src/add.js']);
    assert.deepEqual(acc.skippedIgnored, ['build/generated.js']);
    assert.match(acc.branch, /^sale\/t-[0-9a-f]{6}$/);
    await assert.rejects(acceptToBranch({ root, taskId: 't2', files: [] }), /Nothing to accept/);
    await assert.rejects(acceptToBranch({ root, taskId: 't3', files: ['build/generated.js'] }), /ignored by git/);
    await assert.rejects(acceptToBranch({ root, taskId: 't', files: ['src/add.js'], short: acc.branch.split('-').pop() }), /already exists/);
    assert.ok(git);

    const plain = await makeTempDir('sale-nogit-');
    try {
      await writeTree(plain, { 'a.txt': 'a' });
      await assert.rejects(acceptToBranch({ root: plain, taskId: 't', files: ['a.txt'] }), /not inside a git repository/);
    } finally {
      await removeDir(plain);
    }
  });

  it('works from a workspace folder inside a larger repository', async () => {
    const git = simpleGit({ baseDir: root });
    await git.init(['-b', 'main']);
    await git.addConfig('user.name', 'U');
    await git.addConfig('user.email', 'u@example.com');
    await writeTree(root, { 'pkg/app/a.js': 'a\n', 'other/b.js': 'b\n' });
    await git.add('.');
    await git.commit('init');
    await fsp.writeFile(path.join(root, 'other/b.js'), 'b user edit\n');
    const ws = path.join(root, 'pkg', 'app');
    const journal = await FileJournal.open(ws);
    await journal.writeText('a.js', 'a2\n');
    const acc = await acceptToBranch({ root: ws, taskId: 'sub', files: await journal.changedFiles(), short: 'x' });
    assert.deepEqual(acc.committed, ['pkg/app/a.js']);
    assert.equal((await git.raw(['status', '--porcelain=v1'])), ' M other/b.js\n');
  });

  it('when the commit fails (a pre-commit hook refuses), returns to the previous branch and leaves everything as it was', async function () {
    if (process.platform === 'win32') this.skip();
    const git = await userRepo();
    await fsp.writeFile(path.join(root, '.git/hooks/pre-commit'), '#!/bin/sh\necho "hook says no" >&2\nexit 1\n', { mode: 0o755 });
    const journal = await FileJournal.open(root);
    await journal.writeText('src/new.js', 'x\n');
    const statusBefore = await git.raw(['status', '--porcelain=v1', '--ignored', '-uall']);
    const treeBefore = await treeSnapshot(root, ['.git']);
    await assert.rejects(acceptToBranch({ root, taskId: 'hooked', files: await journal.changedFiles(), short: 'h' }), /Could not commit/);
    assert.equal((await git.raw(['symbolic-ref', '--short', 'HEAD'])).trim(), 'main');
    assert.equal((await git.raw(['branch', '--list', 'sale/*'])).trim(), '');
    assert.equal(await git.raw(['status', '--porcelain=v1', '--ignored', '-uall']), statusBefore);
    assert.deepEqual(await treeSnapshot(root, ['.git']), treeBefore);
  });
});
