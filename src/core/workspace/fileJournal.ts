import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { SaleError, errorMessage } from '../errors';
import { type GitControlPaths, type GitControlState, captureGitControl, findGitControl, restoreGitControl } from '../git/gitControl';
import { crashPoint } from './durableFile';
import { type BlobRef, JournalStore } from './journalStore';
import { type TreeSnapshot, TreeSnapshotter } from './treeSnapshot';
import { type GatedPath, WorkspaceGate, looksBinary } from './workspaceGate';

/**
 * Exact restore of everything the executing agent changed, written ahead to disk.
 *
 * Before the first change to a file, the journal records its prior bytes and mode, or that it did not exist; before
 * the first change of all, the state of `.git/hooks` and `.git/config`. With a durable store (the default) each
 * record is fsynced outside the repository (journalStore.ts) BEFORE the change it protects, so a crash, a kill -9
 * or a closed window loses nothing: `sale recover` or the extension's offer on activation puts it back
 * (journalRecovery.ts).
 *
 * `revert()` writes every recorded file back byte for byte (and its mode), deletes only files that did not exist
 * before and removes only folders the journal saw being created (and only when empty again). It never runs git and
 * never looks at files it did not record.
 *
 * Every command the agent causes — run_command, run_tests, the final test run — goes through
 * {@link FileJournal.runAccounted}: a snapshot of the whole working tree before (treeSnapshot.ts), the list of files
 * created, changed and deleted after. Test runs are put back at once ('restore': a test run must not change the
 * tree); an approved run_command's changes are recorded into the attempt ('record') and reverted with it. Any change
 * to `.git/hooks` or `.git/config` is put back at once in both cases.
 *
 * Over 300 lines: revert, per-command restore and the write-ahead order of each change must be read together.
 */

type Prior = { kind: 'file'; blob: BlobRef; mode: number } | { kind: 'absent' };

interface Entry {
  abs: string;
  rel: string;
  prior: Prior;
  /** How the change was made: by a tool write, or by a command the journal only observed. */
  via: 'tool' | 'command';
}

export interface RevertReport {
  /** Files written back to their prior bytes and mode. */
  restored: string[];
  /** Files removed because they did not exist before. */
  removed: string[];
  /** Folders removed because the agent created them and they were empty again. */
  removedDirs: string[];
  /** Folders the agent created that still hold something else (left in place). */
  keptDirs: string[];
  /** Anything that could not be put back (the entry stays in the journal). */
  errors: string[];
}

/** What one accounted command did to the working tree, and what was done about it. */
export interface CommandAccount {
  /** 'restore': files put back right after the command (test runs). */
  restored: string[];
  /** 'restore': files the command created, removed again. */
  removed: string[];
  /** 'record': files the command created, changed or deleted, kept in the attempt (reverted with it). */
  recorded: string[];
  /** Changed files whose prior bytes were not copied (tree over the snapshot cap): not revertible exactly. */
  notRevertible: string[];
  /** `.git/hooks/…` and `.git/config` the command changed, put back at once. */
  gitRestored: string[];
  /** Dependency/build/cache folders (node_modules, dist, …) changed at their top level: reported, not reverted. */
  skippedChanged: string[];
  errors: string[];
}

export interface FileJournalOptions {
  /** Write ahead to disk (default true). False: prior bytes only in memory (bench runs on throw-away copies). */
  durable?: boolean;
  /** Journal folder of this repository (default: journalLocation.repoJournalDir). */
  baseDir?: string;
  snapshotMaxBytes?: number;
  /** Ask git for clean tracked files only from this many bytes to read on (treeSnapshot.ts). */
  snapshotGitMinBytes?: number;
}

export class FileJournal {
  private readonly entries = new Map<string, Entry>();
  /** Folders created during the run (absolute), in creation order. */
  private readonly createdDirs: string[] = [];
  private gitPaths: GitControlPaths | undefined;
  private started = false;
  private readonly snapshotter: TreeSnapshotter;

  constructor(readonly gate: WorkspaceGate, readonly store: JournalStore = JournalStore.forRoot(gate.root, { durable: false }), opts: FileJournalOptions = {}) {
    this.snapshotter = new TreeSnapshotter(gate.root, store, { maxBytes: opts.snapshotMaxBytes, gitMinBytes: opts.snapshotGitMinBytes });
  }

