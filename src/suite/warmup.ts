import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { bidMessages } from '../core/auction/prompts';
import { loadSuite } from '../core/suite';
import { replayTask } from '../core/historyReplay';
import type { AuctionMemory } from '../core/memory/auctionMemory';
import type { CancelSignal } from '../core/ports/cancel';
import type { ChatModel } from '../core/ports/chatModel';
import type { CommandApprover, CommandRunner } from '../core/ports/commandRunner';
import type { SolveSettings } from '../core/solve';
import type { CodingTask } from '../core/task';
import { buildRepoContext } from '../core/workspace/repoContext';
import { resolveCommits } from './gitCommits';
import { mineCommit, qualifyCommit } from './mineCommit';
import { taskBody, taskTitle } from './minedTaskText';

/**
 * Warm-up: replays a repository's recent qualifying commits (changed source and tests together) through the
 * auction — and, when asked, through execution on the commit's parent with its new tests — so the repository's
 * memory has examples before its first real task. Shows an estimate first, stops before a task that could
 * overrun the budget, is cancellable between and during tasks, and resumes from a progress file.
 */

export interface WarmupCandidate {
  sha: string;
  title: string;
  task: CodingTask;
}

export interface WarmupPlan {
  candidates: WarmupCandidate[];
  /** Already done in an earlier run (from the progress file). */
  alreadyDone: number;
  skipped: { sha: string; reason: string }[];
  /** Upper bound of one task's dollars (auction at every token cap, plus the execution budget when executing). */
  perTaskUsd: number;
  estimateUsd: number;
}

const ProgressSchema = z.object({
  version: z.literal(1),
  repo: z.string(),
  done: z.record(z.string(), z.object({ usd: z.number(), recordId: z.string().optional(), passed: z.boolean().optional(), skipped: z.string().optional() })),
});
type Progress = z.infer<typeof ProgressSchema>;

export function readProgress(file: string, repo: string): Progress {
  if (existsSync(file)) {
    try {
      const p = ProgressSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (p.repo === repo) return p;
    } catch {
      // an unreadable progress file only costs repeating work; it is replaced on the next write
    }
  }
  return { version: 1, repo, done: {} };
}

