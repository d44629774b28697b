import { execFileSync } from 'node:child_process';
import { SaleError } from '../core/errors';

/**
 * Read-only git plumbing over a repository folder, for mining. Nothing here writes to the repository: trees are
 * exported with `git archive`, never checked out, so the user's work tree and index are untouched.
 */

const MAX_BUFFER = 256 * 1024 * 1024;

export function git(repo: string, args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync('git', ['-C', repo, ...args], { maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'], ...(input ? { input } : {}) });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new SaleError(`git ${args.join(' ')} failed in ${repo}: ${(err.stderr?.toString('utf8') || err.message).trim()}`, 'git');
  }
}

const text = (repo: string, args: string[]) => git(repo, args).toString('utf8');

/** Commits to mine, oldest first: a range "A..B", or single revisions (each resolved to a full hash). */
export function resolveCommits(repo: string, spec: { range?: string; shas?: string[]; last?: number }): string[] {
  if (spec.range) return text(repo, ['rev-list', '--reverse', '--no-merges', spec.range]).split('\n').filter(Boolean);
  if (spec.last !== undefined) return text(repo, ['rev-list', '--reverse', `--max-count=${spec.last}`, 'HEAD']).split('\n').filter(Boolean);
  return (spec.shas ?? []).map((s) => text(repo, ['rev-parse', '--verify', '--end-of-options', `${s}^{commit}`]).trim());
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  subject: string;
  body: string;
}

export function commitInfo(repo: string, sha: string): CommitInfo {
  const out = text(repo, ['show', '-s', '--format=%H%x00%P%x00%s%x00%b', sha]);
  const [full, parents, subject, body] = out.split('\0');
  return { sha: full.trim(), parents: parents.trim().split(' ').filter(Boolean), subject: subject.trim(), body: (body ?? '').trim() };
}

export interface ChangedFile {
  /** A added, M modified, D deleted, R renamed, C copied, T type change. */
  status: string;
  path: string;
  /** For renames and copies: the old path. */
  from?: string;
  binary: boolean;
}

export function changedFiles(repo: string, parent: string, sha: string): ChangedFile[] {
  const numstat = text(repo, ['diff', '--numstat', '-z', '--no-renames', parent, sha]);
  const binary = new Set<string>();
  for (const rec of numstat.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(rec);
    if (m && m[1] === '-') binary.add(m[3]);
  }
  const parts = text(repo, ['diff', '--name-status', '-z', '-M', parent, sha]).split('\0').filter((x) => x !== '');
  const out: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const status = parts[i++];
    if (/^[RC]/.test(status)) {
      const from = parts[i++];
      const path = parts[i++];
      out.push({ status: status[0], path, from, binary: binary.has(path) || binary.has(from) });
    } else {
      const path = parts[i++];
      out.push({ status: status[0], path, binary: binary.has(path) });
    }
  }
  return out;
}

/** A file's bytes at a commit, or undefined when it does not exist there. */
export function fileAt(repo: string, sha: string, path: string): Buffer | undefined {
  try {
    return execFileSync('git', ['-C', repo, 'show', `${sha}:${path}`], { maxBuffer: MAX_BUFFER, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Paths of the tree at a commit. */
export function treeFiles(repo: string, sha: string): string[] {
  return text(repo, ['ls-tree', '-r', '-z', '--name-only', sha]).split('\0').filter(Boolean);
}

/** Writes the tree of a commit into `dir` (which must exist), through `git archive` and tar. */
export function exportTree(repo: string, sha: string, dir: string): void {
  const tar = git(repo, ['archive', '--format=tar', sha]);
  try {
    execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: tar, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new SaleError(`Could not unpack the tree of ${sha.slice(0, 12)} into ${dir}: ${(e as Error).message}`, 'git');
  }
}

/** Lines added + removed between two commits for the given paths. */
export function changedLineCount(repo: string, parent: string, sha: string, paths: string[]): number {
  if (!paths.length) return 0;
  let n = 0;
  for (const line of text(repo, ['diff', '--numstat', parent, sha, '--', ...paths]).split('\n')) {
    const m = /^(\d+)\t(\d+)\t/.exec(line);
    if (m) n += Number(m[1]) + Number(m[2]);
  }
  return n;
}
