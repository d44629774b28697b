/**
 * The one place where the extension meets the engine's `solveTask` (src/core/solve.ts): settings mapped to
 * SolveSettings, and the result reduced to what the UI needs (diff, accept, revert). No `vscode` import.
 */
import type { AuctionMemory } from '../core/memory/auctionMemory';
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { auctionSettings } from '../core/auction/auctionSettings';
import { routingSettings } from '../core/routing/routingSettings';
import { escalationSettings } from '../core/engineDefaults';
import type { SaleEvent } from '../core/events';
import type { CancelSignal } from '../core/ports/cancel';
import type { CommandApprover, CommandRunner } from '../core/ports/commandRunner';
import { type ReviewDecision, type SolveResult, type SolveSettings, solveTask } from '../core/solve';
import type { CodingTask } from '../core/task';
import type { ChatModel } from '../core/ports/chatModel';
import type { EngineSettingsInput } from './settings';

export type { ReviewDecision };

export interface EngineRun {
  auction: AuctionRecord;
  memoryRecordId: string;
  /** True when the user cancelled (at review or during execution, whose edits the engine then reverted). */
  cancelled: boolean;
  executed: boolean;
  passed: boolean;
  /** Agent whose change is in the files (after escalation), if any ran. */
  executedBy: string | undefined;
  overridden: boolean;
  escalatedFrom: string[];
  /** Unified diff of every file the agent changed, relative to the workspace folder. */
  diff: string;
  totalUsd: number;
  auctionUsd: number;
  execUsd: number;
  /** Keeps the change; 'branch' commits only the agent's files on a new branch. Returns a sentence for the user. */
  accept(mode: 'keep' | 'branch'): Promise<string>;
  /** Restores every touched file byte for byte. Returns a sentence for the user. */
  revert(): Promise<string>;
  /** The engine's full result, for tests and logs. */
  raw: SolveResult;
  /** After a cancel: the files the engine could not restore ("path: reason"); empty otherwise. */
  revertErrors: string[];
}

/** The files a cancel could not restore: the execution's own revert report, only when the run was cancelled. */
export function cancelRevertErrors(cancelled: boolean, final: { revert?: { errors: string[] } } | undefined): string[] {
  return cancelled ? [...(final?.revert?.errors ?? [])] : [];
}

/** The warning for the panel when a cancel left files it could not restore; undefined when all was restored. */
export function cancelRevertNotice(errors: readonly string[]): string | undefined {
  if (!errors.length) return undefined;
  return `Cancelled, but SALE could not restore ${errors.length} file(s); check them by hand: ${errors.join('; ')}`;
}

export interface EngineOptions {
  task: CodingTask;
  root: string;
  models: ChatModel[];
  memory: AuctionMemory;
  settingsInput: EngineSettingsInput;
  runner: CommandRunner;
  approver: CommandApprover;
  review: (record: AuctionRecord) => Promise<ReviewDecision>;
  signal: CancelSignal;
  onEvent: (e: SaleEvent) => void;
  simulated: boolean;
  /** Restricted Mode: false runs nothing of the workspace before review — not even the test-command preflight. */
  trusted: boolean;
  /** "Hold the auction anyway" on a new run: routing is not consulted. */
  forceAuction?: boolean;
  /** "Retry with another bid": the auction already held, run again without a new one. */
  reuseAuction?: AuctionRecord;
}

export function solveSettings(input: EngineSettingsInput): SolveSettings {
  return {
    auction: auctionSettings(input.auction),
    budget: input.budget,
    // The CLI's escalation (by capability, with the hand-off); the settings only switch it and bound it.
    escalation: escalationSettings(input.escalation),
    // Off: no routing decision at all (every task gets an auction, as before issue 8), unless a held auction's winner is
    // to be picked by value or escalation's estimates are to be calibrated, which read routing's settings: then routing
    // is there, switched off.
    ...(input.routing.enabled || input.routing.auctionWinner === 'value' || input.routing.escalationCalibration
      ? {
        routing: routingSettings({
          enabled: input.routing.enabled,
          ...(input.routing.checkPlan === undefined ? {} : { checkPlan: input.routing.checkPlan }),
          ...(input.routing.auctionWinner ? { auctionWinner: input.routing.auctionWinner } : {}),
          ...(input.routing.escalationCalibration === undefined ? {} : { escalationCalibration: input.routing.escalationCalibration }),
        }),
      }
      : {}),
  };
}

export async function runEngine(opts: EngineOptions): Promise<EngineRun> {
  let cancelledAtReview = false;
  const result = await solveTask({
    task: opts.task,
    root: opts.root,
    models: opts.models,
    memory: opts.memory,
    settings: solveSettings(opts.settingsInput),
    runner: opts.runner,
    approver: opts.approver,
    review: async (record) => {
      const d = await opts.review(record);
      if (d.action === 'cancel') cancelledAtReview = true;
      return d;
    },
    signal: opts.signal,
    onEvent: opts.onEvent,
    simulated: opts.simulated,
    // The preflight runs the test command (workspace code: npm scripts, conftest.py…): never untrusted.
    preflight: opts.trusted,
    ...(opts.forceAuction ? { forceAuction: true } : {}),
    ...(opts.reuseAuction ? { reuseAuction: opts.reuseAuction } : {}),
  });
  const exec = result.execution;
  const final = exec?.final;
  const cancelled = cancelledAtReview || final?.reason === 'cancelled';
  const diff = exec && !cancelled ? await exec.journal.diff() : '';
  // Cancelled and fully restored: nothing is pending, so the write-ahead journal of the run goes.
  if (exec && cancelled && !cancelRevertErrors(cancelled, final)?.length) await exec.journal.close();
  return {
    auction: result.auction,
    memoryRecordId: result.memoryRecordId,
    cancelled,
    executed: !!exec,
    passed: result.passed,
    executedBy: final?.agent,
    overridden: result.overridden,
    escalatedFrom: exec?.escalatedFrom ?? [],
    diff,
    totalUsd: result.totals.totalUsd,
    auctionUsd: result.totals.auctionUsd,
    execUsd: result.totals.execUsd,
    raw: result,
    revertErrors: cancelRevertErrors(cancelled, final),
    async accept(mode) {
      const r = await result.accept({ commitToBranch: mode === 'branch', message: `SALE: ${opts.task.title}` });
      if (r) return `committed ${r.committed.length} file(s) on branch ${r.branch} (${r.commit.slice(0, 8)})${r.skippedIgnored.length ? `; left out ignored files: ${r.skippedIgnored.join(', ')}` : ''}.`;
      return 'the change stays in your files.';
    },
    async revert() {
      const r = await result.revert();
      if (!r) return 'nothing to restore.';
      const parts = [];
      if (r.restored.length) parts.push(`restored ${r.restored.join(', ')}`);
      if (r.removed.length) parts.push(`removed new file(s) ${r.removed.join(', ')}`);
      if (r.errors.length) parts.push(`could not restore: ${r.errors.join('; ')}`);
      return parts.length ? `${parts.join('; ')}.` : 'nothing had changed.';
    },
  };
}
