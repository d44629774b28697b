/**
 * One run, from the auction to a resting point: runs the engine (loaded on first use), keeps the panel, the status
 * bar and the progress notification in step with its events, waits at the review gate, and ends done (with the
 * originals for the diff), cancelled or failed. The controller starts it and answers the user's actions.
 */
import { randomBytes } from 'node:crypto';
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { CancelledError, SaleError, errorMessage } from '../core/errors';
import type { SaleEvent } from '../core/events';
import type { AuctionMemory } from '../core/memory/auctionMemory';
import { CancelSource } from '../core/ports/cancel';
import type { CommandApprover, CommandRunner } from '../core/ports/commandRunner';
import type { CodingTask } from '../core/task';
import type { BidPanelProvider } from './bidPanel';
import { changedFiles } from './diffSummary';
import { DiffOriginals } from './diffOriginals';
import type { EngineRun, ReviewDecision } from './engine';
import { logEvent } from './eventLog';
import type { Logger } from './log';
import { formatUsd } from '../core/formatUsd';
import { addNotice, applyEvent, deltaUiDue, phaseSummary } from './panelModel';
import type { PanelStateHub } from './panelStateHub';
import type { ResolvedPool } from './poolSetup';
import type { RepoInfo } from './repoInfo';
import type { ReviewMode } from './restrictedMode';
import { ReviewGate } from './reviewGate';
import { nextBestBid, noChangeText } from './retryBid';
import { offerOutcome, offerReview, showRevertProblem } from './runNotifications';
import { RunProgress } from './runProgress';
import { type ExtensionSettings, engineSettingsInput } from './settings';
import type { SaleStatusBar } from './statusBar';
import type { PanelState } from './webviewMessages';

/** The last finished run (the test API reads it). */
export type LastRun = { task: CodingTask; engine?: EngineRun; error?: string; state: PanelState };

export interface RunPlan {
  task: CodingTask & { testCommand: string };
  root: string;
  repo: RepoInfo;
  pool: ResolvedPool;
  memory: AuctionMemory;
  settings: ExtensionSettings;
  reviewMode: ReviewMode;
  trusted: boolean;
  /** How this run starts: "Hold the auction anyway" (no routing) or "Retry with another bid" (that bid of an auction already held). */
  start?: RunStart;
}

/** `tried`: agents that already ran on this auction in earlier runs (a retry never offers them again). */
export type RunStart = { kind: 'auction' } | { kind: 'retry'; auction: AuctionRecord; bidIndex: number; tried: string[] };

export interface TaskRunDeps {
  hub: PanelStateHub;
  panel: BidPanelProvider;
  status: SaleStatusBar;
  runner: CommandRunner;
  approver: CommandApprover;
  log: Logger;
  onMemoryChanged(): void;
  /** Whether this run is still the controller's current one (events of an older run are ignored). */
  isCurrent(run: TaskRun): boolean;
  /** The progress notification's Cancel button. */
  cancelFromProgress(run: TaskRun): void;
  recordLastRun(r: LastRun): void;
  /** The user's answers to notifications go through the controller, which checks them. */
  decide(d: ReviewDecision): Promise<void>;
  accept(): Promise<unknown>;
  revert(): Promise<unknown>;
  openDiff(rel: string): Promise<void>;
}

export class TaskRun {
  readonly id = randomBytes(9).toString('base64url');
  readonly cancel = new CancelSource();
  readonly review = new ReviewGate();
  readonly originals: DiffOriginals;
  /** Set once the engine returns: Accept / Revert go through it. */
  engine: EngineRun | undefined;
  /** Resolves when the run reaches a resting point. */
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly progress: RunProgress;
  private lastDeltaUi = 0;

  constructor(readonly plan: RunPlan, private readonly deps: TaskRunDeps) {
    this.originals = new DiffOriginals(this.id, plan.root);
    this.done = new Promise<void>((r) => (this.finish = r));
    this.progress = new RunProgress(() => deps.cancelFromProgress(this));
  }

  private get state(): PanelState {
    return this.deps.hub.current;
  }

