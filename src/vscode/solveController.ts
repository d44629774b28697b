import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { CancelledError, SaleError, errorMessage } from '../core/errors';
import type { SaleEvent } from '../core/events';
import { CancelSource } from '../core/ports/cancel';
import type { CommandApprover, CommandRunner } from '../core/ports/commandRunner';
import { detectTestCommand } from '../core/workspace/repoContext';
import type { CodingTask } from '../core/task';
import type { EngineRun, ReviewDecision } from './engine';
import { changedFiles, originalText, splitDiff } from './diffSummary';
import type { BidPanelProvider } from './bidPanel';
import type { Logger } from './log';
import type { MemoryService } from './memoryService';
import { addNotice, applyEvent, deltaUiDue, phaseSummary } from './panelModel';
import { formatUsd } from '../core/formatUsd';
import type { PoolService } from './poolSetup';
import type { RepoInfo } from './repoInfo';
import type { ExtensionSettings } from './settings';
import { engineSettingsInput } from './settings';
import type { SaleStatusBar } from './statusBar';
import { type PanelState, type PoolCheckView, type WebviewMessage, initialPanelState } from './webviewMessages';
import { UserFacingError } from './userErrors';

export const ORIGINAL_SCHEME = 'sale-original';

interface Pending {
  resolve: (d: ReviewDecision) => void;
  record: AuctionRecord;
}

interface RunSession {
  id: string;
  task: CodingTask;
  root: string;
  repo: RepoInfo;
  cancel: CancelSource;
  pending?: Pending;
  engine?: EngineRun;
  /** Text of each changed file before the agent's change, for the diff editor. */
  originals: Map<string, string>;
  done: Promise<void>;
}

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
}

/**
 * One task at a time, from "Solve with SALE" to Accept / Revert: resolves the pool and the test command, runs the
 * engine (auction → review → execution) with progress notifications and cancel, keeps the panel and the status
 * bar in step with the engine's events, and answers the panel's actions.
 */
export class SolveController implements vscode.Disposable {
  private session: RunSession | undefined;
  private state: PanelState = initialPanelState();
  private readonly stateListeners = new Set<(s: PanelState) => void>();
  private autoRunBlockedNotice = false;
  /** True from the start of solve() until the run is under way (or refused): closes the window before `busy`. */
  private starting = false;
  /** The last finished run (the test API reads it). */
  lastRun: { task: CodingTask; engine?: EngineRun; error?: string; state: PanelState } | undefined;

  constructor(private readonly deps: SolveDeps) {}

  get current(): PanelState {
    return this.state;
  }

  get busy(): boolean {
    return !!this.session && ['bidding', 'jury', 'refining', 'review', 'executing'].includes(this.state.phase);
  }

  onState(f: (s: PanelState) => void): vscode.Disposable {
    this.stateListeners.add(f);
    return { dispose: () => this.stateListeners.delete(f) };
  }

  dispose(): void {
    this.session?.cancel.cancel();
    this.session?.pending?.resolve({ action: 'cancel' });
  }

  /** Shows a pool check in the panel; it stays there across runs until the next check. */
  showPoolCheck(view: PoolCheckView): void {
    this.setState({ ...this.state, poolCheck: view }, true, false);
  }

  private setState(next: PanelState, immediate = false, status = true): void {
    if (next.poolCheck === undefined && this.state.poolCheck) next = { ...next, poolCheck: this.state.poolCheck };
    this.state = next;
    this.deps.panel.setState(next, immediate);
    if (status) this.deps.status.update(next);
    for (const f of this.stateListeners) f(next);
  }

  /**
   * Starts a task. Resolves when the run has reached a resting point (review passed and execution over, failed,
   * or cancelled) — the Accept / Revert decision may still be open.
   */
  async solve(task: CodingTask, repo: RepoInfo, folder: vscode.WorkspaceFolder, opts: SolveOptions = {}): Promise<void> {
    // Synchronous guard before the first await: a second start while this one resolves its pool is refused too.
    if (this.busy || this.starting) {
      throw new UserFacingError('SALE is already working on a task. Cancel it first ("SALE: Cancel").', 'busy', [{ title: 'Cancel it', command: 'sale.cancel' }]);
    }
    this.starting = true;
    try {
      await this.settlePendingChange(opts);
      await this.start(task, repo, folder);
    } finally {
      this.starting = false;
    }
  }

