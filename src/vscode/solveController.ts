import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import type { CommandApprover, CommandRunner } from '../core/ports/commandRunner';
import type { CodingTask } from '../core/task';
import type { BidPanelProvider } from './bidPanel';
import { EARLIER_TASK_TEXT } from './diffOriginals';
import type { ReviewDecision } from './engine';
import type { Logger } from './log';
import type { MemoryService } from './memoryService';
import { addNotice } from './panelModel';
import { type PanelActions, routePanelAction } from './panelRouting';
import { PanelStateHub } from './panelStateHub';
import { settlePendingChange } from './pendingChangeGate';
import type { PoolService } from './poolSetup';
import type { RepoInfo } from './repoInfo';
import { RestrictedMode, modalCommandApprover, refuseUntrustedRun } from './restrictedMode';
import { runnableBid } from './reviewGate';
import { initialRunState, resolvePoolForRun, resolveTestCommand } from './runSetup';
import type { ExtensionSettings } from './settings';
import { StartGuard } from './startGuard';
import type { SaleStatusBar } from './statusBar';
import { type LastRun, type RunStart, TaskRun, type TaskRunDeps } from './taskRun';
import type { NoSandboxView, PanelAction, PanelState, PoolCheckView } from './webviewMessages';

export interface SolveDeps {
  panel: BidPanelProvider;
  status: SaleStatusBar;
  pools: PoolService;
  memory: MemoryService;
  runner: CommandRunner;
  log: Logger;
  settings: (folder: vscode.Uri | undefined) => ExtensionSettings;
  /** Called after a run changes the memory (routing view refresh). */
  onMemoryChanged: () => void;
  /** Told the task's test command before the run (the terminal may re-run only that command). */
  onTestCommand?: (command: string) => void;
}

/** How a task was started: `interactive` (palette, panel) may ask with a modal; otherwise refusals are errors. */
export interface SolveOptions {
  interactive?: boolean;
  /** A second run of the same task: the auction held anyway, or another bid of the auction already held. */
  start?: RunStart;
}

const BUSY_PHASES: readonly PanelState['phase'][] = ['bidding', 'jury', 'refining', 'review', 'executing'];

/**
 * One task at a time, from "Solve with SALE" to Accept / Revert: refuses a second start (StartGuard) and a start
 * over an unsettled change (pendingChangeGate), prepares the run (runSetup), hands it to a TaskRun, and answers
 * the user's actions — review decisions, cancel, accept, revert, the diff — from commands and the panel.
 */
export class SolveController implements vscode.Disposable {
  private run: TaskRun | undefined;
  private readonly hub: PanelStateHub;
  private readonly guard = new StartGuard();
  private readonly restricted: RestrictedMode;
  private readonly approver: CommandApprover;
  private readonly runDeps: TaskRunDeps;
  private readonly panelActions: PanelActions;
  /** The last finished run (the test API reads it). */
  lastRun: LastRun | undefined;

  constructor(private readonly deps: SolveDeps) {
    this.hub = new PanelStateHub(deps.panel, deps.status);
    this.restricted = new RestrictedMode(deps.log);
    this.approver = modalCommandApprover(deps.log);
    this.runDeps = {
      hub: this.hub,
      panel: deps.panel,
      status: deps.status,
      runner: deps.runner,
      approver: this.approver,
      log: deps.log,
      onMemoryChanged: () => deps.onMemoryChanged(),
      isCurrent: (run) => this.run === run,
      cancelFromProgress: (run) => {
        if (this.run?.review.waiting) void this.decide({ action: 'cancel' }).catch(() => undefined);
        else run.cancel.cancel();
      },
      recordLastRun: (r) => (this.lastRun = r),
      decide: (d) => this.decide(d),
      accept: () => this.accept(),
      revert: () => this.revert(),
      openDiff: (rel) => this.openDiff(rel),
    };
    this.panelActions = {
      run: (bidIndex) => this.decide({ action: 'run', bidIndex }),
      cancel: () => this.cancel(),
      accept: () => this.accept(),
      revert: () => this.revert(),
      openDiff: (rel) => this.openDiff(rel),
      holdAuction: () => this.holdAuction(),
      retryBid: () => this.retryBid(),
      solve: () => vscode.commands.executeCommand('sale.solve'),
      openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:sale-dev.sale-vscode'),
      showLog: () => vscode.commands.executeCommand('sale.showLog'),
    };
  }