function writeProgress(file: string, p: Progress): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(p, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * Worst-case dollars of one auction: every agent bids at the plan cap, every judge reads all plans and answers at
 * its cap, every agent but one refines with k examples of two plans. Prompt tokens are bounded by ~1 token a byte.
 */
export function auctionUpperBoundUsd(models: ChatModel[], settings: SolveSettings['auction'], promptBytes: number): number {
  const n = models.length;
  const plan = settings.maxPlanTokens;
  let usd = 0;
  for (const m of models) {
    const p = m.agent.price;
    const cost = (input: number, output: number) => (input * p.inputPerMTok + output * p.outputPerMTok) / 1e6;
    usd += cost(promptBytes, plan);
    usd += settings.juryMode === 'per-pair' ? n * cost(promptBytes + plan, 120) : cost(promptBytes + n * plan, 120 + 60 * n);
    if (settings.refine) usd += cost(promptBytes + plan + settings.k * 2 * plan, plan);
  }
  return usd;
}

export interface WarmupOptions {
  repo: string;
  last: number;
  models: ChatModel[];
  memory: AuctionMemory;
  settings: SolveSettings;
  execute: boolean;
  progressFile: string;
  runner: CommandRunner;
  approver: CommandApprover;
  /** Where tasks are mined for execution (a cache; default next to the progress file). */
  workDir?: string;
  signal?: CancelSignal;
  simulated?: boolean;
  onProgress?: (e: { sha: string; title: string; index: number; of: number; usd: number; passed?: boolean; skipped?: string }) => void;
}

export async function planWarmup(opts: Pick<WarmupOptions, 'repo' | 'last' | 'models' | 'settings' | 'execute' | 'progressFile'>): Promise<WarmupPlan> {
  const progress = readProgress(opts.progressFile, opts.repo);
  const candidates: WarmupCandidate[] = [];
  const skipped: { sha: string; reason: string }[] = [];
  let alreadyDone = 0;
  for (const sha of resolveCommits(opts.repo, { last: opts.last })) {
    if (progress.done[sha]) {
      alreadyDone++;
      continue;
    }
    const q = qualifyCommit(opts.repo, sha);
    if ('reason' in q) {
      skipped.push(q);
      continue;
    }
    const tests = q.tests.filter((f) => f.status !== 'D').map((f) => f.path);
    const title = taskTitle(q.info.subject);
    candidates.push({
      sha,
      title,
      task: {
        id: `history-${sha.slice(0, 12)}`, title, body: taskBody(q.info.subject, q.info.body, tests), source: 'history',
        repo: basename(opts.repo), focusFiles: q.source.map((f) => f.path),
      },
    });
  }
  // Prompt size of the largest bid prompt (task + repository summary), in bytes: at least its token count.
  let promptBytes = 0;
  if (candidates.length && opts.models.length) {
    const ctx = await buildRepoContext(opts.repo, {});
    for (const c of candidates) {
      promptBytes = Math.max(promptBytes, Buffer.byteLength(JSON.stringify(bidMessages(opts.models[0].agent.id, c.task, ctx, opts.settings.auction.maxPlanTokens)), 'utf8'));
    }
  }
  const perTaskUsd = auctionUpperBoundUsd(opts.models, opts.settings.auction, promptBytes) + (opts.execute ? opts.settings.budget.maxUsd : 0);
  return { candidates, alreadyDone, skipped, perTaskUsd, estimateUsd: perTaskUsd * candidates.length };
}

export interface WarmupResult {
  done: number;
  spentUsd: number;
  stoppedBy: 'finished' | 'budget' | 'cancelled';
  /** Memory records added. */
  records: string[];
}

/** Runs the plan within `budgetUsd` (this run's dollars), recording progress after every task. */
export async function runWarmup(opts: WarmupOptions, plan: WarmupPlan, budgetUsd: number): Promise<WarmupResult> {
  const progress = readProgress(opts.progressFile, opts.repo);
  const records: string[] = [];
  let spent = 0;
  let done = 0;
  const workDir = opts.workDir ?? join(dirname(opts.progressFile), `${basename(opts.progressFile, '.json')}-tasks`);
  for (let i = 0; i < plan.candidates.length; i++) {
    const c = plan.candidates[i];
    if (opts.signal?.cancelled) return { done, spentUsd: spent, stoppedBy: 'cancelled', records };
    if (progress.done[c.sha]) continue;
    // Start a task only if its worst case fits in what is left.
    if (spent + plan.perTaskUsd > budgetUsd + 1e-12) return { done, spentUsd: spent, stoppedBy: 'budget', records };
    let usd = 0;
    let passed: boolean | undefined;
    let recordId: string | undefined;
    let skippedReason: string | undefined;
    try {
      if (opts.execute) {
        const r = await executeCommit(opts, c, workDir, budgetUsd - spent);
        usd = r.usd;
        passed = r.passed;
        recordId = r.recordId;
        skippedReason = r.skipped;
      } else {
        const r = await replayTask(opts, { task: c.task, repoDir: opts.repo, execute: false, usdLeft: budgetUsd - spent });
        usd = r.usd;
        recordId = r.recordId;
      }
    } catch (e) {
      if (opts.signal?.cancelled) return { done, spentUsd: spent, stoppedBy: 'cancelled', records };
      throw e;
    }
    spent += usd;
    done++;
    if (recordId) records.push(recordId);
    progress.done[c.sha] = { usd, ...(recordId ? { recordId } : {}), ...(passed !== undefined ? { passed } : {}), ...(skippedReason ? { skipped: skippedReason } : {}) };
    writeProgress(opts.progressFile, progress);
    opts.onProgress?.({ sha: c.sha, title: c.title, index: i + 1, of: plan.candidates.length, usd, ...(passed !== undefined ? { passed } : {}), ...(skippedReason ? { skipped: skippedReason } : {}) });
  }
  return { done, spentUsd: spent, stoppedBy: 'finished', records };
}

/** Mines the commit (fail-before/pass-after checked), then auction + execution on a throw-away copy of its repo/. */
async function executeCommit(opts: WarmupOptions, c: WarmupCandidate, workDir: string, usdLeft: number): Promise<{ usd: number; passed?: boolean; recordId?: string; skipped?: string }> {
  mkdirSync(workDir, { recursive: true });
  const mined = await mineCommit(c.sha, { repo: opts.repo, outDir: workDir, runner: opts.runner, cacheDir: join(workDir, '.npm-cache') });
  if (mined.status === 'skipped') return { usd: 0, skipped: mined.reason };
  const entry = loadSuite(workDir).find((e) => e.task.id === mined.id);
  if (!entry) return { usd: 0, skipped: 'mined task not found' };
  return replayTask(opts, { task: { ...c.task, testCommand: entry.task.testCommand }, repoDir: entry.repoDir, execute: true, usdLeft, tmpParent: workDir });
}