  /**
   * A new task would drop the previous run's journal (its exact revert): refuse while its change is neither
   * accepted nor reverted. Interactively the user may Accept or Revert it right there and go on.
   */
  private async settlePendingChange(opts: SolveOptions): Promise<void> {
    if (!this.session?.engine || this.state.outcome !== 'pending') return;
    const n = this.state.changes.length;
    const message = `The previous SALE change (${n} file${n === 1 ? '' : 's'}) is neither accepted nor reverted. Accept or revert it before starting a new task.`;
    if (opts.interactive) {
      const pick = await vscode.window.showWarningMessage(message, { modal: true, detail: 'Starting a new task would lose the exact revert of the previous change.' }, 'Accept', 'Revert');
      if (pick === 'Accept' && this.state.outcome === 'pending') {
        await this.accept();
        return;
      }
      if (pick === 'Revert' && this.state.outcome === 'pending') {
        await this.revert();
        return;
      }
      if (this.state.outcome !== 'pending') return;
    }
    this.deps.log('warn', 'A new task was refused: the previous change is neither accepted nor reverted.');
    throw new UserFacingError(message, 'change-pending', [{ title: 'Accept', command: 'sale.accept' }, { title: 'Revert', command: 'sale.revert' }]);
  }

  private async start(task: CodingTask, repo: RepoInfo, folder: vscode.WorkspaceFolder): Promise<void> {
    const s = this.deps.settings(folder.uri);
    const root = folder.uri.fsPath;

    // Test command: a setting wins, then what the task says, then detection. None: stop before spending.
    const testCommand = s.testCommand.trim() || task.testCommand || (await detectTestCommand(root));
    if (!testCommand) {
      throw new UserFacingError(
        `No test command found in ${path.basename(root)}. SALE decides whether a change works by running the tests: set "sale.testCommand" ` +
        '(for example "npm test") or add a "test" script to package.json. Nothing was spent.',
        'no-test-command', [{ title: 'Set Test Command', command: 'sale.setTestCommand' }]);
    }
    const fullTask: CodingTask = { ...task, testCommand };
    this.deps.onTestCommand?.(testCommand);

    const resolved = await this.deps.pools.resolve(s, folder.uri).catch((e) => {
      const code = (e as SaleError).code;
      if (code === 'api-key-missing') throw new UserFacingError(errorMessage(e), code, [{ title: 'Set API Key', command: 'sale.setApiKey' }]);
      if (code === 'endpoint-down' || code === 'pool-invalid' || code === 'pool-missing' || code === 'pool-unreadable') {
        throw new UserFacingError(errorMessage(e), code, [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['sale.pool'] }]);
      }
      throw e;
    });

    const memory = await this.deps.memory.memory(repo.label);
    for (const w of memory.warnings()) this.deps.log('warn', `Memory: ${w}`);

    const id = randomBytes(9).toString('base64url');
    const cancel = new CancelSource();
    const trusted = vscode.workspace.isTrusted;
    let reviewMode = s['review.mode'];
    if (!trusted && reviewMode === 'auto') {
      reviewMode = 'wait';
      if (!this.autoRunBlockedNotice) {
        this.autoRunBlockedNotice = true;
        this.deps.log('warn', 'Restricted Mode: SALE waits for review and will not execute until the workspace is trusted.');
      }
    }
    let st = initialPanelState({
      phase: 'bidding',
      session: id,
      simulated: resolved.simulated,
      poolLabel: resolved.label,
      reviewMode,
      budgetUsd: s.budgetUsd > 0 ? s.budgetUsd : null,
      task: { title: fullTask.title, source: fullTask.source, repo: repo.label, testCommand },
      agents: resolved.models.map((m) => m.agent.id),
    });
    for (const n of resolved.notes) st = addNotice(st, 'info', n);
    if (!repo.isGitRepo) st = addNotice(st, 'warn', `${path.basename(root)} is not a git repository: memory is keyed by the folder name, and Accept keeps the change in place (no branch).`);
    if (!trusted) st = addNotice(st, 'warn', 'This workspace is not trusted (Restricted Mode): SALE shows the auction but will not run anything until you trust the workspace.');
    this.setState(st, true);
    this.deps.log('info', `Task "${fullTask.title}" (${fullTask.source}) in ${repo.label}; pool: ${resolved.label}; test command: ${testCommand}.`);
    void this.deps.panel.reveal();

    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const session: RunSession = { id, task: fullTask, root, repo, cancel, originals: new Map(), done };
    this.session = session;

