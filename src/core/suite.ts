import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
