import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { SaleError, errorMessage } from '../errors';
import { type GatedPath, type WalkEntry, WorkspaceGate, looksBinary, walkWorkspace } from './workspaceGate';

/**
 * Exact restore of everything the executing agent changed.
 *
 * Before the first change to a file, the journal records its prior bytes and mode, or that it did not exist.
 * `revert()` writes every recorded file back byte for byte (and its mode), deletes only files that did not exist
 * before, and removes only folders the journal saw being created, and only when they are empty again. It never
 * runs git (no clean, reset or checkout) and never looks at files it did not record, so the user's other
 * uncommitted, untracked and ignored files are untouched.
 *
 * Writes by the agent's tools go through {@link FileJournal.writeText}. Changes made by an approved `run_command`
 * are captured by {@link FileJournal.snapshotBeforeCommand} / {@link FileJournal.recordCommandChanges}: before the
 * command, files not yet recorded (outside skipped folders such as node_modules, up to a byte cap) are copied in
 * memory; afterwards the ones that changed, appeared or disappeared are recorded with that prior state.
 */

type Prior = { kind: 'file'; bytes: Buffer; mode: number } | { kind: 'absent' };

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

export interface CommandSnapshot {
  files: Map<string, WalkEntry & { bytes?: Buffer }>;
  dirs: Set<string>;
  /** Files whose bytes were not copied (over the cap): their changes cannot be reverted exactly. */
  uncopied: number;
  /** True when the walk hit its entry cap (changes beyond it are not seen). */
  incomplete: boolean;
}

export interface CommandChanges {
  recorded: string[];
  /** Files a command changed whose prior bytes were not copied (workspace over the snapshot cap). */
  notRevertible: string[];
}

export const DEFAULT_SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024;

export class FileJournal {
  private readonly entries = new Map<string, Entry>();
  /** Folders created during the run (absolute), in creation order. */
  private readonly createdDirs: string[] = [];

  constructor(readonly gate: WorkspaceGate) {}

  static async open(root: string): Promise<FileJournal> {
    return new FileJournal(await WorkspaceGate.open(root));
  }

  get root(): string {
    return this.gate.root;
  }

  /** Records a file's current state unless it is recorded already (the first prior state wins). */
  async recordPrior(g: GatedPath, via: Entry['via'] = 'tool'): Promise<void> {
    if (this.entries.has(g.abs)) return;
    const st = await fsp.lstat(g.abs).catch(() => undefined);
    let prior: Prior;
    if (!st) prior = { kind: 'absent' };
    else if (st.isFile()) prior = { kind: 'file', bytes: await fsp.readFile(g.abs), mode: st.mode & 0o7777 };
    else throw new SaleError(`"${g.rel}" is not a regular file; it cannot be changed.`, 'not-a-file');
    this.entries.set(g.abs, { abs: g.abs, rel: g.rel, prior, via });
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

  /** A unified diff (jsdiff) of every change, file by file in path order; binary files are named only. */
  async diff(opts: { context?: number } = {}): Promise<string> {
    const parts: string[] = [];
    const sorted = [...this.entries.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const e of sorted) {
      const now = await readState(e.abs);
      const before = e.prior.kind === 'file' ? e.prior.bytes : undefined;
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
        if (e.prior.kind === 'absent') {
          const st = await fsp.lstat(e.abs).catch(() => undefined);
          if (st && !st.isDirectory()) {
            await fsp.unlink(e.abs);
            report.removed.push(e.rel);
          }
        } else {
          const now = await readState(e.abs);
          if (now.kind !== 'file' || !now.bytes.equals(e.prior.bytes) || now.mode !== e.prior.mode) {
            if (now.kind === 'other') throw new Error('something other than a file is there now; left as it is');
            await fsp.mkdir(path.dirname(e.abs), { recursive: true });
            await fsp.writeFile(e.abs, e.prior.bytes);
            await fsp.chmod(e.abs, e.prior.mode);
            report.restored.push(e.rel);
          }
        }
        this.entries.delete(e.abs);
      } catch (err) {
        report.errors.push(`${e.rel}: ${errorMessage(err)}`);
      }
    }
    // Deepest first; only empty folders go.
    const dirs = [...new Set(this.createdDirs)].sort((a, b) => b.length - a.length);
    this.createdDirs.length = 0;
    for (const d of dirs) {
      try {
        await fsp.rmdir(d);
        report.removedDirs.push(this.gate.relative(d));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        report.keptDirs.push(this.gate.relative(d));
      }
    }
    report.restored.sort();
    report.removed.sort();
    return report;
  }

