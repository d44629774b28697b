import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuction } from './auction/auction';
import { auctionUsageTotals } from './auction/auctionRecord';
import type { AuctionMemory } from './memory/auctionMemory';
import type { CancelSignal } from './ports/cancel';
import type { ChatModel } from './ports/chatModel';
import type { CommandApprover, CommandRunner } from './ports/commandRunner';
import { type SolveSettings, solveTask } from './solve';
// Spelled through ../core: the layer rule reads a bare './suite' as the outward src/suite layer.
import { copyDir } from '../core/suite';
import type { CodingTask } from './task';
import { buildRepoContext } from './workspace/repoContext';

/** What one replay needs: the models, the memory it fills and the settings (the bench passes its policy's own). */
export interface ReplayContext {
  models: ChatModel[];
  memory: AuctionMemory;
  settings: SolveSettings;
  runner: CommandRunner;
  approver: CommandApprover;
  signal?: CancelSignal;
  simulated?: boolean;
}

export interface ReplayResult {
  usd: number;
  tokens: number;
  passed?: boolean;
  recordId?: string;
}

/**
 * One history task into memory — the single step both `sale warmup` and the bench's warm start (`--warm-memory`)
 * take: an auction recorded as it is, or with `execute` the whole solve (auction, edit–test loop, escalation, outcome)
 * on a throw-away copy of `repoDir`, whose own files are never touched.
 */
export async function replayTask(ctx: ReplayContext, t: { task: CodingTask; repoDir: string; execute: boolean; usdLeft: number; tmpParent?: string }): Promise<ReplayResult> {
  if (!t.execute) {
    const repoContext = await buildRepoContext(t.repoDir, t.task);
    const record = await runAuction({ task: t.task, repoContext, models: ctx.models, memory: ctx.memory, settings: ctx.settings.auction, signal: ctx.signal, simulated: ctx.simulated });
    const u = auctionUsageTotals(record);
    return { usd: u.usd, tokens: u.tokens, recordId: (await ctx.memory.recordAuction(t.task, record)).id };
  }
  const tmp = mkdtempSync(join(t.tmpParent ?? tmpdir(), '_run-'));
  try {
    copyDir(t.repoDir, tmp);
    const res = await solveTask({
      task: t.task, root: tmp, models: ctx.models, memory: ctx.memory, runner: ctx.runner, approver: ctx.approver, signal: ctx.signal, simulated: ctx.simulated,
      settings: { ...ctx.settings, budget: { ...ctx.settings.budget, maxUsd: Math.min(ctx.settings.budget.maxUsd, t.usdLeft) } },
    });
    return { usd: res.totals.totalUsd, tokens: res.totals.auctionTokens + res.totals.execTokens, passed: res.passed, recordId: res.memoryRecordId };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
