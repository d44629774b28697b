import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { SaleError, errorMessage } from '../errors';

/**
 * Optional "accept": put the agent's change on a new branch `sale/<task-id>-<short>` as one commit that holds
 * ONLY the files the agent changed.
 *
 * How: `git checkout -b` (the new branch starts at the current commit, so no working-tree file is touched), then
 * `git add -- <new files>` for files git does not know yet, then `git commit --only -- <files>`, which commits
 * exactly those paths from the working tree and leaves everything else — the user's other modified, staged,
 * untracked and ignored files — as it was (staged stays staged). Never `git add -A`, never reset/clean/stash.
 * The user is left on the new branch. On failure the previous branch is checked out again (same commit, so again
 * nothing in the working tree moves) and the new branch is deleted.
 */
export interface AcceptOptions {
  /** Workspace root (may be a sub-folder of the git work tree). */
  root: string;
  taskId: string;
  /** Files the agent changed, relative to `root` (FileJournal.changedFiles()). */
  files: string[];
  message?: string;
  /** Suffix after the task id; random 6 hex characters by default. */
  short?: string;
}

export interface AcceptResult {
  branch: string;
  commit: string;
  /** Paths committed, relative to the git top level. */
  committed: string[];
  /** Files left out because git ignores them (untracked and ignored). */
  skippedIgnored: string[];
  previousBranch: string | null;
}

export async function acceptToBranch(opts: AcceptOptions): Promise<AcceptResult> {
  const root = await fsp.realpath(opts.root).catch(() => {
    throw new SaleError(`Cannot accept: ${opts.root} does not exist.`, 'not-git');
  });
  const git = simpleGit({ baseDir: root });
  let isRepo = false;
  try {
    isRepo = await git.checkIsRepo();
  } catch {
    isRepo = false;
  }
  if (!isRepo) throw new SaleError(`Cannot accept to a branch: ${opts.root} is not inside a git repository.`, 'not-git');
  const top = await fsp.realpath((await git.revparse(['--show-toplevel'])).trim());
  const tg = simpleGit({ baseDir: top });
  if (!opts.files.length) throw new SaleError('Nothing to accept: the agent changed no files.', 'nothing-to-accept');

  const paths = opts.files.map((f) => {
    const abs = path.resolve(root, f);
    const rel = path.relative(top, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new SaleError(`Cannot accept: ${f} is outside the git work tree.`, 'outside-repo');
    return rel.split(path.sep).join('/');
  });

  const branch = `sale/${sanitize(opts.taskId)}-${opts.short ? sanitize(opts.short) : randomBytes(3).toString('hex')}`;
  const exists = (await tg.raw(['branch', '--list', branch])).trim() !== '';
  if (exists) throw new SaleError(`Branch ${branch} already exists.`, 'branch-exists');

  // Every git call that names files uses --literal-pathspecs: an agent-made file named `:(glob)**` or `*` is that
  // one file, never a pathspec that would pull the user's other files into the commit.
  // Sort paths into: known to git (tracked, or deleted from the index), untracked-ignored (skipped), untracked.
  const tracked = new Set((await tg.raw(['--literal-pathspecs', 'ls-files', '-z', '--', ...paths])).split('\0').filter(Boolean));
  const committed: string[] = [];
  const toAdd: string[] = [];
  const skippedIgnored: string[] = [];
  for (const p of paths) {
    if (tracked.has(p)) {
      committed.push(p);
      continue;
    }
    const present = await fsp.lstat(path.join(top, p)).then(() => true, () => false);
    if (!present) continue; // created then deleted: nothing to commit
    if (await isIgnored(tg, p)) skippedIgnored.push(p);
    else {
      toAdd.push(p);
      committed.push(p);
    }
  }
  if (!committed.length) throw new SaleError('Nothing to accept: every changed file is ignored by git.', 'nothing-to-accept');

  const previousBranch = await currentBranch(tg);
  const previousHead = (await tg.raw(['rev-parse', '--verify', '-q', 'HEAD']).catch(() => '')).trim() || null;
  await tg.raw(['checkout', '-q', '-b', branch]);
  try {
    if (toAdd.length) await tg.raw(['--literal-pathspecs', 'add', '--', ...toAdd]);
    const message = opts.message ?? `SALE: ${opts.taskId}`;
    await tg.raw(['--literal-pathspecs', 'commit', '-q', '--only', '-m', message, '--', ...committed]);
    const commit = (await tg.revparse(['HEAD'])).trim();
    return { branch, commit, committed, skippedIgnored, previousBranch };
  } catch (e) {
    // Undo: unstage what we added, return to the previous branch (same commit, so the working tree stays) and drop ours.
    if (toAdd.length) await tg.raw(['--literal-pathspecs', 'rm', '-q', '--cached', '--ignore-unmatch', '--', ...toAdd]).catch(() => undefined);
    if (previousBranch) await tg.raw(['symbolic-ref', 'HEAD', `refs/heads/${previousBranch}`]).catch(() => undefined);
    else if (previousHead) await tg.raw(['update-ref', '--no-deref', 'HEAD', previousHead]).catch(() => undefined);
    await tg.raw(['branch', '-D', branch]).catch(() => undefined);
    throw new SaleError(`Could not commit the change to ${branch}: ${errorMessage(e)}`, 'commit-failed');
  }
}

async function currentBranch(git: ReturnType<typeof simpleGit>): Promise<string | null> {
  try {
    const name = (await git.raw(['symbolic-ref', '-q', '--short', 'HEAD'])).trim();
    return name || null;
  } catch {
    return null; // detached HEAD
  }
}

async function isIgnored(git: ReturnType<typeof simpleGit>, p: string): Promise<boolean> {
  try {
    // Lists the path when it is untracked and ignored (check-ignore has no literal-pathspec mode).
    return (await git.raw(['--literal-pathspecs', 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', p])).split('\0').includes(p);
  } catch {
    return false;
  }
}

function sanitize(s: string): string {
  const clean = s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').replace(/\.{2,}/g, '.').replace(/\.lock$/, '');
  return (clean || 'task').slice(0, 60);
}
