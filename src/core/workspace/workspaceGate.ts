import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { SaleError } from '../errors';

/**
 * The one gate every file operation of the executing agent goes through. It turns a model-given path into an
 * absolute, symlink-resolved path inside the workspace, or refuses with a {@link PathRefusedError} whose message
 * is written for the model (it is returned to it as the tool result).
 *
 * Refused: empty paths, NUL bytes, absolute paths (POSIX, Windows drive and UNC forms), `~` paths, anything that
 * normalises to outside the root (`..`), any path whose nearest existing ancestor (the path itself when it exists)
 * resolves through symlinks to outside the root, dangling symlinks, and `.git` internals (any `.git` segment,
 * before or after symlink resolution).
 *
 * Not covered (documented limit): a symlink swapped in by another process between the check and the use (TOCTOU).
 */
export class PathRefusedError extends SaleError {
  constructor(readonly requested: string, reason: string) {
    super(`Path refused: "${truncateForMessage(requested)}" — ${reason}`, 'path-refused');
    this.name = 'PathRefusedError';
  }
}

/** A path that passed the gate. */
export interface GatedPath {
  /** Absolute path with every existing symlink resolved; what file operations must use. */
  abs: string;
  /** Path relative to the (resolved) workspace root, with forward slashes; "." for the root. */
  rel: string;
  /** Whether something exists at `abs` right now. */
  exists: boolean;
}

export interface TextRead {
  text: string;
  /** Size of the file on disk in bytes. */
  totalBytes: number;
  /** True when only the first `maxBytes` were read. */
  truncated: boolean;
}

/** Files larger than this are never read whole by the gate (read_file shows the first part). */
export const DEFAULT_MAX_READ_BYTES = 1024 * 1024;
/** How many leading bytes are inspected for NUL to call a file binary. */
const BINARY_SNIFF_BYTES = 8192;

export class BinaryFileError extends SaleError {
  constructor(rel: string, bytes: number) {
    super(`"${rel}" is a binary file (${bytes} bytes); it cannot be read or edited as text.`, 'binary-file');
    this.name = 'BinaryFileError';
  }
}

export class WorkspaceGate {
  /** The workspace root with symlinks resolved. */
  readonly root: string;
  readonly maxReadBytes: number;

  private constructor(root: string, maxReadBytes: number) {
    this.root = root;
    this.maxReadBytes = maxReadBytes;
  }

  /** The root must exist and be a directory; it is resolved through symlinks once, here. */
  static async open(root: string, opts: { maxReadBytes?: number } = {}): Promise<WorkspaceGate> {
    let real: string;
    try {
      real = await fsp.realpath(path.resolve(root));
    } catch (e) {
      throw new SaleError(`Workspace root ${root} does not exist (${(e as Error).message}).`, 'workspace-missing');
    }
    const st = await fsp.stat(real);
    if (!st.isDirectory()) throw new SaleError(`Workspace root ${root} is not a folder.`, 'workspace-missing');
    return new WorkspaceGate(real, opts.maxReadBytes ?? DEFAULT_MAX_READ_BYTES);
  }

  /** Resolves a model-given path, or throws {@link PathRefusedError}. "." (or "") with allowRoot means the root. */
  async resolve(requested: string, opts: { allowRoot?: boolean } = {}): Promise<GatedPath> {
    if (typeof requested !== 'string') throw new PathRefusedError(String(requested), 'the path must be a string.');
    const p = requested.trim();
    if (p.includes('\0')) throw new PathRefusedError(requested, 'the path contains a NUL byte.');
    if (p === '' || p === '.' || p === './') {
      if (opts.allowRoot) return { abs: this.root, rel: '.', exists: true };
      throw new PathRefusedError(requested, 'a file path is needed here, relative to the repository root (e.g. "src/index.js").');
    }
    if (path.isAbsolute(p) || path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || /^[A-Za-z]:/.test(p)) {
      throw new PathRefusedError(requested, 'absolute paths are not allowed; use a path relative to the repository root.');
    }
    if (p.startsWith('~')) throw new PathRefusedError(requested, 'home-folder paths are not allowed; use a path relative to the repository root.');
    const parts = p.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
    if (parts.some(isGitSegment)) throw new PathRefusedError(requested, 'the .git folder is off limits.');
    const lexical = path.resolve(this.root, ...parts);
    if (!isInside(this.root, lexical)) throw new PathRefusedError(requested, 'it leads outside the repository (".." escapes are not allowed).');
    if (lexical === this.root) {
      if (opts.allowRoot) return { abs: this.root, rel: '.', exists: true };
      throw new PathRefusedError(requested, 'that is the repository root, not a file.');
    }

    // Find the nearest existing ancestor (the path itself when it exists) and resolve it through symlinks.
    let existing = lexical;
    const rest: string[] = [];
    for (;;) {
      const st = await lstatOrUndefined(existing);
      if (st) break;
      rest.unshift(path.basename(existing));
      existing = path.dirname(existing);
      if (!isInside(this.root, existing)) throw new PathRefusedError(requested, 'it leads outside the repository.');
    }
    let real: string;
    try {
      real = await fsp.realpath(existing);
    } catch {
      throw new PathRefusedError(requested, 'it goes through a symbolic link whose target does not exist.');
    }
    if (!isInside(this.root, real)) {
      throw new PathRefusedError(requested, 'it goes through a symbolic link that leads outside the repository.');
    }
    const abs = rest.length ? path.join(real, ...rest) : real;
    const rel = toRel(this.root, abs);
    if (rel.split('/').some(isGitSegment)) throw new PathRefusedError(requested, 'it resolves into the .git folder, which is off limits.');
    return { abs, rel: rel === '' ? '.' : rel, exists: rest.length === 0 };
  }