    // Progress: one notification for the auction, one for the execution, both cancellable.
    let progress = this.startProgress(`SALE auction: ${fullTask.title}`, cancel);
    let lastDeltaUi = 0;
    const onEvent = (ev: SaleEvent) => {
      if (this.session !== session) return;
      const next = applyEvent(this.state, ev);
      // Streamed bid deltas come many a second: the panel (throttled itself) gets each; the status bar and the
      // progress notification at most every DELTA_UI_MS.
      if (ev.type === 'bid-delta') {
        const now = Date.now();
        if (!deltaUiDue(lastDeltaUi, now)) {
          this.setState(next, false, false);
          return;
        }
        lastDeltaUi = now;
      }
      this.setState(next);
      progress?.report(phaseSummary(this.state));
      this.logEvent(ev);
    };
    const review = async (record: AuctionRecord): Promise<ReviewDecision> => {
      if (this.session !== session || cancel.cancelled) return { action: 'cancel' };
      progress?.done();
      progress = undefined;
      const winnerIdx = record.winnerBidIndex;
      if (reviewMode === 'auto' && trusted && winnerIdx !== null) {
        this.setState({ ...this.state, phase: 'executing', chosenBidIndex: winnerIdx }, true);
        progress = this.startProgress(`SALE: ${record.winner} is working on: ${fullTask.title}`, cancel);
        return { action: 'run', bidIndex: winnerIdx };
      }
      const decision = await new Promise<ReviewDecision>((resolve) => {
        session.pending = { resolve, record };
        this.setState({ ...this.state, phase: 'review' }, true);
        this.deps.panel.focus('actions');
        // A notification only when the panel is not in view (a notification cannot be withdrawn once answered elsewhere).
        if (record.winner && !this.deps.panel.visible) {
          void vscode.window.showInformationMessage(`SALE: ${record.winner} won the auction for "${fullTask.title}".`, 'Run Winner', 'Review Bids', 'Cancel')
            .then((pick) => {
              if (pick === 'Run Winner' && session.pending) void this.decide({ action: 'run', bidIndex: winnerIdx! });
              else if (pick === 'Review Bids') void this.deps.panel.reveal();
              else if (pick === 'Cancel' && session.pending) void this.decide({ action: 'cancel' });
            });
        }
      });
      session.pending = undefined;
      if (decision.action === 'run') {
        const chosen = record.bids[decision.bidIndex];
        this.setState({ ...this.state, chosenBidIndex: decision.bidIndex, phase: 'executing' }, true);
        progress = this.startProgress(`SALE: ${chosen?.agent ?? 'agent'} is working on: ${fullTask.title}`, cancel);
      }
      return decision;
    };

