import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { type GitControlState, gitControlChanges, restoreGitControl } from '../git/gitControl';
import { removeDirIfEmpty, restoreFile } from './fileJournal';
import { repoJournalDir } from './journalLocation';
import { type BlobRef, type PendingManifest, type RunInfo, type StoredEntry, readBlob } from './journalStore';
import { processAlive } from './processIdentity';
import { walkWorkspace } from './workspaceGate';

/**
 * Restores what an unfinished run left behind: SALE killed (kill -9, SIGKILL by the OOM killer, power cut) or a
 * VS Code window closed or crashed before the user accepted or reverted. Reads the run folders journalStore.ts
 * wrote for one repository and, newest run first:
 *   1. a command in flight (pending.json): every file back to its state before the command, and files the command
 *      created (not in its manifest, changed since it started) removed;
 *   2. every recorded file back to its state before the run (the oldest prior wins, so this comes after 1);
 *   3. folders the run created, removed when empty;
 *   4. with a command in flight: .git/hooks and .git/config back to their state right before it (a finished
 *      command's changes there were put back when it ended; the user's own changes are left alone).
 * A run whose process is still alive (same pid and, where known, same start time: processIdentity.ts) is skipped
 * (another SALE is working on it) unless `force`.
 */
export interface RecoveryReport {
  /** Unfinished runs found (with something to restore or not). */
  runs: number;
  restored: string[];
  removed: string[];
  removedDirs: string[];
  gitRestored: string[];
  /** Runs left alone because their process is alive. */
  skippedLive: { pid: number; startedAt: number }[];
  errors: string[];
}

interface RunState {
  dir: string;
  info?: RunInfo;
  entries: StoredEntry[];
  dirs: string[];
  pending?: PendingManifest;
  git?: GitControlState;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function readRun(dir: string): Promise<RunState> {
  const list = async (sub: string) => (await fsp.readdir(path.join(dir, sub)).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const entries: StoredEntry[] = [];
  for (const n of await list('entries')) {
    const e = await readJson<StoredEntry>(path.join(dir, 'entries', n));
    if (e) entries.push(e);
  }
  const dirs: string[] = [];
  for (const n of await list('dirs')) {
    const d = await readJson<{ abs: string }>(path.join(dir, 'dirs', n));
    if (d) dirs.push(d.abs);
  }
  return {
    dir,
    info: await readJson<RunInfo>(path.join(dir, 'run.json')),
    entries,
    dirs,
    pending: await readJson<PendingManifest>(path.join(dir, 'pending.json')),
    git: await readJson<GitControlState>(path.join(dir, 'git.json')),
  };
}

/** Run folders of this repository, oldest first. */
async function runDirs(realRoot: string, baseDir?: string): Promise<string[]> {
  const base = baseDir ?? repoJournalDir(realRoot);
  const names = await fsp.readdir(base).catch(() => [] as string[]);
  return names.filter((n) => /^\d+-\d+-[0-9a-f]+$/.test(n)).sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0])).map((n) => path.join(base, n));
}

/** Resolves the root like the journal does (symlinks), so the same repository maps to the same folder. */
async function realRootOf(root: string): Promise<string> {
  return fsp.realpath(path.resolve(root));
}

/**
 * What recovery would do, without doing it (the extension's offer and `sale recover --dry-run`). Only runs whose
 * process is gone (or all, with `force`).
 */
export async function inspectUnfinishedJournals(root: string, opts: { baseDir?: string; force?: boolean } = {}): Promise<RecoveryReport> {
  return recover(root, { ...opts, dryRun: true });
}

export async function recoverJournals(root: string, opts: { baseDir?: string; force?: boolean } = {}): Promise<RecoveryReport> {
  return recover(root, { ...opts, dryRun: false });
}

