/**
 * "SALE: Solve a Sample Task…": the simulated pool can only solve the bundled sample tasks (the simulator knows a
 * task by its title and plays it from the suite's solution), so the pick list offers exactly those. A task fits
 * the open folder when the folder is that task's sample repository (every file of the task's `repo/` is there,
 * and its manifest is the same): only then can its tests pass here. Fitting tasks come first, with the TODO
 * comment that names them when there is one (npm run try-it writes it). No `vscode` import.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SampleTask {
  id: string;
  title: string;
  body: string;
  /** The task's starting repository (the suite's `<id>/repo/`). */
  repoDir: string;
}

export interface SampleTaskChoice {
  id: string;
  title: string;
  body: string;
  /** The open folder is this task's sample repository: its tests can pass here. */
  fitsHere: boolean;
  /** The TODO comment in the folder that names this task (solving it goes through the TODO). */
  todo?: { rel: string; line: number };
}

/** Manifests that tell two repositories apart; when the task's repo has one, the folder's must be byte-equal. */
const MANIFESTS = ['package.json', 'pyproject.toml', 'setup.py', 'Cargo.toml', 'go.mod'];
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', '.venv']);

function filesUnder(dir: string, root = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, root, out);
    else out.push(relative(root, p));
  }
  return out;
}

/** Whether `folder` is (a working copy of) the task's sample repository. Edited source files still fit. */
export function fitsFolder(task: Pick<SampleTask, 'repoDir'>, folder: string): boolean {
  let files: string[];
  try {
    files = filesUnder(task.repoDir);
  } catch {
    return false;
  }
  if (!files.length || !files.every((f) => existsSync(join(folder, f)))) return false;
  return MANIFESTS.filter((m) => files.includes(m)).every((m) => {
    try {
      return readFileSync(join(task.repoDir, m)).equals(readFileSync(join(folder, m)));
    } catch {
      return false;
    }
  });
}

/** The pick list: tasks that fit the folder first (then by id), each with the TODO that names it, if any. */
export function sampleTaskChoices(tasks: SampleTask[], folder: string | undefined, todos: { rel: string; line: number; text: string }[]): SampleTaskChoice[] {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return tasks
    .map((t) => {
      const todo = todos.find((x) => norm(x.text) === norm(t.title));
      return {
        id: t.id,
        title: t.title,
        body: t.body,
        fitsHere: folder !== undefined && fitsFolder(t, folder),
        ...(todo ? { todo: { rel: todo.rel, line: todo.line } } : {}),
      };
    })
    .sort((a, b) => Number(b.fitsHere) - Number(a.fitsHere) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
