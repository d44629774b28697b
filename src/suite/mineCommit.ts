import { existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandRunner } from '../core/ports/commandRunner';
import { SaleError } from '../core/errors';
import { checkTask, copyDir } from '../core/suite';
import type { SuiteTask } from '../core/task';
import { installNodeDependencies } from './dependencyInstall';
import { type ChangedFile, type CommitInfo, changedFiles, changedLineCount, commitInfo, exportTree, fileAt, treeFiles } from './gitCommits';
import { estimateMinutes, keyStepsFromDiff, taskBody, taskId, taskTitle } from './minedTaskText';
import { classifyLicence, isDocPath, isLicencePath, isTestPath } from './repoFiles';
import { detectTestCommand } from './testCommand';

/**
 * One commit → one suite task (DESIGN §5), or the reason it does not qualify. `repo/` is the parent tree plus the
 * commit's test changes (so the new tests fail), `solution/` is the commit's other changes. The task is kept
 * only when its tests fail before and pass after the solution, run for real.
 */
export interface MineOptions {
  repo: string;
  outDir: string;
  runner: CommandRunner;
  /**
   * Runs the dependency install (default: `runner`). The CLI passes an unsandboxed one: npm needs the network, the
   * user's npm configuration and the cache folder, and runs no package code (--ignore-scripts).
   */
  installRunner?: CommandRunner;
  /** Shared npm cache folder for dependency installs. */
  cacheDir: string;
  /** Family of the tasks (memory's notion of "similar"); default: the repository folder's name. */
  family?: string;
  /** Titles already used in the suite (the simulator finds tasks by title); updated. */
  titles?: Set<string>;
  testTimeoutMs?: number;
  /** More changed source files than this: skipped (not a reviewable task). */
  maxSourceFiles?: number;
  /** The test command from the caller (e.g. a suite manifest) instead of the detected one; undefined → detect. */
  testCommand?: (changedTests: string[]) => string | undefined;
  /** Which devDependencies to install: all (default), or only those the repository's tests and source import. */
  devDependencies?: 'all' | 'imported';
  /** Id, title and body from the caller instead of the commit message, and facts for the `mined` block. */
  naming?: { id?: string; title?: string; body?: string; origin?: Record<string, unknown> };
}

export type MineOutcome =
  | { sha: string; status: 'mined'; id: string; title: string; testCommand: string }
  | { sha: string; status: 'skipped'; reason: string }
  | { sha: string; status: 'exists'; id: string };

const short = (sha: string) => sha.slice(0, 8);

function skip(sha: string, reason: string): MineOutcome {
  return { sha, status: 'skipped', reason };
}

/** `root`/`rel` for a path from the mined tree, refusing paths that leave `root` or pass through a symlink in it. */
function safePath(root: string, rel: string): string {
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.some((x) => x === '..' || x === '')) throw new SaleError(`Refusing the path ${JSON.stringify(rel)} from the repository`, 'suite-invalid');
  for (let i = 1; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(0, i));
    if (existsSync(dir) && lstatSync(dir).isSymbolicLink()) throw new SaleError(`Refusing ${rel}: ${parts.slice(0, i).join('/')} is a symlink`, 'suite-invalid');
  }
  return join(root, rel);
}