async function recover(root: string, opts: { baseDir?: string; force?: boolean; dryRun: boolean }): Promise<RecoveryReport> {
  const realRoot = await realRootOf(root);
  const report: RecoveryReport = { runs: 0, restored: [], removed: [], removedDirs: [], gitRestored: [], skippedLive: [], errors: [] };
  const rel = (abs: string) => path.relative(realRoot, abs).split(path.sep).join('/');
  const note = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  for (const dir of (await runDirs(realRoot, opts.baseDir)).reverse()) {
    const run = await readRun(dir);
    if (!run.info) {
      // Half-created or half-removed run folder: nothing was changed under it.
      if (!opts.dryRun) await fsp.rm(dir, { recursive: true, force: true });
      continue;
    }
    if (run.info.root !== realRoot) continue;
    if (!opts.force && processAlive(run.info.pid, run.info.pidStart)) {
      report.skippedLive.push({ pid: run.info.pid, startedAt: run.info.startedAt });
      continue;
    }
    report.runs++;
    const errorsBefore = report.errors.length;
    const put = async (abs: string, want: { kind: 'absent' } | { kind: 'file'; blob: BlobRef; mode: number }) => {
      try {
        if (want.kind === 'absent') {
          const st = await fsp.lstat(abs).catch(() => undefined);
          if (!st || st.isDirectory()) return;
          if (!opts.dryRun) await restoreFile(abs, { kind: 'absent' });
          note(report.removed, rel(abs));
          return;
        }
        const bytes = await readBlob(dir, want.blob, realRoot);
        const st = await fsp.lstat(abs).catch(() => undefined);
        const same = st?.isFile() && (st.mode & 0o7777) === want.mode && (await fsp.readFile(abs)).equals(bytes);
        if (same) return;
        if (!opts.dryRun) await restoreFile(abs, { kind: 'file', bytes, mode: want.mode });
        note(report.restored, rel(abs));
      } catch (e) {
        report.errors.push(`${rel(abs)}: ${errorMessage(e)}`);
      }
    };
    if (run.pending) {
      const inManifest = new Set(run.pending.files.map((f) => f.abs));
      for (const f of run.pending.files) if (f.blob) await put(f.abs, { kind: 'file', blob: f.blob, mode: f.mode });
      // Files the command created: not in its manifest, and changed after it started.
      const walk = await walkWorkspace(realRoot, realRoot, { maxEntries: run.pending.files.length + 50_000 });
      for (const w of walk.entries) {
        if (w.kind !== 'file' || inManifest.has(w.abs)) continue;
        const st = await fsp.lstat(w.abs).catch(() => undefined);
        if (st && Math.max(st.ctimeMs, st.mtimeMs) >= run.pending.startedAt - 1000) await put(w.abs, { kind: 'absent' });
      }
      const known = new Set(run.pending.dirs);
      const created = walk.entries.filter((w) => w.kind === 'dir' && !known.has(w.abs)).map((w) => w.abs);
      run.dirs.push(...created);
    }
    for (const e of run.entries) await put(e.abs, e.prior.kind === 'file' ? { kind: 'file', blob: e.prior.blob, mode: e.prior.mode } : { kind: 'absent' });
    for (const d of [...new Set(run.dirs)].sort((a, b) => b.length - a.length)) {
      if (opts.dryRun) {
        if (await fsp.stat(d).catch(() => undefined)) note(report.removedDirs, rel(d));
        continue;
      }
      if ((await removeDirIfEmpty(d)) === 'removed') note(report.removedDirs, rel(d));
    }
    const git = run.pending?.git;
    if (git) {
      if (opts.dryRun) for (const n of await gitControlChanges(git)) note(report.gitRestored, n);
      else {
        const g = await restoreGitControl(git);
        for (const n of g.restored) note(report.gitRestored, n);
        report.errors.push(...g.errors);
      }
    }
    // The run folder goes only when everything came back; otherwise a later `sale recover` can try again.
    if (!opts.dryRun && report.errors.length === errorsBefore) await fsp.rm(dir, { recursive: true, force: true });
  }
  report.restored.sort();
  report.removed.sort();
  report.removedDirs.sort();
  return report;
}

/** True when recovery has something to put back. */
export function recoveryHasWork(r: RecoveryReport): boolean {
  return r.restored.length + r.removed.length + r.removedDirs.length + r.gitRestored.length > 0;
}

/** "Keep as is": forgets the unfinished runs of dead processes without restoring anything. */
export async function discardJournals(root: string, opts: { baseDir?: string } = {}): Promise<number> {
  const realRoot = await realRootOf(root);
  let n = 0;
  for (const dir of await runDirs(realRoot, opts.baseDir)) {
    const info = await readJson<RunInfo>(path.join(dir, 'run.json'));
    if (info && (info.root !== realRoot || processAlive(info.pid, info.pidStart))) continue;
    await fsp.rm(dir, { recursive: true, force: true });
    n++;
  }
  return n;
}
