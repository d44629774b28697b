import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { readGitBlob } from '../git/gitBlobs';
import type { GitControlState } from '../git/gitControl';
import { crashPoint, syncDir, unlinkDurable, writeDurable } from './durableFile';
import { repoJournalDir } from './journalLocation';
import { processStartTime } from './processIdentity';

/**
 * Where the file journal keeps prior bytes: on disk, written ahead and fsynced (the default), or only in memory
 * (bench runs on throw-away copies, and the fallback when the state folder cannot be written).
 *
 * One run of SALE on one repository is one folder `<repoJournalDir>/<run-id>/`:
 *   run.json          who (pid and its start time, host), which repository, when; written first
 *   git.json          .git/config and .git/hooks as they were before the first change (for the record)
 *   packs/<n>.pack    prior bytes, content-addressed (sha256), appended in packs so a snapshot costs one fsync;
 *                     a clean tracked file's bytes are not copied: its reference names the git blob instead
 *   entries/<n>.json  one per recorded file: its prior state (a blob reference and mode, or "absent")
 *   dirs/<n>.json     one per folder the agent created (removed again on restore when empty)
 *   pending.json      the manifest of a command in flight (every file's prior blob, and .git/hooks and
 *                     .git/config right before it), removed when it ended
 * Every JSON file is written with writeDurable before the change it protects; `sale recover` and the extension
 * read the folder back through journalRecovery.ts. The folder goes away when the user's decision is final.
 */
export interface BlobRef {
  sha: string;
  len: number;
  pack?: string;
  off?: number;
  /** A clean tracked file's blob id in the repository (core/git/gitBlobs.ts): its bytes are in git, not in a pack. */
  git?: string;
}

/** A reference to bytes git holds for a clean tracked file (no copy in the journal). */
export function gitBlobRef(id: string, len: number): BlobRef {
  return { sha: `git:${id}`, len, git: id };
}

export type StoredPrior = { kind: 'absent' } | { kind: 'file'; blob: BlobRef; mode: number };

export interface StoredEntry {
  abs: string;
  rel: string;
  prior: StoredPrior;
  via: 'tool' | 'command';
}

export interface PendingManifest {
  command: string;
  startedAt: number;
  files: { abs: string; rel: string; blob?: BlobRef; mode: number }[];
  dirs: string[];
  /** .git/hooks and .git/config right before the command. */
  git?: GitControlState;
}

export interface RunInfo {
  version: 1;
  root: string;
  pid: number;
  /** The process's start time (processIdentity.ts), so a reused pid is not taken for this run's process. */
  pidStart?: string;
  host: string;
  startedAt: number;
}