  static async open(root: string, opts: FileJournalOptions = {}): Promise<FileJournal> {
    const gate = await WorkspaceGate.open(root);
    return new FileJournal(gate, JournalStore.forRoot(gate.root, { durable: opts.durable ?? true, baseDir: opts.baseDir }), opts);
  }

  get root(): string {
    return this.gate.root;
  }

  /** Set when the durable journal could not be written (then it works in memory only). */
  get warning(): string | undefined {
    return this.store.warning;
  }

  /** Before the first change: the git control state, then the run record (run.json, git.json) on disk. */
  private async ensureStarted(): Promise<void> {
    if (this.started) return;
    this.gitPaths = await findGitControl(this.root);
    await this.store.begin(this.gitPaths ? await captureGitControl(this.gitPaths) : undefined, hostname());
    this.started = true;
  }

  private async addEntry(e: Entry): Promise<void> {
    await this.store.addEntry(e);
    this.entries.set(e.abs, e);
  }

  /** Records a file's current state unless it is recorded already (the first prior state wins). */
  async recordPrior(g: GatedPath, via: Entry['via'] = 'tool'): Promise<void> {
    if (this.entries.has(g.abs)) return;
    await this.ensureStarted();
    const st = await fsp.lstat(g.abs).catch(() => undefined);
    let prior: Prior;
    if (!st) prior = { kind: 'absent' };
    else if (st.isFile()) {
      const [blob] = await this.store.putBlobs([await fsp.readFile(g.abs)]);
      prior = { kind: 'file', blob, mode: st.mode & 0o7777 };
    } else throw new SaleError(`"${g.rel}" is not a regular file; it cannot be changed.`, 'not-a-file');
    await this.addEntry({ abs: g.abs, rel: g.rel, prior, via });
  }

  /**
   * Writes a whole text file through the gate, recording its prior state first and any parent folders it has to
   * create. Returns whether the file was created.
   */
  async writeText(requested: string, content: string): Promise<{ rel: string; created: boolean; bytes: number }> {
    const g = await this.gate.resolve(requested);
    const st = await fsp.stat(g.abs).catch(() => undefined);
    if (st?.isDirectory()) throw new SaleError(`"${g.rel}" is a folder; give a file path.`, 'is-directory');
    await this.recordPrior(g, 'tool');
    await this.makeParents(path.dirname(g.abs));
    const data = Buffer.from(content, 'utf8');
    await fsp.writeFile(g.abs, data);
    crashPoint();
    return { rel: g.rel, created: !st, bytes: data.length };
  }

  /** Files recorded so far (relative paths, sorted), whether or not they differ now. */
  touchedFiles(): string[] {
    return [...this.entries.values()].map((e) => e.rel).sort();
  }

  /** Files whose current bytes, mode or existence differ from the recorded prior state (relative, sorted). */
  async changedFiles(): Promise<string[]> {
    const out: string[] = [];
    for (const e of this.entries.values()) if (await this.differs(e)) out.push(e.rel);
    return out.sort();
  }

  private async priorBytes(e: Entry): Promise<Buffer | undefined> {
    return e.prior.kind === 'file' ? this.store.getBlob(e.prior.blob) : undefined;
  }

  /** A unified diff (jsdiff) of every change, file by file in path order; binary files are named only. */
  async diff(opts: { context?: number } = {}): Promise<string> {
    const parts: string[] = [];
    const sorted = [...this.entries.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const e of sorted) {
      const now = await readState(e.abs);
      const before = await this.priorBytes(e);
      const after = now.kind === 'file' ? now.bytes : undefined;
      if (sameBytes(before, after)) {
        if (before && now.kind === 'file' && e.prior.kind === 'file' && now.mode !== e.prior.mode) {
          parts.push(`mode change ${e.rel}: ${e.prior.mode.toString(8)} → ${now.mode.toString(8)}\n`);
        }
        continue;
      }
      if ((before && looksBinary(before)) || (after && looksBinary(after))) {
        parts.push(`Binary file ${e.rel} ${!before ? 'created' : !after ? 'deleted' : 'changed'}\n`);
        continue;
      }
      parts.push(createTwoFilesPatch(
        before ? `a/${e.rel}` : '/dev/null',
        after ? `b/${e.rel}` : '/dev/null',
        before ? before.toString('utf8') : '',
        after ? after.toString('utf8') : '',
        undefined,
        undefined,
        { context: opts.context ?? 3 },
      ).replace(/^=+\n/, ''));
    }
    return parts.join('');
  }

