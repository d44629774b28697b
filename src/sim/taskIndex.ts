import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SaleError } from '../core/errors';
import { type SuiteEntry, loadSuite } from '../core/suite';
import { type SuiteTask, complexityBin } from '../core/task';
import type { Bin } from './successModel';

/** A suite task as the simulator knows it, hidden solution included. */
export interface SimTask {
  task: SuiteTask;
  bin: Bin;
  /** Solution files (path relative to the repo root, '/'-separated) and their text. */
  solution: { path: string; content: string }[];
  /** Starting text of each solution file that exists in the repo (undefined for new files). */
  original: Map<string, string | undefined>;
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

const normTitle = (t: string) => t.trim().replace(/\s+/g, ' ').toLowerCase();

export class TaskIndex {
  private readonly byTitle = new Map<string, SimTask>();
  readonly tasks: SimTask[] = [];

  constructor(entries: SuiteEntry[]) {
    for (const e of entries) {
      const solution = listFiles(e.solutionDir).map((path) => ({ path, content: readFileSync(join(e.solutionDir, path), 'utf8') }));
      const original = new Map<string, string | undefined>();
      for (const f of solution) {
        const p = join(e.repoDir, f.path);
        original.set(f.path, existsSync(p) ? readFileSync(p, 'utf8') : undefined);
      }
      const t: SimTask = { task: e.task, bin: complexityBin(e.task.minutes), solution, original };
      const key = normTitle(e.task.title);
      const clash = this.byTitle.get(key);
      if (clash) throw new SaleError(`Suite tasks ${clash.task.id} and ${e.task.id} have the same title; the simulator finds tasks by title.`, 'suite-invalid');
      this.byTitle.set(key, t);
      this.tasks.push(t);
    }
  }

  static fromDir(dir: string | undefined): TaskIndex {
    return new TaskIndex(dir ? loadSuite(dir) : []);
  }

  /** The task whose title is `title` (whitespace and case ignored). */
  byTaskTitle(title: string | undefined): SimTask | undefined {
    return title === undefined ? undefined : this.byTitle.get(normTitle(title));
  }
}
