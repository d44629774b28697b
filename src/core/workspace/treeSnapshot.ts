import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { cleanTrackedBlobs, gitIndexStamp } from '../git/gitBlobs';
import type { GitControlState } from '../git/gitControl';
import { type BlobRef, type JournalStore, type PendingManifest, gitBlobRef } from './journalStore';
import { walkWorkspace } from './workspaceGate';

/**
 * Before/after accounting of one command (test runs included): a manifest of every file in the working tree
 * (outside workspaceGate's SKIPPED_DIR_NAMES: dependencies, build output, caches, VCS folders) with its bytes stored in
 * the journal, and afterwards the list of files the command created, changed or deleted.
 *
 * Clean tracked files are not copied: git already holds their bytes, so the manifest names the blob (gitBlobs.ts
 * says when a file qualifies; reading back checks the blob's id). Only dirty, untracked and ignored files are copied,
 * and a large repository snapshots at the cost of a walk and a few git queries (asked only when there are at least
 * `gitMinBytes` to read; below that, copying is cheaper). Bytes are read again only for files
 * whose inode, size, mtime, ctime or mode changed since the last snapshot, so a test run after a test run costs a
 * walk and a few stats. Copied files beyond `maxBytes` in total are listed but not copied: their changes are
 * reported as not revertible.
 *
 * The skipped folders are not copied (a `node_modules` can hold gigabytes, and test runs legitimately write to
 * caches and build folders). Their top-level state (each skipped folder's existence and mtime) is compared, so a
 * command that adds or removes entries in one is reported, never reverted.
 */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_SNAPSHOT_MAX_ENTRIES = 50_000;
/** Below this many bytes to read, copying is cheaper than asking git (four git processes). */
export const DEFAULT_SNAPSHOT_GIT_MIN_BYTES = 4 * 1024 * 1024;

export interface SnapshotFile {
  abs: string;
  rel: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  mode: number;
  blob?: BlobRef;
}

export interface TreeSnapshot {
  command: string;
  startedAt: number;
  files: Map<string, SnapshotFile>;
  dirs: Set<string>;
  /** Skipped folders (relative) → mtime. */
  skipped: Map<string, number>;
  /** Files whose bytes were not copied (over the byte cap or unreadable). */
  uncopied: number;
  /** True when the walk hit its entry cap (changes beyond it are not seen). */
  incomplete: boolean;
}

export interface TreeChanges {
  created: string[];
  changed: string[];
  deleted: string[];
  createdDirs: string[];
  /** Skipped folders (node_modules, dist, …) that appeared, disappeared or changed at their top level. */
  skippedChanged: string[];
}

type CacheKey = string;
const keyOf = (f: { ino: number; size: number; mtimeMs: number; ctimeMs: number; mode: number }): CacheKey => `${f.ino}:${f.size}:${f.mtimeMs}:${f.ctimeMs}:${f.mode}`;

/** Walks the tree; stats each file (walkWorkspace gives no ino/ctime). VCS folders are not reported as skipped. */
async function scan(root: string, maxEntries: number) {
  const skipped = new Map<string, number>();
  const walk = await walkWorkspace(root, root, {
    maxEntries,
    onSkipped: (rel, mtimeMs) => {
      if (!VCS_DIRS.has(path.posix.basename(rel))) skipped.set(rel, mtimeMs);
    },
  });
  const files = new Map<string, SnapshotFile>();
  const dirs = new Set<string>();
  for (const w of walk.entries) {
    if (w.kind === 'dir') {
      dirs.add(w.abs);
      continue;
    }
    const st = await fsp.lstat(w.abs).catch(() => undefined);
    if (!st?.isFile()) continue;
    files.set(w.abs, { abs: w.abs, rel: w.rel, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, mode: st.mode & 0o7777 });
  }
  return { files, dirs, skipped, incomplete: walk.more };
}

/** Guarded separately (gitControl.ts): .git/hooks and .git/config. */
const VCS_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

export class TreeSnapshotter {
  /** Blob of each file state seen before, so unchanged files are not read again. */
  private readonly cache = new Map<CacheKey, BlobRef>();
  /** The git index as it was at the first snapshot, before any command ran (gitBlobs.ts); null until then. */
  private trustedIndex: string | undefined | null = null;

