import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type CommandRunner, commandPassed } from './ports/commandRunner';
import { SaleError } from './errors';
import { formatZodIssues } from './zodIssues';
import { type SuiteTask, SuiteTaskSchema } from './task';

/** One task of a suite folder (DESIGN §5): `<dir>/<id>/{task.json, repo/, solution/}`. */
export interface SuiteEntry {
  task: SuiteTask;
  /** The task's folder. */
  dir: string;
  /** Starting repository (tests failing). Copy it before running anything in it. */
  repoDir: string;
  /** Files that make the tests pass. Only the simulator may read them. */
  solutionDir: string;
}

/** Loads and validates every task of a suite folder, sorted by id. Folders starting with "." or "_" are skipped. */
export function loadSuite(dir: string): SuiteEntry[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SaleError(`Task suite folder not found: ${root}`, 'suite-invalid');
  const entries: SuiteEntry[] = [];
  for (const name of readdirSync(root).sort()) {
    const taskDir = join(root, name);
    if (name.startsWith('.') || name.startsWith('_') || !statSync(taskDir).isDirectory()) continue;
    const file = join(taskDir, 'task.json');
    if (!existsSync(file)) throw new SaleError(`Suite task folder ${taskDir} has no task.json`, 'suite-invalid');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SaleError(`Suite task ${file} is not valid JSON: ${(e as Error).message}`, 'suite-invalid');
    }
    const r = SuiteTaskSchema.safeParse(json);
    if (!r.success) throw new SaleError(`Invalid suite task ${file}:\n${formatZodIssues(r.error)}`, 'suite-invalid');
    if (r.data.id !== name) throw new SaleError(`Suite task ${file}: id "${r.data.id}" must equal its folder name "${name}"`, 'suite-invalid');
    const repoDir = join(taskDir, 'repo');
    const solutionDir = join(taskDir, 'solution');
    for (const [what, d] of [['repo', repoDir], ['solution', solutionDir]] as const) {
      if (!existsSync(d) || !statSync(d).isDirectory()) throw new SaleError(`Suite task ${taskDir} has no ${what}/ folder`, 'suite-invalid');
    }
    entries.push({ task: r.data, dir: taskDir, repoDir, solutionDir });
  }
  return entries.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
}

/**
 * The name a task's repository goes by, from its own files (as for a user's repository): package.json's name,
 * else pyproject.toml's, else its top-level Python package, else its folder name. Never the suite's metadata.
 */
export function suiteRepoName(repoDir: string): string {
  const read = (f: string) => {
    try {
      return readFileSync(join(repoDir, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  try {
    const name = (JSON.parse(read('package.json') ?? 'null') as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // not JSON: try the next source
  }
  const py = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(read('pyproject.toml') ?? '')?.[1];
  if (py) return py;
  const pkg = readdirSync(repoDir).sort().find((d) => existsSync(join(repoDir, d, '__init__.py')));
  return pkg ?? basename(resolve(repoDir));
}

/** Recursive copy that keeps file modes (executable scripts stay executable) and symlinks as symlinks. */
export function copyDir(src: string, dst: string): void {
  const st = statSync(src);
  if (!st.isDirectory()) throw new SaleError(`copyDir: ${src} is not a folder`);
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const to = join(dst, name);
    const ls = lstatSync(from);
    if (ls.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (ls.isDirectory()) copyDir(from, to);
    else if (ls.isFile()) {
      copyFileSync(from, to);
      chmodSync(to, ls.mode & 0o7777);
    }
  }
  // Last, so a read-only source folder does not stop us filling the copy.
  chmodSync(dst, st.mode & 0o7777);
}

/** Fail before, pass after — each run on a fresh copy. Undefined when the task checks out, else why not. */
export async function checkTask(repoDir: string, solutionDir: string, command: string, runner: CommandRunner, timeoutMs: number): Promise<string | undefined> {
  const tmp = mkdtempSync(join(tmpdir(), 'sale-task-check-'));
  try {
    const before = join(tmp, 'before');
    copyDir(repoDir, before);
    const r0 = await runner.run(command, { cwd: before, timeoutMs });
    if (r0.timedOut) return `the tests time out before the change (${timeoutMs} ms)`;
    if (commandPassed(r0)) return 'the tests already pass before the change (the new tests do not fail)';
    const after = join(tmp, 'after');
    copyDir(repoDir, after);
    copyDir(solutionDir, after);
    const r1 = await runner.run(command, { cwd: after, timeoutMs });
    if (!commandPassed(r1)) return `the tests do not pass after the change (exit ${r1.exitCode ?? 'none'}): ${r1.output.trim().slice(-300)}`;
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