  /** Resolves at a resting point; rejects when the run failed (not when it was cancelled). */
  async execute(): Promise<void> {
    const { task, root, pool, memory, settings } = this.plan;
    this.progress.show(`SALE auction: ${task.title}`);
    try {
      // The engine (auction, execution, openai client) loads on first use, not at activation.
      const { runEngine } = await import('./engine');
      const run = await runEngine({
        task,
        root,
        models: pool.models,
        memory,
        settingsInput: engineSettingsInput(settings),
        runner: this.deps.runner,
        approver: this.deps.approver,
        review: (record) => this.reviewStep(record),
        signal: this.cancel,
        onEvent: (ev) => this.onEvent(ev),
        simulated: pool.simulated,
        trusted: this.plan.trusted,
        ...(this.plan.start?.kind === 'auction' ? { forceAuction: true } : {}),
        ...(this.plan.start?.kind === 'retry' ? { reuseAuction: this.plan.start.auction } : {}),
      });
      this.engine = run;
      if (run.cancelled) await this.endCancelled(run);
      else await this.endDone(run);
      this.deps.status.addSessionUsd(this.state.totalUsd);
      this.deps.recordLastRun({ task, engine: run, state: this.state });
    } catch (e) {
      this.endFailed(e);
    } finally {
      this.progress.done();
      this.review.clear();
      this.finish();
      this.deps.onMemoryChanged();
    }
  }

  private onEvent(ev: SaleEvent): void {
    if (!this.deps.isCurrent(this)) return;
    const next = applyEvent(this.state, ev);
    // Streamed bid deltas come many a second: the panel (throttled itself) gets each; the status bar and the
    // progress notification at most every DELTA_UI_MS.
    if (ev.type === 'bid-delta') {
      const now = Date.now();
      if (!deltaUiDue(this.lastDeltaUi, now)) {
        this.deps.hub.set(next, false, false);
        return;
      }
      this.lastDeltaUi = now;
    }
    this.deps.hub.set(next);
    this.progress.report(phaseSummary(this.state));
    logEvent(this.deps.log, ev);
  }

  /** The engine's review step: runs the winner at once in "auto" mode (trusted only), else waits at the gate. */
  private async reviewStep(record: AuctionRecord): Promise<ReviewDecision> {
    if (!this.deps.isCurrent(this) || this.cancel.cancelled) return { action: 'cancel' };
    this.progress.done();
    // The engine attaches its routing decision to the record after the auction's own 'auction-done' event.
    if (record.routing) this.deps.hub.set({ ...this.state, routing: record.routing });
    const title = this.plan.task.title;
    const winnerIdx = record.winnerBidIndex;
    const start = this.plan.start;
    // "Retry with another bid" was the user's choice already: that bid runs without a second review.
    if (start?.kind === 'retry') return this.runChosen(record, start.bidIndex);
    if (this.plan.reviewMode === 'auto' && this.plan.trusted && winnerIdx !== null) {
      this.deps.hub.set({ ...this.state, phase: 'executing', chosenBidIndex: winnerIdx }, true);
      this.progress.show(`SALE: ${record.winner} is working on: ${title}`);
      return { action: 'run', bidIndex: winnerIdx };
    }
    const decision = await this.review.wait(record, () => {
      this.deps.hub.set({ ...this.state, phase: 'review' }, true);
      this.deps.panel.focus('actions');
      if (record.winner && !this.deps.panel.visible) {
        offerReview(record.winner, title, {
          run: () => this.review.waiting && void this.deps.decide({ action: 'run', bidIndex: winnerIdx! }),
          review: () => void this.deps.panel.reveal(),
          cancel: () => this.review.waiting && void this.deps.decide({ action: 'cancel' }),
        });
      }
    });
    if (decision.action === 'run') return this.runChosen(record, decision.bidIndex);
    if (decision.action === 'auction') this.progress.show(`SALE auction: ${title}`);
    return decision;
  }