export class JournalStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly refs = new Map<string, BlobRef>();
  private readonly entryFiles = new Map<string, string>();
  private seq = 0;
  private runDir: string | undefined;
  /** Set when the state folder could not be written: the journal then works in memory only. */
  warning: string | undefined;

  private constructor(readonly root: string, readonly durable: boolean, private readonly baseDir: string) {}

  static forRoot(realRoot: string, opts: { durable?: boolean; baseDir?: string } = {}): JournalStore {
    return new JournalStore(realRoot, opts.durable ?? true, opts.baseDir ?? repoJournalDir(realRoot));
  }

  /** The run folder, once something was written (tests and messages use it). */
  get dir(): string | undefined {
    return this.runDir;
  }

  /** Creates the run folder and writes run.json and git.json before anything else. */
  async begin(git: GitControlState | undefined, hostName: string): Promise<void> {
    if (!this.durable || this.runDir) return;
    const dir = path.join(this.baseDir, `${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}`);
    try {
      for (const sub of ['packs', 'entries', 'dirs']) await fsp.mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 });
      await syncDir(this.baseDir);
      const info: RunInfo = { version: 1, root: this.root, pid: process.pid, pidStart: processStartTime(process.pid), host: hostName, startedAt: Date.now() };
      await writeDurable(path.join(dir, 'run.json'), JSON.stringify(info));
      if (git) await writeDurable(path.join(dir, 'git.json'), JSON.stringify(git));
      this.runDir = dir;
    } catch (e) {
      this.warning = `The write-ahead journal could not be written to ${dir} (${(e as Error).message}); prior file contents are kept in memory only, so a crash could lose them.`;
      (this as { durable: boolean }).durable = false;
    }
  }

  /** Stores bytes (deduplicated by sha256); new bytes go to one pack file, fsynced once. */
  async putBlobs(buffers: Buffer[]): Promise<BlobRef[]> {
    const out: BlobRef[] = [];
    const fresh: { sha: string; buf: Buffer }[] = [];
    const seen = new Set<string>();
    for (const buf of buffers) {
      const sha = createHash('sha256').update(buf).digest('hex');
      out.push({ sha, len: buf.length });
      if (!this.refs.has(sha) && !seen.has(sha)) {
        seen.add(sha);
        fresh.push({ sha, buf });
      }
    }
    if (fresh.length && this.runDir) {
      const name = `${String(++this.seq).padStart(6, '0')}.pack`;
      const file = path.join(this.runDir, 'packs', name);
      const fh = await fsp.open(file, 'w', 0o600);
      try {
        let off = 0;
        for (const f of fresh) {
          await fh.write(f.buf, 0, f.buf.length, off);
          this.refs.set(f.sha, { sha: f.sha, len: f.buf.length, pack: name, off });
          off += f.buf.length;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await syncDir(path.dirname(file));
      crashPoint();
    } else {
      for (const f of fresh) this.refs.set(f.sha, { sha: f.sha, len: f.buf.length });
    }
    for (const f of fresh) this.blobs.set(f.sha, f.buf);
    return out.map((r) => this.refs.get(r.sha)!);
  }

  async getBlob(ref: BlobRef): Promise<Buffer> {
    if (ref.git) return readGitBlob(this.root, ref.git, ref.len);
    const hit = this.blobs.get(ref.sha);
    if (hit) return hit;
    if (!this.runDir || !ref.pack) throw new Error(`journal blob ${ref.sha.slice(0, 12)} is missing`);
    return readBlob(this.runDir, ref, this.root);
  }

  async addEntry(e: StoredEntry): Promise<void> {
    if (!this.runDir) return;
    const file = path.join(this.runDir, 'entries', `${String(++this.seq).padStart(6, '0')}.json`);
    await writeDurable(file, JSON.stringify(e));
    this.entryFiles.set(e.abs, file);
  }

  async removeEntry(abs: string): Promise<void> {
    const file = this.entryFiles.get(abs);
    if (!file) return;
    await unlinkDurable(file);
    this.entryFiles.delete(abs);
  }

  async addDir(abs: string): Promise<void> {
    if (!this.runDir) return;
    await writeDurable(path.join(this.runDir, 'dirs', `${String(++this.seq).padStart(6, '0')}.json`), JSON.stringify({ abs }));
  }

  async clearDirs(): Promise<void> {
    if (!this.runDir) return;
    const d = path.join(this.runDir, 'dirs');
    for (const n of await fsp.readdir(d).catch(() => [] as string[])) await fsp.rm(path.join(d, n), { force: true });
    await syncDir(d);
  }

  async setPending(m: PendingManifest | undefined): Promise<void> {
    if (!this.runDir) return;
    const file = path.join(this.runDir, 'pending.json');
    if (m) await writeDurable(file, JSON.stringify(m));
    else await unlinkDurable(file);
  }

  /** The user's decision is final (accepted, reverted, kept): the run folder is removed. */
  async close(): Promise<void> {
    if (!this.runDir) return;
    const dir = this.runDir;
    this.runDir = undefined;
    this.entryFiles.clear();
    // run.json last-but-not-least: remove it first so a half-removed folder reads as "nothing to restore".
    await fsp.rm(path.join(dir, 'run.json'), { force: true });
    await fsp.rm(dir, { recursive: true, force: true });
    await syncDir(path.dirname(dir));
    // Blob references into the removed packs are gone with them; a later run starts afresh.
    this.refs.clear();
    this.blobs.clear();
  }
}

/** The bytes of a reference: from the run's packs, or from the repository at `root` for a git blob. */
export async function readBlob(runDir: string, ref: BlobRef, root: string): Promise<Buffer> {
  if (ref.git) return readGitBlob(root, ref.git, ref.len);
  if (!ref.pack || ref.off === undefined) throw new Error(`journal blob ${ref.sha.slice(0, 12)} was never written to disk`);
  const fh = await fsp.open(path.join(runDir, 'packs', path.basename(ref.pack)), 'r');
  try {
    const buf = Buffer.alloc(ref.len);
    let got = 0;
    while (got < ref.len) {
      const { bytesRead } = await fh.read(buf, got, ref.len - got, ref.off + got);
      if (!bytesRead) break;
      got += bytesRead;
    }
    if (got !== ref.len || createHash('sha256').update(buf).digest('hex') !== ref.sha) throw new Error(`journal blob ${ref.sha.slice(0, 12)} is damaged`);
    return buf;
  } finally {
    await fh.close();
  }
}