  /**
   * Before a non-test command: stat every file outside skipped folders and copy the bytes of those not yet
   * recorded, up to `maxBytes` in total.
   */
  async snapshotBeforeCommand(opts: { maxBytes?: number; maxEntries?: number } = {}): Promise<CommandSnapshot> {
    const maxBytes = opts.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
    const walk = await walkWorkspace(this.root, this.root, { maxEntries: opts.maxEntries ?? 50_000 });
    const files: CommandSnapshot['files'] = new Map();
    const dirs = new Set<string>();
    let copied = 0;
    let uncopied = 0;
    for (const w of walk.entries) {
      if (w.kind === 'dir') {
        dirs.add(w.abs);
        continue;
      }
      const rec: WalkEntry & { bytes?: Buffer } = { ...w };
      if (!this.entries.has(w.abs)) {
        if (copied + w.size <= maxBytes) {
          try {
            rec.bytes = await fsp.readFile(w.abs);
            copied += rec.bytes.length;
          } catch {
            uncopied++;
          }
        } else uncopied++;
      }
      files.set(w.abs, rec);
    }
    return { files, dirs, uncopied, incomplete: walk.more };
  }

  /** After the command: record what it changed, created or deleted, with the state from the snapshot. */
  async recordCommandChanges(snap: CommandSnapshot): Promise<CommandChanges> {
    const walk = await walkWorkspace(this.root, this.root, { maxEntries: snap.files.size + snap.dirs.size + 50_000 });
    const after = new Map<string, WalkEntry>();
    const recorded: string[] = [];
    const notRevertible: string[] = [];
    for (const w of walk.entries) {
      if (w.kind === 'dir') {
        if (!snap.dirs.has(w.abs)) this.createdDirs.push(w.abs);
        continue;
      }
      after.set(w.abs, w);
    }
    const rel = (abs: string) => this.gate.relative(abs);
    for (const [abs, w] of after) {
      if (this.entries.has(abs)) continue;
      const before = snap.files.get(abs);
      if (!before) {
        this.entries.set(abs, { abs, rel: rel(abs), prior: { kind: 'absent' }, via: 'command' });
        recorded.push(rel(abs));
      } else if (before.size !== w.size || before.mtimeMs !== w.mtimeMs || before.mode !== w.mode) {
        if (before.bytes) {
          this.entries.set(abs, { abs, rel: rel(abs), prior: { kind: 'file', bytes: before.bytes, mode: before.mode & 0o7777 }, via: 'command' });
          recorded.push(rel(abs));
        } else notRevertible.push(rel(abs));
      }
    }
    for (const [abs, before] of snap.files) {
      if (after.has(abs) || this.entries.has(abs)) continue;
      if (before.bytes) {
        this.entries.set(abs, { abs, rel: rel(abs), prior: { kind: 'file', bytes: before.bytes, mode: before.mode & 0o7777 }, via: 'command' });
        recorded.push(rel(abs));
      } else notRevertible.push(rel(abs));
    }
    return { recorded: recorded.sort(), notRevertible: notRevertible.sort() };
  }

  private async differs(e: Entry): Promise<boolean> {
    const now = await readState(e.abs);
    if (e.prior.kind === 'absent') return now.kind !== 'absent';
    return now.kind !== 'file' || !now.bytes.equals(e.prior.bytes) || now.mode !== e.prior.mode;
  }

  /** Creates missing parent folders one by one, remembering each one created. */
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
      await fsp.mkdir(m);
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

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (!a || !b) return a === b;
  return a.equals(b);
}