function writeFile(root: string, rel: string, data: Buffer): void {
  const p = safePath(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

export interface QualifyingCommit {
  info: CommitInfo;
  parent: string;
  tests: ChangedFile[];
  /** Everything else the commit changes (the solution): source, docs. */
  others: ChangedFile[];
  source: ChangedFile[];
  licence: { name: string; file: string | undefined };
}

/**
 * The checks that need no test run: one parent, changes tests and source, only adds or changes solution files
 * (the suite format cannot express a deletion), no binaries, a bounded size, a permissive licence.
 */
export function qualifyCommit(repo: string, sha: string, maxSourceFiles = 12): QualifyingCommit | { sha: string; reason: string } {
  const info = commitInfo(repo, sha);
  if (info.parents.length === 0) return { sha: info.sha, reason: 'root commit (no parent to start from)' };
  if (info.parents.length > 1) return { sha: info.sha, reason: 'merge commit' };
  const parent = info.parents[0];
  const files = changedFiles(repo, parent, info.sha);
  const tests = files.filter((f) => isTestPath(f.path) || (f.from !== undefined && isTestPath(f.from)));
  const others = files.filter((f) => !tests.includes(f));
  const source = others.filter((f) => !isDocPath(f.path));
  const no = (reason: string) => ({ sha: info.sha, reason });
  if (!tests.some((f) => f.status !== 'D')) return no('changes no test file');
  if (!source.length) return no('changes no source file (tests or docs only)');
  const bad = others.find((f) => f.status === 'D' || f.status === 'R' || f.status === 'T');
  if (bad) return no(`${bad.status === 'D' ? 'deletes' : bad.status === 'R' ? 'renames' : 'changes the type of'} ${bad.path} (a suite solution can only add or change files)`);
  const binary = others.find((f) => f.binary);
  if (binary) return no(`changes a binary file (${binary.path})`);
  if (source.length > maxSourceFiles) return no(`changes ${source.length} source files (more than ${maxSourceFiles})`);
  const licencePath = treeFiles(repo, parent).find((p) => !p.includes('/') && isLicencePath(p));
  const licence = classifyLicence(licencePath ? fileAt(repo, parent, licencePath)?.toString('utf8') : undefined);
  if (!licence.permissive) return no(`licence: ${licence.reason}`);
  return { info, parent, tests, others, source, licence: { name: licence.name, file: licencePath } };
}

export async function mineCommit(sha: string, opts: MineOptions): Promise<MineOutcome> {
  const q = qualifyCommit(opts.repo, sha, opts.maxSourceFiles);
  if ('reason' in q) return skip(q.sha, q.reason);
  const { info, parent, tests, others, source } = q;
  const licence = q.licence;
  const licencePath = q.licence.file;

  const id = opts.naming?.id ?? taskId(info.subject, info.sha);
  const taskDir = join(opts.outDir, id);
  if (existsSync(join(taskDir, 'task.json'))) return { sha: info.sha, status: 'exists', id };

  let title = opts.naming?.title ?? taskTitle(info.subject);
  if (opts.titles?.has(title.toLowerCase())) title = `${title} (${short(info.sha)})`;

  // Build in a temporary folder next to the suite and move it in only when the task checks out.
  mkdirSync(opts.outDir, { recursive: true });
  const work = mkdtempSync(join(opts.outDir, `_mining-${short(info.sha)}-`));
  try {
    const repoDir = join(work, 'repo');
    const solutionDir = join(work, 'solution');
    mkdirSync(repoDir);
    mkdirSync(solutionDir);
    exportTree(opts.repo, parent, repoDir);
    for (const f of tests) applyChange(opts.repo, info.sha, f, repoDir);
    const solutionFiles: { path: string; before: string | undefined; after: string }[] = [];
    for (const f of others) {
      const after = fileAt(opts.repo, info.sha, f.path);
      if (!after) return skip(info.sha, `cannot read ${f.path} at ${short(info.sha)}`);
      writeFile(solutionDir, f.path, after);
      if (!isDocPath(f.path)) solutionFiles.push({ path: f.path, before: fileAt(opts.repo, parent, f.path)?.toString('utf8'), after: after.toString('utf8') });
    }
    const testPaths = tests.filter((f) => f.status !== 'D').map((f) => f.path);
    const given = opts.testCommand?.(testPaths);
    const detected = given ? { command: given, narrowed: true } : opts.testCommand ? undefined : detectTestCommand(repoDir, testPaths);
    if (!detected) return skip(info.sha, opts.testCommand ? 'no test entry point among the changed tests' : 'no test runner detected (npm test, node --test, mocha, jest, vitest, pytest, go test)');

    const deps = await installNodeDependencies(work, repoDir, opts.cacheDir, opts.installRunner ?? opts.runner, { devDependencies: opts.devDependencies });
    if (!deps.installed && deps.note && deps.note !== 'no dependencies') return skip(info.sha, `dependencies: ${deps.note}`);

    const verdict = await checkTask(repoDir, solutionDir, detected.command, opts.runner, opts.testTimeoutMs ?? 5 * 60_000);
    if (verdict) return skip(info.sha, verdict);

    const task: SuiteTask = {
      id,
      title,
      body: opts.naming?.body ?? taskBody(info.subject, info.body, testPaths),
      family: opts.family ?? familyOf(opts.repo),
      minutes: estimateMinutes(changedLineCount(opts.repo, parent, info.sha, source.map((f) => f.path)), source.length),
      testCommand: detected.command,
      keySteps: keyStepsFromDiff(solutionFiles),
    };
    writeFileSync(join(work, 'task.json'), `${JSON.stringify({ ...task, mined: { repo: basename(opts.repo), ...opts.naming?.origin, commit: info.sha, parent, licence: licence.name, licenceFile: licencePath, narrowed: detected.narrowed } }, null, 2)}\n`);
    rmSync(taskDir, { recursive: true, force: true });
    renameDir(work, taskDir);
    if (deps.installed) {
      // The link is absolute (copies of repo/ must find it too), so it is re-pointed at the task's final place.
      unlinkSync(join(taskDir, 'repo', 'node_modules'));
      symlinkSync(resolve(taskDir, 'deps', 'node_modules'), join(taskDir, 'repo', 'node_modules'));
    }
    opts.titles?.add(title.toLowerCase());
    return { sha: info.sha, status: 'mined', id, title, testCommand: detected.command };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function applyChange(repo: string, sha: string, f: ChangedFile, dir: string): void {
  if (f.from && f.from !== f.path && existsSync(safePath(dir, f.from))) unlinkSync(safePath(dir, f.from));
  if (f.status === 'D') {
    if (existsSync(safePath(dir, f.path))) unlinkSync(safePath(dir, f.path));
    return;
  }
  const data = fileAt(repo, sha, f.path);
  if (data) writeFile(dir, f.path, data);
}

function familyOf(repo: string): string {
  return basename(repo.replace(/[\\/]+$/, '')).toLowerCase().replace(/[^\w-]+/g, '-') || 'repo';
}

function renameDir(from: string, to: string): void {
  // Same parent folder, so a rename; a copy only on file systems that refuse it.
  try {
    renameSync(from, to);
  } catch {
    copyDir(from, to);
  }
}