  get current(): PanelState {
    return this.hub.current;
  }

  get busy(): boolean {
    return !!this.run && BUSY_PHASES.includes(this.hub.current.phase);
  }

  /** Shows (or clears, with null) the no-sandbox notice on the panel's execution section; kept across runs. */
  showNoSandbox(view: NoSandboxView | null): void {
    this.hub.set({ ...this.hub.current, noSandbox: view }, true, false);
  }

  /** Shows a pool check in the panel; the hub keeps it there across runs until the next check. */
  showPoolCheck(view: PoolCheckView): void {
    this.hub.set({ ...this.hub.current, poolCheck: view }, true, false);
  }

  onState(f: (s: PanelState) => void): vscode.Disposable {
    return this.hub.onState(f);
  }

  dispose(): void {
    this.run?.cancel.cancel();
    this.run?.review.resolve({ action: 'cancel' });
  }

  /**
   * Starts a task. Resolves when the run has reached a resting point (review passed and execution over, failed,
   * or cancelled) — the Accept / Revert decision may still be open.
   */
  solve(task: CodingTask, repo: RepoInfo, folder: vscode.WorkspaceFolder, opts: SolveOptions = {}): Promise<void> {
    // `busy` is read before the first await: a second start while this one resolves its pool is refused too.
    return this.guard.run(this.busy, async () => {
      await settlePendingChange({
        hasRun: !!this.run?.engine,
        state: () => this.hub.current,
        accept: () => this.accept(),
        revert: () => this.revert(),
        log: this.deps.log,
      }, !!opts.interactive);
      await this.start(task, repo, folder, opts.start);
    });
  }

  /**
   * "Hold the auction anyway" for a task routed from memory. At review (nothing ran yet) the same run holds the
   * auction and asks again; once it ran, a new run of the same task holds it — after the change, if any, was
   * accepted or reverted (the modal of pendingChangeGate), so no work is lost.
   */
  async holdAuction(): Promise<void> {
    const run = this.run;
    if (!run) throw new SaleError('No task to hold an auction for.', 'idle');
    if (run.review.waiting) {
      if (run.review.record?.routing?.mode !== 'routed') throw new SaleError('This task already had an auction.', 'bad-decision');
      this.deps.log('info', 'Holding the auction anyway (the task was routed from memory).');
      run.review.resolve({ action: 'auction' });
      return;
    }
    await this.again(run, { kind: 'auction' }, 'Holding the auction anyway, as a new run of the same task.');
  }

  /** "Retry with another bid": after a run that changed nothing, the next-best bid of the same auction runs (no new auction). */
  async retryBid(): Promise<void> {
    const run = this.run;
    const retry = this.hub.current.retry;
    if (!run?.engine || this.busy || !retry) throw new SaleError('There is no other bid to retry with.', 'no-retry');
    await this.again(run, { kind: 'retry', auction: run.engine.auction, bidIndex: retry.bidIndex, tried: run.triedAgents() }, `Retrying with ${retry.agent}'s bid of the same auction.`);
  }

