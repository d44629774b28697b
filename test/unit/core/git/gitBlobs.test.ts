import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { cleanTrackedBlobs, gitBlobId, gitIndexStamp, readGitBlob } from '../../../../src/core/git/gitBlobs';
import { FileJournal } from '../../../../src/core/workspace/fileJournal';
import { JournalStore } from '../../../../src/core/workspace/journalStore';
import { recoverJournals } from '../../../../src/core/workspace/journalRecovery';
import { TreeSnapshotter } from '../../../../src/core/workspace/treeSnapshot';
import { makeTempDir, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

const BIG = 'x'.repeat(512 * 1024);

describe('gitBlobs: the snapshot names git blobs for clean tracked files, copies the rest', function () {
  this.timeout(60_000);
  let dir: string;
  let root: string;
  const git = (...a: string[]) => execFileSync('git', a, { cwd: root, stdio: 'pipe' }).toString();
  beforeEach(async () => {
    dir = await makeTempDir('sale-gitblobs-');
    root = path.join(dir, 'repo');
    await writeTree(root, {
      'clean.txt': BIG, 'dirty.txt': 'committed\n', 'assumed.txt': 'committed\n', 'lfs.bin': 'pointer\n', 'crlf.txt': 'a\nb\n',
      '.gitattributes': 'lfs.bin filter=lfs\ncrlf.txt text eol=lf\n', 'sub/deep.js': 'module.exports = 1;\n',
    });
    root = await fsp.realpath(root);
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=u', '-c', 'user.email=u@example.com', 'add', '.');
    git('-c', 'user.name=u', '-c', 'user.email=u@example.com', 'commit', '-q', '-m', 'init');
    await fsp.writeFile(path.join(root, 'dirty.txt'), 'my uncommitted edit\n');
    git('update-index', '--assume-unchanged', 'assumed.txt');
    await fsp.writeFile(path.join(root, 'assumed.txt'), 'edited behind git\'s back\n');
    await fsp.writeFile(path.join(root, 'crlf.txt'), 'a\r\nb\r\n'); // git calls it clean (eol conversion); the bytes differ
    await fsp.writeFile(path.join(root, 'notes.md'), 'untracked\n');
  });
  afterEach(() => removeDir(dir));

  const sizes = async (rels: string[]) => new Map(await Promise.all(rels.map(async (r) => [r, (await fsp.stat(path.join(root, r))).size] as [string, number])));

  it('only files whose working bytes git holds exactly: not dirty, assume-unchanged, filtered, converted or untracked', async () => {
    const all = ['clean.txt', 'dirty.txt', 'assumed.txt', 'lfs.bin', 'crlf.txt', '.gitattributes', 'sub/deep.js', 'notes.md'];
    const stamp = await gitIndexStamp(root);
    const ids = await cleanTrackedBlobs(root, await sizes(all), stamp);
    assert.deepEqual([...ids.keys()].sort(), ['.gitattributes', 'clean.txt', 'sub/deep.js']);
    assert.equal(ids.get('clean.txt'), git('rev-parse', 'HEAD:clean.txt').trim());
    // Not the top of the work tree: nothing (the caller copies).
    assert.equal((await cleanTrackedBlobs(path.join(root, 'sub'), new Map([['deep.js', 20]]), await gitIndexStamp(path.join(root, 'sub')))).size, 0);
    assert.equal((await cleanTrackedBlobs(dir, new Map([['repo/clean.txt', BIG.length]]), await gitIndexStamp(dir))).size, 0, 'not a git repository');
    // The index rewritten since the task began (a command could forge entries): git is not trusted, all is copied.
    git('add', 'dirty.txt');
    assert.equal((await cleanTrackedBlobs(root, await sizes(all), stamp)).size, 0);
    assert.ok((await cleanTrackedBlobs(root, await sizes(all), await gitIndexStamp(root))).size > 0);
  });

  it('reading back checks the blob id and length', async () => {
    const id = git('rev-parse', 'HEAD:clean.txt').trim();
    assert.equal((await readGitBlob(root, id, BIG.length)).toString(), BIG);
    assert.equal(gitBlobId(Buffer.from(BIG), 40), id);
    await assert.rejects(readGitBlob(root, id, BIG.length - 1), /damaged/);
    await assert.rejects(readGitBlob(root, 'f'.repeat(40), 3), /cannot be read/);
  });

  it('a test run that clobbers everything is put back byte for byte, without copying the clean file', async () => {
    const base = path.join(dir, 'journal');
    const before = await treeSnapshot(root, ['.git']);
    const journal = await FileJournal.open(root, { baseDir: base, snapshotGitMinBytes: 0 });
    const clobber = async () => {
      for (const f of ['clean.txt', 'dirty.txt', 'assumed.txt', 'crlf.txt', 'notes.md', 'sub/deep.js']) await fsp.writeFile(path.join(root, f), 'clobbered');
      await fsp.rm(path.join(root, 'lfs.bin'));
    };
    const { account } = await journal.runAccounted('npm test', 'restore', clobber);
    assert.deepEqual(account.errors, []);
    assert.deepEqual(account.notRevertible, []);
    assert.deepEqual(await treeSnapshot(root, ['.git']), before, 'every byte back');
    const packs = path.join(journal.store.dir!, 'packs');
    let packed = 0;
    for (const p of await fsp.readdir(packs)) packed += (await fsp.stat(path.join(packs, p))).size;
    assert.ok(packed < BIG.length, `the clean 512 KiB file was not copied into the journal (${packed} bytes packed)`);
    await journal.close();
  });

  it('a run that dies while a command runs: recovery restores clean tracked files from git', async () => {
    const base = path.join(dir, 'journal');
    const before = await treeSnapshot(root, ['.git']);
    const store = JournalStore.forRoot(root, { baseDir: base });
    await store.begin(undefined, 'test');
    await new TreeSnapshotter(root, store, { gitMinBytes: 0 }).before('npm test'); // pending.json written: the command "starts"
    await fsp.writeFile(path.join(root, 'clean.txt'), 'clobbered');
    await fsp.writeFile(path.join(root, 'notes.md'), 'clobbered');
    // The process "dies" here; a later recovery (the run's pid is this one, so force).
    const r = await recoverJournals(root, { baseDir: base, force: true });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(await treeSnapshot(root, ['.git']), before);
  });
});
