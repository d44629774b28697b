/*
 * The bench's warm start (issue 13 item 4): how much a memory filled from a repository's own history changes its
 * first tasks. Each repository's tasks are split once, from the suite alone, into its history (its earlier tasks)
 * and the tasks measured (its later ones, at most 10), so a cold and a warm run measure the same tasks in the same
 * orders. With --warm-memory, an auction policy's memory is filled from every repository's history before its
 * stream starts, through the step `sale warmup` takes (core/historyReplay.ts); its cost is kept apart from the
 * measured tasks' dollars.
 */
import { mkdirSync } from 'node:fs';
import { allowListApprover } from '../core/execution/childProcessRunner';
import { replayTask } from '../core/historyReplay';
import { type SuiteEntry, suiteRepoName } from '../core/suite';
import { type PolicyState, auctionPolicySettings, suiteCodingTask } from './policies';
import type { WarmupRun } from './results';

/** The most tasks of one repository measured after its history (the "first 10 tasks of a repository"). */
export const MEASURED_PER_REPO = 10;

/** How a policy's memory starts: empty (`cold`), or filled from history by auctions alone or by whole solves. */
export type WarmMode = 'auction' | 'execute';
export const WARM_MODES: readonly WarmMode[] = ['auction', 'execute'];

export interface RepoSplit {
  /** The repository's name, from its own files (suiteRepoName): what the memory's records are labelled with. */
  repo: string;
  /** Earlier tasks, oldest first: replayed into memory by a warm start, never measured. */
  history: SuiteEntry[];
  /** Later tasks: measured, cold or warm. */
  measured: SuiteEntry[];
}

/**
 * Task ids in time order. Real-history ids carry their release pair (`qs-6.9.0-6.10.0`), so numeric-aware order
 * is release order; hand-written fixtures have no time, and id order is simply a fixed split.
 */
const byTime = (a: SuiteEntry, b: SuiteEntry) => a.task.id.localeCompare(b.task.id, 'en', { numeric: true });

/**
 * Per repository: the later half of its tasks (at most `maxMeasured`) are measured, the earlier ones are its
 * history. A repository with one task has no history (its warm and cold runs start alike).
 */
export function historySplit(entries: SuiteEntry[], maxMeasured = MEASURED_PER_REPO): RepoSplit[] {
  const byRepo = new Map<string, SuiteEntry[]>();
  for (const e of entries) {
    const repo = suiteRepoName(e.repoDir);
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), e]);
  }
  return [...byRepo.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([repo, es]) => {
    const sorted = [...es].sort(byTime);
    const measured = Math.min(maxMeasured, Math.ceil(sorted.length / 2));
    return { repo, history: sorted.slice(0, sorted.length - measured), measured: sorted.slice(sorted.length - measured) };
  });
}

const approver = allowListApprover([]);

/**
 * Fills the policy's memory from every repository's history, oldest first, with the policy's own settings and the
 * order's request seed. Returns one entry per repository with history: what the warm-up cost, paid once.
 */
export async function warmPolicyMemory(state: PolicyState, splits: RepoSplit[], order: number, requestSeed: number, mode: WarmMode): Promise<WarmupRun[]> {
  const memory = state.memory;
  if (!memory) return [];
  mkdirSync(state.workDir, { recursive: true });
  const settings = auctionPolicySettings(state, requestSeed);
  const out: WarmupRun[] = [];
  for (const s of splits) {
    if (!s.history.length) continue;
    const started = Date.now();
    const run: WarmupRun = { order, policy: state.policy, repo: s.repo, mode, tasks: [], passed: 0, usd: 0, tokens: 0, records: 0, wallMs: 0 };
    for (const entry of s.history) {
      const r = await replayTask(
        { models: state.models, memory, settings, runner: state.runner, approver, simulated: state.simulated },
        { task: suiteCodingTask(entry), repoDir: entry.repoDir, execute: mode === 'execute', usdLeft: settings.budget.maxUsd, tmpParent: state.workDir },
      );
      run.tasks.push(entry.task.id);
      run.usd += r.usd;
      run.tokens += r.tokens;
      if (r.passed) run.passed++;
      if (r.recordId) run.records++;
    }
    run.wallMs = Date.now() - started;
    out.push(run);
  }
  return out;
}
