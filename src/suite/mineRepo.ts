import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CancelSignal } from '../core/ports/cancel';
import type { CommandRunner } from '../core/ports/commandRunner';
import { type MineOutcome, mineCommit } from './mineCommit';
import { resolveCommits } from './gitCommits';

/**
 * `sale suite mine`: every selected commit of a repository through mineCommit, oldest first, into one suite
 * folder. Tasks already in the folder are kept (mining again resumes), and `_mine-report.json` lists every
 * commit with its task id or the reason it was skipped.
 */
export interface MineRepoOptions {
  repo: string;
  outDir: string;
  commits: { range?: string; shas?: string[]; last?: number };
  runner: CommandRunner;
  installRunner?: CommandRunner;
  cacheDir?: string;
  family?: string;
  signal?: CancelSignal;
  onOutcome?: (o: MineOutcome) => void;
}

export const MINE_REPORT = '_mine-report.json';

export async function mineRepo(opts: MineRepoOptions): Promise<MineOutcome[]> {
  const shas = resolveCommits(opts.repo, opts.commits);
  const titles = new Set<string>();
  if (existsSync(opts.outDir)) {
    for (const name of readdirSync(opts.outDir)) {
      const f = join(opts.outDir, name, 'task.json');
      if (!existsSync(f)) continue;
      try {
        titles.add(String((JSON.parse(readFileSync(f, 'utf8')) as { title?: unknown }).title).toLowerCase());
      } catch {
        // loadSuite reports broken tasks; here they only cannot reserve a title
      }
    }
  }
  const out: MineOutcome[] = [];
  for (const sha of shas) {
    if (opts.signal?.cancelled) break;
    let o: MineOutcome;
    try {
      o = await mineCommit(sha, { repo: opts.repo, outDir: opts.outDir, runner: opts.runner, installRunner: opts.installRunner, cacheDir: opts.cacheDir ?? join(opts.outDir, '.npm-cache'), family: opts.family, titles });
    } catch (e) {
      o = { sha, status: 'skipped', reason: `error: ${(e as Error).message}` };
    }
    out.push(o);
    opts.onOutcome?.(o);
  }
  if (existsSync(opts.outDir)) writeFileSync(join(opts.outDir, MINE_REPORT), `${JSON.stringify({ repo: opts.repo, commits: out }, null, 2)}\n`);
  return out;
}