  /** Puts every recorded file back exactly; see the class comment. Successfully restored entries are forgotten. */
  async revert(): Promise<RevertReport> {
    const report: RevertReport = { restored: [], removed: [], removedDirs: [], keptDirs: [], errors: [] };
    for (const e of [...this.entries.values()]) {
      try {
        const r = await restoreFile(e.abs, e.prior.kind === 'file' ? { kind: 'file', bytes: (await this.priorBytes(e))!, mode: e.prior.mode } : { kind: 'absent' });
        if (r === 'restored') report.restored.push(e.rel);
        if (r === 'removed') report.removed.push(e.rel);
        await this.store.removeEntry(e.abs);
        this.entries.delete(e.abs);
      } catch (err) {
        report.errors.push(`${e.rel}: ${errorMessage(err)}`);
      }
    }
    // Deepest first; only empty folders go.
    const dirs = [...new Set(this.createdDirs)].sort((a, b) => b.length - a.length);
    this.createdDirs.length = 0;
    for (const d of dirs) {
      const r = await removeDirIfEmpty(d);
      if (r === 'removed') report.removedDirs.push(this.gate.relative(d));
      else if (r === 'kept') report.keptDirs.push(this.gate.relative(d));
    }
    await this.store.clearDirs();
    // .git/hooks and .git/config need nothing here: the tools cannot reach them, and what a command changed there
    // was put back right after that command (runAccounted). The user's own changes to them are left alone.
    report.restored.sort();
    report.removed.sort();
    return report;
  }

  /** The user's decision is final (accepted, reverted, kept): the on-disk journal of this run is removed. */
  async close(): Promise<void> {
    await this.store.close();
    this.entries.clear();
    this.createdDirs.length = 0;
    this.started = false;
  }

  /**
   * Runs a command inside the before/after accounting (see the class comment). `run` may throw; the accounting
   * still happens and the error is returned.
   */
  async runAccounted<T>(command: string, mode: 'restore' | 'record', run: () => Promise<T>): Promise<{ value?: T; error?: unknown; account: CommandAccount }> {
    await this.ensureStarted();
    // Git's control files as they are right before this command (the user may have changed them since the run began).
    const gitBefore = this.gitPaths ? await captureGitControl(this.gitPaths) : undefined;
    const snap = await this.snapshotter.before(command, gitBefore);
    let value: T | undefined;
    let error: unknown;
    try {
      value = await run();
    } catch (e) {
      error = e;
    }
    const account = await this.settleCommand(snap, mode, gitBefore);
    return { ...(error === undefined ? { value } : { error }), account };
  }