  /**
   * Reads a regular text file through the gate. Refuses folders, special files (FIFOs, devices) and binary files
   * (a NUL byte in the first 8 KB); files over `maxBytes` are read only up to it.
   */
  async readText(requested: string, opts: { maxBytes?: number } = {}): Promise<TextRead & GatedPath> {
    const g = await this.resolve(requested);
    return { ...g, ...(await this.readGatedText(g, opts)) };
  }

  async readGatedText(g: GatedPath, opts: { maxBytes?: number } = {}): Promise<TextRead> {
    const maxBytes = opts.maxBytes ?? this.maxReadBytes;
    const st = await fsp.stat(g.abs).catch(() => undefined);
    if (!st) throw new SaleError(`"${g.rel}" does not exist.`, 'not-found');
    if (st.isDirectory()) throw new SaleError(`"${g.rel}" is a folder, not a file; use list_files to see its contents.`, 'is-directory');
    if (!st.isFile()) throw new SaleError(`"${g.rel}" is not a regular file.`, 'not-a-file');
    const fh = await fsp.open(g.abs, 'r');
    try {
      const want = Math.min(st.size, maxBytes);
      const buf = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const data = buf.subarray(0, got);
      if (looksBinary(data)) throw new BinaryFileError(g.rel, st.size);
      return { text: data.toString('utf8'), totalBytes: st.size, truncated: st.size > got };
    } finally {
      await fh.close();
    }
  }

  /** Relative path (forward slashes) of an absolute path inside the root. */
  relative(abs: string): string {
    return toRel(this.root, abs) || '.';
  }
}

export function looksBinary(data: Buffer): boolean {
  return data.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

function isGitSegment(s: string): boolean {
  return s.toLowerCase() === '.git';
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false;
  return !/^\.\.(?:[\\/]|$)/.test(rel);
}

function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

async function lstatOrUndefined(p: string) {
  try {
    return await fsp.lstat(p);
  } catch {
    return undefined;
  }
}

function truncateForMessage(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Folders that file lists, searches and command snapshots skip: VCS internals, dependencies, build output, caches. */
export const SKIPPED_DIR_NAMES: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'bower_components', 'dist', 'build', 'out', 'coverage', '.nyc_output',
  '__pycache__', '.venv', 'venv', '.env', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache',
  '.idea', '.gradle', 'target', '.next', '.nuxt', '.cache', '.parcel-cache', '.turbo', '.sale-tmp', '.eggs',
]);

export interface WalkEntry {
  abs: string;
  /** Relative to the walk root's workspace root, forward slashes. */
  rel: string;
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  mode: number;
}

/**
 * Walks a folder inside the workspace in sorted order, depth first, without following symlinks (symlinks are not
 * listed at all) and skipping {@link SKIPPED_DIR_NAMES} and names ending in `.egg-info`. Stops after `maxEntries`
 * entries and then reports `more: true`.
 */
export async function walkWorkspace(
  root: string,
  start: string,
  opts: { maxEntries?: number; skipDirs?: ReadonlySet<string>; onSkipped?: (rel: string, mtimeMs: number) => void } = {},
): Promise<{ entries: WalkEntry[]; more: boolean }> {
  const max = opts.maxEntries ?? 50_000;
  const skip = opts.skipDirs ?? SKIPPED_DIR_NAMES;
  const entries: WalkEntry[] = [];
  let more = false;
  const visit = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (entries.length >= max) {
        more = true;
        return;
      }
      const abs = path.join(dir, name);
      const st = await lstatOrUndefined(abs);
      if (!st || st.isSymbolicLink()) continue;
      const rel = toRel(root, abs);
      if (st.isDirectory()) {
        if (skip.has(name) || name.endsWith('.egg-info')) {
          opts.onSkipped?.(rel, st.mtimeMs);
          continue;
        }
        entries.push({ abs, rel, kind: 'dir', size: 0, mtimeMs: st.mtimeMs, mode: st.mode });
        await visit(abs);
        if (more) return;
      } else if (st.isFile()) {
        entries.push({ abs, rel, kind: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: st.mode });
      }
    }
  };
  await visit(start);
  return { entries, more };
}