  constructor(private readonly root: string, private readonly store: JournalStore, private readonly opts: { maxBytes?: number; maxEntries?: number; gitMinBytes?: number } = {}) {}

  /** Takes the snapshot and writes it to the journal (pending.json) before the command may start. */
  async before(command: string, git?: GitControlState): Promise<TreeSnapshot> {
    const maxBytes = this.opts.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
    const startedAt = Date.now();
    if (this.trustedIndex === null) this.trustedIndex = await gitIndexStamp(this.root);
    const s = await scan(this.root, this.opts.maxEntries ?? DEFAULT_SNAPSHOT_MAX_ENTRIES);
    let copied = 0;
    let uncopied = 0;
    const toRead: SnapshotFile[] = [];
    const uncached = [...s.files.values()].filter((f) => {
      const hit = this.cache.get(keyOf(f));
      if (hit) f.blob = hit;
      return !hit;
    });
    const uncachedBytes = uncached.reduce((n, f) => n + f.size, 0);
    const inGit = uncachedBytes >= (this.opts.gitMinBytes ?? DEFAULT_SNAPSHOT_GIT_MIN_BYTES)
      ? await cleanTrackedBlobs(this.root, new Map(uncached.map((f) => [f.rel, f.size])), this.trustedIndex)
      : new Map<string, string>();
    for (const f of uncached) {
      const id = inGit.get(f.rel);
      if (id) {
        f.blob = gitBlobRef(id, f.size);
        this.cache.set(keyOf(f), f.blob);
      } else if (copied + f.size <= maxBytes) {
        toRead.push(f);
        copied += f.size;
      } else uncopied++;
    }
    const bufs: Buffer[] = [];
    const read: SnapshotFile[] = [];
    for (const f of toRead) {
      const b = await fsp.readFile(f.abs).catch(() => undefined);
      if (!b || b.length !== f.size) {
        uncopied++;
        continue;
      }
      bufs.push(b);
      read.push(f);
    }
    const refs = await this.store.putBlobs(bufs);
    read.forEach((f, i) => {
      f.blob = refs[i];
      this.cache.set(keyOf(f), refs[i]);
    });
    const manifest: PendingManifest = {
      command,
      startedAt,
      files: [...s.files.values()].map((f) => ({ abs: f.abs, rel: f.rel, mode: f.mode, ...(f.blob ? { blob: f.blob } : {}) })),
      dirs: [...s.dirs],
      ...(git ? { git } : {}),
    };
    await this.store.setPending(manifest);
    return { command, startedAt, files: s.files, dirs: s.dirs, skipped: s.skipped, uncopied, incomplete: s.incomplete };
  }

  /** What the command changed (relative paths, sorted). Does not touch the files. */
  async diff(snap: TreeSnapshot): Promise<TreeChanges & { now: Map<string, SnapshotFile> }> {
    const s = await scan(this.root, snap.files.size + snap.dirs.size + (this.opts.maxEntries ?? DEFAULT_SNAPSHOT_MAX_ENTRIES));
    const created: string[] = [];
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const [abs, f] of s.files) {
      const b = snap.files.get(abs);
      if (!b) created.push(f.rel);
      else if (keyOf(b) !== keyOf(f)) changed.push(f.rel);
    }
    for (const [abs, b] of snap.files) if (!s.files.has(abs)) deleted.push(b.rel);
    const createdDirs = [...s.dirs].filter((d) => !snap.dirs.has(d)).map((d) => path.relative(this.root, d).split(path.sep).join('/'));
    const skippedChanged: string[] = [];
    for (const [rel, m] of s.skipped) if (snap.skipped.get(rel) !== m) skippedChanged.push(rel);
    for (const rel of snap.skipped.keys()) if (!s.skipped.has(rel)) skippedChanged.push(rel);
    return { created: created.sort(), changed: changed.sort(), deleted: deleted.sort(), createdDirs: createdDirs.sort(), skippedChanged: skippedChanged.sort(), now: s.files };
  }
}