    try {
      // The engine (auction, execution, openai client) loads on first use, not at activation.
      const { runEngine } = await import('./engine');
      const run = await runEngine({
        task: fullTask,
        root,
        models: resolved.models,
        memory,
        settingsInput: engineSettingsInput(s),
        runner: this.deps.runner,
        approver: this.approver(),
        review,
        signal: cancel,
        onEvent,
        simulated: resolved.simulated,
      });
      session.engine = run;
      if (run.cancelled) {
        const { cancelRevertNotice } = await import('./engine');
        const notice = cancelRevertNotice(run.revertErrors);
        this.setState(notice ? addNotice({ ...this.state, phase: 'cancelled' }, 'error', notice) : { ...this.state, phase: 'cancelled' }, true);
        if (notice) {
          this.deps.log('error', notice);
          void vscode.window.showErrorMessage(`SALE: ${notice}`, 'Show Log').then((p) => p && vscode.commands.executeCommand('sale.showLog'));
        }
      } else {
        const changes = changedFiles(run.diff);
        await this.loadOriginals(session, run.diff);
        this.setState({ ...this.state, phase: 'done', changes, diff: capDiff(run.diff), outcome: changes.length ? 'pending' : null, totalUsd: Math.max(this.state.totalUsd, run.totalUsd) }, true);
        this.deps.panel.focus('actions');
        const verdict = run.passed ? 'tests passed' : 'tests did not pass';
        this.deps.log(run.passed ? 'info' : 'warn', `Run ended: ${verdict} (${run.executedBy ?? '?'}, ${formatUsd(run.totalUsd)}). ${changes.length} file(s) changed.`);
        if (changes.length && !this.deps.panel.visible) {
          void vscode.window.showInformationMessage(`SALE: ${verdict} — ${changes.length} file(s) changed by ${run.executedBy} (${formatUsd(run.totalUsd)}).`,
            'Accept', 'Revert', 'Show Diff').then((pick) => {
            if (this.session !== session || this.state.outcome !== 'pending') return;
            if (pick === 'Accept') void this.accept();
            else if (pick === 'Revert') void this.revert();
            else if (pick === 'Show Diff' && this.state.changes[0]) void this.openDiff(this.state.changes[0].path);
          });
        }
      }
      this.deps.status.addSessionUsd(this.state.totalUsd);
      this.lastRun = { task: fullTask, engine: run, state: this.state };
    } catch (e) {
      const cancelled = e instanceof CancelledError || cancel.cancelled;
      const message = cancelled ? 'Cancelled.' : errorMessage(e);
      this.setState({ ...this.state, phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : message }, true);
      this.deps.log(cancelled ? 'info' : 'error', cancelled ? `Task "${fullTask.title}" cancelled.` : `Task "${fullTask.title}" failed: ${message}`);
      this.deps.status.addSessionUsd(this.state.totalUsd);
      this.lastRun = { task: fullTask, error: message, state: this.state };
      if (!cancelled) throw e instanceof SaleError ? e : new SaleError(message, 'run-failed');
    } finally {
      progress?.done();
      session.pending = undefined;
      finish();
      this.deps.onMemoryChanged();
    }
  }

  /** The user's review decision: from the panel, a command, a notification, or the test API. */
  async decide(d: ReviewDecision): Promise<void> {
    const s = this.session;
    if (!s?.pending) throw new SaleError('There is no auction waiting for review.', 'no-review');
    if (d.action === 'run') {
      const bid = s.pending.record.bids[d.bidIndex];
      if (!bid) throw new SaleError(`There is no bid number ${d.bidIndex}.`, 'bad-bid');
      if (bid.error) throw new SaleError(`${bid.agent}'s bid failed (${bid.error}); it cannot run.`, 'bad-bid');
      if (!vscode.workspace.isTrusted) {
        const pick = await vscode.window.showWarningMessage('SALE does not run agents in an untrusted workspace (Restricted Mode). Trust the workspace to run the winner.', 'Manage Workspace Trust');
        if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
        throw new SaleError('Execution is disabled in an untrusted workspace.', 'untrusted');
      }
      this.deps.log('info', d.bidIndex === s.pending.record.winnerBidIndex ? `Running the winner, ${bid.agent}.` : `Override: running ${bid.agent}'s bid instead of ${s.pending.record.winner}'s.`);
    } else {
      this.deps.log('info', 'Review: cancelled by the user.');
      s.cancel.cancel();
    }
    s.pending.resolve(d);
  }

  /** Cancels whatever runs now: the auction, the review, or the execution (whose edits are then reverted by the engine). */
  async cancel(): Promise<void> {
    const s = this.session;
    if (!s || !this.busy) throw new SaleError('Nothing is running.', 'idle');
    if (s.pending) return this.decide({ action: 'cancel' });
    s.cancel.cancel();
    this.setState(addNotice(this.state, 'info', 'Cancelling…'), true);
  }

  async accept(): Promise<string> {
    const s = this.session;
    if (!s?.engine || this.state.outcome !== 'pending') throw new SaleError('There is no change waiting to be accepted.', 'no-change');
    const mode = this.deps.settings(vscode.Uri.file(s.root))['accept.mode'];
    const detail = await s.engine.accept(mode === 'branch' && s.repo.isGitRepo ? 'branch' : 'keep');
    this.setState({ ...this.state, outcome: 'accepted', outcomeDetail: detail }, true);
    this.deps.log('info', `Accepted: ${detail}`);
    this.deps.onMemoryChanged();
    return detail;
  }

  async revert(): Promise<string> {
    const s = this.session;
    if (!s?.engine || this.state.outcome !== 'pending') throw new SaleError('There is no change waiting to be reverted.', 'no-change');
    const detail = await s.engine.revert();
    this.setState({ ...this.state, outcome: 'reverted', outcomeDetail: detail }, true);
    this.deps.log('info', `Reverted: ${detail}`);
    this.deps.onMemoryChanged();
    return detail;
  }

  async openDiff(rel: string): Promise<void> {
    const s = this.session;
    if (!s) throw new SaleError('No task.', 'idle');
    const change = this.state.changes.find((c) => c.path === rel);
    if (!change) throw new SaleError(`${rel} is not among the changed files.`, 'bad-path');
    const right = vscode.Uri.file(path.join(s.root, rel));
    const left = vscode.Uri.from({ scheme: ORIGINAL_SCHEME, path: `/${rel}`, query: s.id });
    if (change.status === 'deleted') {
      await vscode.commands.executeCommand('vscode.open', left);
      return;
    }
    await vscode.commands.executeCommand('vscode.diff', left, right, `${rel} (before SALE ↔ now)`, { preview: true });
  }

  /** Text for the left side of the diff editor (before the agent's change). */
  originalContent(uri: vscode.Uri): string {
    const s = this.session;
    if (!s || uri.query !== s.id) return '(This change belongs to an earlier task.)';
    return s.originals.get(uri.path.replace(/^\//, '')) ?? '(The original text is not available.)';
  }

  /** Routes a validated panel message (the panel provider has checked its session already). */
  async handlePanelMessage(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'run':
        return this.decide({ action: 'run', bidIndex: msg.bidIndex });
      case 'cancel':
        return this.cancel();
      case 'accept':
        await this.accept();
        return;
      case 'revert':
        await this.revert();
        return;
      case 'openDiff':
        return this.openDiff(msg.path);
      case 'solve':
        await vscode.commands.executeCommand('sale.solve');
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:sale-dev.sale-vscode');
        return;
      case 'showLog':
        await vscode.commands.executeCommand('sale.showLog');
        return;
      default:
        return;
    }
  }

  /** Resolves when the current run reaches a resting point. */
  async whenIdle(): Promise<void> {
    await this.session?.done;
  }

  private async loadOriginals(session: RunSession, diff: string): Promise<void> {
    for (const fp of splitDiff(diff)) {
      let current = '';
      if (fp.status !== 'deleted') current = await readFile(path.join(session.root, fp.path), 'utf8').catch(() => '');
      const before = originalText(current, fp);
      if (before !== undefined) session.originals.set(fp.path, before);
    }
  }

  private approver(): CommandApprover {
    return {
      approve: async (command: string) => {
        if (!vscode.workspace.isTrusted) return false;
        const pick = await vscode.window.showWarningMessage(`The SALE agent wants to run a command:\n\n${command}`, { modal: true, detail: 'Only the test command runs without asking.' }, 'Allow');
        const ok = pick === 'Allow';
        this.deps.log(ok ? 'info' : 'warn', `Command ${ok ? 'allowed' : 'refused'} by the user: ${command}`);
        return ok;
      },
    };
  }

  private startProgress(title: string, cancel: CancelSource): { report(m: string): void; done(): void } | undefined {
    let report: (m: string) => void = () => undefined;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (p, token) => {
      token.onCancellationRequested(() => {
        if (this.session?.pending) void this.decide({ action: 'cancel' }).catch(() => undefined);
        else cancel.cancel();
      });
      let last = '';
      report = (m) => {
        if (m !== last) p.report({ message: m });
        last = m;
      };
      return finished;
    });
    return { report: (m) => report(m), done };
  }

  private logEvent(ev: SaleEvent): void {
    const L = this.deps.log;
    switch (ev.type) {
      case 'auction-start':
        L('info', `Auction with ${ev.agents.join(', ')}${ev.simulated ? ' (simulated models)' : ''}.`);
        break;
      case 'bid':
        L(ev.bid.error ? 'warn' : 'info', ev.bid.error ? `Bid of ${ev.bid.agent} failed: ${ev.bid.error}` : `Bid of ${ev.bid.agent}${ev.bid.refined ? ' (refined)' : ''}: ${ev.bid.tokens} tokens.`);
        break;
      case 'refine-start':
        L('info', `Refining: ${ev.agents.join(', ')}.`);
        break;
      case 'auction-done':
        L('info', `Auction done: winner ${ev.record.winner ?? 'none'}. ${ev.record.explanation.join(' ')}`);
        break;
      case 'exec-start':
        L('info', `${ev.agent} executes${ev.escalation ? ` (escalation ${ev.escalation})` : ''}.`);
        break;
      case 'exec-test':
        L(ev.passed ? 'info' : 'warn', `Tests ${ev.passed ? 'passed' : 'failed'} (exit ${ev.exitCode ?? 'unknown'}, ${ev.runner}).`);
        break;
      case 'exec-done':
        L(ev.passed ? 'info' : 'warn', `${ev.agent} ${ev.passed ? 'solved it' : 'did not solve it'}: ${ev.reason}; ${ev.turns} turns, ${ev.tokens} tokens, ${formatUsd(ev.usd)}.`);
        break;
      case 'log':
        L(ev.level, ev.message);
        break;
      default:
        break;
    }
  }
}

function capDiff(diff: string, max = 200_000): string {
  return diff.length > max ? `${diff.slice(0, max)}\n… (diff truncated; open the files for the rest)` : diff;
}