  private async again(run: TaskRun, start: RunStart, why: string): Promise<void> {
    if (this.busy) throw new SaleError('A task is running; wait for it or cancel it first.', 'busy');
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.plan.root));
    if (!folder) throw new SaleError('The folder of this task is no longer open.', 'no-folder');
    this.deps.log('info', why);
    await this.solve(run.plan.task, run.plan.repo, folder, { interactive: true, start });
  }

  private async start(task: CodingTask, repo: RepoInfo, folder: vscode.WorkspaceFolder, start?: RunStart): Promise<void> {
    const s = this.deps.settings(folder.uri);
    const root = folder.uri.fsPath;
    const testCommand = await resolveTestCommand(s.testCommand, task, root);
    const fullTask = { ...task, testCommand };
    this.deps.onTestCommand?.(testCommand);
    const pool = await resolvePoolForRun(this.deps.pools, s, folder.uri);
    const memory = await this.deps.memory.memory(repo.label);
    for (const w of memory.warnings()) this.deps.log('warn', `Memory: ${w}`);

    const trusted = this.restricted.trusted;
    const reviewMode = this.restricted.reviewMode(s['review.mode'], trusted);
    const run = new TaskRun({ task: fullTask, root, repo, pool, memory, settings: s, reviewMode, trusted, ...(start ? { start } : {}) }, this.runDeps);
    this.hub.set(initialRunState({ id: run.id, task: fullTask, root, repo, pool, reviewMode, budgetUsd: s.budgetUsd, trusted }), true);
    this.deps.log('info', `Task "${fullTask.title}" (${fullTask.source}) in ${repo.label}; pool: ${pool.label}; test command: ${testCommand}.`);
    void this.deps.panel.reveal();
    this.run = run;
    await run.execute();
  }

  /** The user's review decision: from the panel, a command, a notification, or the test API. */
  async decide(d: ReviewDecision): Promise<void> {
    const run = this.run;
    const record = run?.review.record;
    if (!run || !record) throw new SaleError('There is no auction waiting for review.', 'no-review');
    if (d.action === 'run') {
      const bid = runnableBid(record, d.bidIndex);
      if (!vscode.workspace.isTrusted) refuseUntrustedRun();
      this.deps.log('info', d.bidIndex === record.winnerBidIndex ? `Running the winner, ${bid.agent}.` : `Override: running ${bid.agent}'s bid instead of ${record.winner}'s.`);
    } else {
      this.deps.log('info', 'Review: cancelled by the user.');
      run.cancel.cancel();
    }
    run.review.resolve(d);
  }

  /** Cancels whatever runs now: the auction, the review, or the execution (whose edits are then reverted by the engine). */
  async cancel(): Promise<void> {
    const run = this.run;
    if (!run || !this.busy) throw new SaleError('Nothing is running.', 'idle');
    if (run.review.waiting) return this.decide({ action: 'cancel' });
    run.cancel.cancel();
    this.hub.set(addNotice(this.hub.current, 'info', 'Cancelling…'), true);
  }

  /**
   * Keeps the change. When its tests did not pass, a person is asked first (modal); `confirmed` (a command called
   * with `true`, e.g. from a keybinding or a test) skips the question.
   */
  async accept(confirmed = false): Promise<string> {
    const run = this.run;
    if (!run?.engine || this.hub.current.outcome !== 'pending') throw new SaleError('There is no change waiting to be accepted.', 'no-change');
    if (!run.engine.passed && !confirmed) {
      const keep = 'Keep the Changes';
      const pick = await vscode.window.showWarningMessage('The tests did not pass. Keep these changes anyway?',
        { modal: true, detail: `${run.engine.executedBy ?? 'The agent'}'s change did not make the test command pass. Revert restores every file byte for byte.` }, keep);
      if (pick !== keep) throw new SaleError('Not accepted: the tests did not pass and the change was not confirmed.', 'cancelled');
      if (this.run !== run || this.hub.current.outcome !== 'pending') throw new SaleError('There is no change waiting to be accepted.', 'no-change');
    }
    const mode = this.deps.settings(vscode.Uri.file(run.plan.root))['accept.mode'];
    const detail = await run.engine.accept(mode === 'branch' && run.plan.repo.isGitRepo ? 'branch' : 'keep');
    this.hub.set({ ...this.hub.current, outcome: 'accepted', outcomeDetail: detail }, true);
    this.deps.log('info', `Accepted: ${detail}`);
    this.deps.onMemoryChanged();
    return detail;
  }

  async revert(): Promise<string> {
    const run = this.run;
    if (!run?.engine || this.hub.current.outcome !== 'pending') throw new SaleError('There is no change waiting to be reverted.', 'no-change');
    const detail = await run.engine.revert();
    this.hub.set({ ...this.hub.current, outcome: 'reverted', outcomeDetail: detail }, true);
    this.deps.log('info', `Reverted: ${detail}`);
    this.deps.onMemoryChanged();
    return detail;
  }

  async openDiff(rel: string): Promise<void> {
    const run = this.run;
    if (!run) throw new SaleError('No task.', 'idle');
    const change = this.hub.current.changes.find((c) => c.path === rel);
    if (!change) throw new SaleError(`${rel} is not among the changed files.`, 'bad-path');
    await run.originals.open(change);
  }

  /** Text for the left side of the diff editor (before the agent's change). */
  originalContent(uri: vscode.Uri): string {
    return this.run ? this.run.originals.content(uri) : EARLIER_TASK_TEXT;
  }

  /** Routes a validated panel action (the panel inbox has checked its session already). */
  handlePanelMessage(msg: PanelAction): Promise<void> {
    return routePanelAction(msg, this.panelActions);
  }

  /** Resolves when the current run reaches a resting point. */
  async whenIdle(): Promise<void> {
    await this.run?.done;
  }
}