  private async settleCommand(snap: TreeSnapshot, mode: 'restore' | 'record', gitBefore: GitControlState | undefined): Promise<CommandAccount> {
    const d = await this.snapshotter.diff(snap);
    const acc: CommandAccount = { restored: [], removed: [], recorded: [], notRevertible: [], gitRestored: [], skippedChanged: d.skippedChanged, errors: [] };
    const abs = (rel: string) => path.join(this.root, ...rel.split('/'));
    if (mode === 'restore') {
      for (const rel of d.created) {
        try {
          if ((await restoreFile(abs(rel), { kind: 'absent' })) === 'removed') acc.removed.push(rel);
        } catch (e) {
          acc.errors.push(`${rel}: ${errorMessage(e)}`);
        }
      }
      for (const rel of [...d.changed, ...d.deleted]) {
        const before = snap.files.get(abs(rel))!;
        if (!before.blob) {
          acc.notRevertible.push(rel);
          continue;
        }
        try {
          if ((await restoreFile(abs(rel), { kind: 'file', bytes: await this.store.getBlob(before.blob), mode: before.mode })) === 'restored') acc.restored.push(rel);
        } catch (e) {
          acc.errors.push(`${rel}: ${errorMessage(e)}`);
        }
      }
      for (const rel of [...d.createdDirs].sort((a, b) => b.length - a.length)) await removeDirIfEmpty(abs(rel));
    } else {
      for (const rel of d.created) {
        if (this.entries.has(abs(rel))) continue;
        await this.addEntry({ abs: abs(rel), rel, prior: { kind: 'absent' }, via: 'command' });
        acc.recorded.push(rel);
      }
      for (const rel of [...d.changed, ...d.deleted]) {
        if (this.entries.has(abs(rel))) continue;
        const before = snap.files.get(abs(rel))!;
        if (!before.blob) {
          acc.notRevertible.push(rel);
          continue;
        }
        await this.addEntry({ abs: abs(rel), rel, prior: { kind: 'file', blob: before.blob, mode: before.mode }, via: 'command' });
        acc.recorded.push(rel);
      }
      for (const rel of d.createdDirs) {
        await this.store.addDir(abs(rel));
        this.createdDirs.push(abs(rel));
      }
    }
    if (gitBefore) {
      const g = await restoreGitControl(gitBefore);
      acc.gitRestored = g.restored;
      acc.errors.push(...g.errors);
    }
    await this.store.setPending(undefined);
    acc.restored.sort();
    acc.recorded.sort();
    return acc;
  }

  private async differs(e: Entry): Promise<boolean> {
    const now = await readState(e.abs);
    if (e.prior.kind === 'absent') return now.kind !== 'absent';
    return now.kind !== 'file' || !now.bytes.equals((await this.priorBytes(e))!) || now.mode !== e.prior.mode;
  }

  /** Creates missing parent folders one by one, recording each (write-ahead) before creating it. */
  private async makeParents(dir: string): Promise<void> {
    const missing: string[] = [];
    let d = dir;
    while (!(await fsp.lstat(d).catch(() => undefined))) {
      missing.unshift(d);
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
    for (const m of missing) {
      await this.store.addDir(m);
      await fsp.mkdir(m);
      crashPoint();
      this.createdDirs.push(m);
    }
  }
}

type State = { kind: 'file'; bytes: Buffer; mode: number } | { kind: 'absent' } | { kind: 'other' };

async function readState(abs: string): Promise<State> {
  const st = await fsp.lstat(abs).catch(() => undefined);
  if (!st) return { kind: 'absent' };
  if (!st.isFile()) return { kind: 'other' };
  return { kind: 'file', bytes: await fsp.readFile(abs), mode: st.mode & 0o7777 };
}

/**
 * Puts one file into a wanted state: absent (a file there is removed; a folder is left alone) or these bytes and
 * mode. Returns what it did. Shared by revert, the per-command restore and recovery.
 */
export async function restoreFile(abs: string, want: { kind: 'absent' } | { kind: 'file'; bytes: Buffer; mode: number }): Promise<'restored' | 'removed' | 'unchanged'> {
  if (want.kind === 'absent') {
    const st = await fsp.lstat(abs).catch(() => undefined);
    if (!st || st.isDirectory()) return 'unchanged';
    await fsp.unlink(abs);
    crashPoint();
    return 'removed';
  }
  const now = await readState(abs);
  if (now.kind === 'file' && now.bytes.equals(want.bytes) && now.mode === want.mode) return 'unchanged';
  if (now.kind === 'other') throw new Error('something other than a file is there now; left as it is');
  await fsp.mkdir(path.dirname(abs), { recursive: true });
  // A symlink or hard link planted in its place is replaced, never written through.
  if (now.kind === 'file') await fsp.unlink(abs);
  await fsp.writeFile(abs, want.bytes, { mode: want.mode });
  await fsp.chmod(abs, want.mode);
  crashPoint();
  return 'restored';
}

/** Removes a folder only when it is empty: 'removed', 'kept' (not empty) or 'gone' (already missing). */
export async function removeDirIfEmpty(abs: string): Promise<'removed' | 'kept' | 'gone'> {
  try {
    await fsp.rmdir(abs);
    return 'removed';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'kept';
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (!a || !b) return a === b;
  return a.equals(b);
}
