/**
 * What one command snapshot (src/core/workspace/treeSnapshot.ts) costs on a large repository: a generated git
 * repository (default 5,000 files, 200 MB, committed) with a few uncommitted edits and untracked files, a durable
 * journal in a temporary state folder, and the snapshot taken twice (the first run of a task, then a later test run
 * whose unchanged files are found in the snapshotter's cache), three ways on the same repository: copying with the
 * 64 MB cap (before git blobs), copying without a cap, and naming clean tracked files by their git blob. Prints
 * time, bytes written to the journal, files copied vs named by blob, and files not revertible. Asserts nothing.
 * Run: npx tsx bench/snapshot.bench.ts [files=5000] [megabytes=200]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore } from '../src/core/workspace/journalStore';
import { TreeSnapshotter } from '../src/core/workspace/treeSnapshot';

const files = Number(process.argv[2] ?? 5000);
const mb = Number(process.argv[3] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'sale-snapshot-bench-'));
const repo = join(dir, 'repo');
const base = join(dir, 'journal');
const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });

function dirBytes(d: string): number {
  let n = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(d, e.name)) : statSync(join(d, e.name)).size;
  return n;
}

async function main(): Promise<void> {
  const per = Math.floor((mb * 1024 * 1024) / files);
  // Text-like content (hex), so git compresses it as it would source; one folder per 100 files.
  for (let i = 0; i < files; i++) {
    const sub = join(repo, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), randomBytes(Math.ceil(per / 2)).toString('hex').slice(0, per));
  }
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.com', 'add', '.');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-q', '-m', 'generated');
  // The user's work in progress: 10 uncommitted edits and 10 untracked files.
  for (let i = 0; i < 10; i++) writeFileSync(join(repo, `pkg0/f${i}.txt`), `edited ${i}\n`);
  for (let i = 0; i < 10; i++) writeFileSync(join(repo, `notes${i}.md`), `untracked ${i}\n`);
  console.log(`repository: ${files} files, ${mb} MB committed; 10 uncommitted edits, 10 untracked files`);
  // The same repository and load for each way: copying (as before git blobs; capped, and uncapped for full cover),
  // then naming clean tracked files by their git blob (the default).
  const ways: [string, { maxBytes?: number; gitMinBytes?: number }][] = [
    ['copy, 64 MB cap (before)', { gitMinBytes: Infinity }],
    ['copy, no cap', { gitMinBytes: Infinity, maxBytes: Infinity }],
    ['git blobs (now)', {}],
  ];
  for (const [way, opts] of ways) {
    const store = JournalStore.forRoot(repo, { baseDir: base });
    await store.begin(undefined, 'bench');
    const snap = new TreeSnapshotter(repo, store, opts);
    for (const label of ['first snapshot', 'second (cache warm)']) {
      const before = dirBytes(base);
      const t = process.hrtime.bigint();
      const s = await snap.before('npm test');
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const list = [...s.files.values()];
      const inGit = list.filter((f) => f.blob?.git).length;
      const copied = list.filter((f) => f.blob && !f.blob.git).length;
      console.log(`${way}, ${label}: ${ms.toFixed(0)} ms, ${((dirBytes(base) - before) / 1024 / 1024).toFixed(1)} MB written to the journal, ${copied} files copied, ${inGit} named by git blob, ${s.uncopied} not revertible`);
      await store.setPending(undefined);
    }
    await store.close();
  }
}

main().finally(() => rmSync(dir, { recursive: true, force: true }));