  private runChosen(record: AuctionRecord, bidIndex: number): ReviewDecision {
    const chosen = record.bids[bidIndex];
    this.deps.hub.set({ ...this.state, chosenBidIndex: bidIndex, phase: 'executing' }, true);
    this.progress.show(`SALE: ${chosen?.agent ?? 'agent'} is working on: ${this.plan.task.title}`);
    return { action: 'run', bidIndex };
  }

  private async endCancelled(run: EngineRun): Promise<void> {
    const { cancelRevertNotice } = await import('./engine');
    const notice = cancelRevertNotice(run.revertErrors);
    this.deps.hub.set(notice ? addNotice({ ...this.state, phase: 'cancelled' }, 'error', notice) : { ...this.state, phase: 'cancelled' }, true);
    if (notice) {
      this.deps.log('error', notice);
      showRevertProblem(notice);
    }
  }

  private async endDone(run: EngineRun): Promise<void> {
    const changes = changedFiles(run.diff);
    await this.originals.load(run.diff);
    const tried = [...run.escalatedFrom, run.executedBy].filter((a): a is string => !!a);
    // A run that changed nothing says so, and offers the next-best bid of the same auction (no new auction).
    const retry = changes.length ? undefined : nextBestBid(run.auction, this.triedAgents());
    const done: PanelState = { ...this.state, phase: 'done', changes, diff: capDiff(run.diff), outcome: changes.length ? 'pending' : null, retry: retry ?? null, totalUsd: Math.max(this.state.totalUsd, run.totalUsd) };
    this.deps.hub.set(changes.length ? done : addNotice(done, run.passed ? 'info' : 'warn', noChangeText(tried, run.passed, retry?.agent, run.auction.routing?.mode === 'routed')), true);
    this.deps.panel.focus('actions');
    const verdict = run.passed ? 'tests passed' : 'tests did not pass';
    this.deps.log(run.passed ? 'info' : 'warn', `Run ended: ${verdict} (${run.executedBy ?? '?'}, ${formatUsd(run.totalUsd)}). ${changes.length} file(s) changed.`);
    if (!changes.length || this.deps.panel.visible) return;
    // The answer may come late: it counts only while this run's change is still the pending one.
    const stillPending = () => this.deps.isCurrent(this) && this.state.outcome === 'pending';
    offerOutcome(`SALE: ${verdict} — ${changes.length} file(s) changed by ${run.executedBy} (${formatUsd(run.totalUsd)}).`, {
      accept: () => stillPending() && void this.deps.accept(),
      revert: () => stillPending() && void this.deps.revert(),
      showDiff: () => stillPending() && this.state.changes[0] && void this.deps.openDiff(this.state.changes[0].path),
    });
  }

  /** Every agent that ran on this run's auction: in earlier runs (retries), chosen here, escalated to. */
  triedAgents(): string[] {
    const run = this.engine;
    const earlier = this.plan.start?.kind === 'retry' ? this.plan.start.tried : [];
    const chosen = run?.auction.bids[run.raw.chosenBidIndex ?? -1]?.agent;
    return [...new Set([...earlier, ...(run?.escalatedFrom ?? []), ...(run?.executedBy ? [run.executedBy] : []), ...(chosen ? [chosen] : [])])];
  }

  private endFailed(e: unknown): void {
    const task = this.plan.task;
    const cancelled = e instanceof CancelledError || this.cancel.cancelled;
    const message = cancelled ? 'Cancelled.' : errorMessage(e);
    this.deps.hub.set({ ...this.state, phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : message }, true);
    this.deps.log(cancelled ? 'info' : 'error', cancelled ? `Task "${task.title}" cancelled.` : `Task "${task.title}" failed: ${message}`);
    this.deps.status.addSessionUsd(this.state.totalUsd);
    this.deps.recordLastRun({ task, error: message, state: this.state });
    if (!cancelled) throw e instanceof SaleError ? e : new SaleError(message, 'run-failed');
  }
}

function capDiff(diff: string, max = 200_000): string {
  return diff.length > max ? `${diff.slice(0, max)}\n… (diff truncated; open the files for the rest)` : diff;
}
