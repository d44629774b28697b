import type { ChatModel } from './ports/chatModel';
import { runAuction } from './auction/auction';
import { bestScoreOnly } from './auction/explain';
import type { AuctionMemory, MemoryReader } from './memory/auctionMemory';
import { type AuctionRecord, auctionUsageTotals, emptyUsage, sumPhases } from './auction/auctionRecord';
import type { AuctionSettings } from './auction/auctionSettings';
import type { ExecutionBudget } from './execution/editLoop';
import { CancelledError, SaleError } from './errors';
import type { SaleEvent } from './events';
import { type EscalationSettings, type ExecuteWithEscalationOptions, type ExecuteWithEscalationResult, executeWithEscalation } from './execution/executeWinner';
import { FileJournal, type RevertReport } from './workspace/fileJournal';
import { preflightTestCommand } from './execution/testPreflight';
import { DEFAULT_EXEC_TOOL_LIMITS } from './execution/execLimits';
import { type AcceptResult, acceptToBranch } from './git/gitAccept';
import type { CancelSignal } from './ports/cancel';
import type { CommandApprover, CommandRunner } from './ports/commandRunner';
import { buildRepoContext } from './workspace/repoContext';
import type { CodingTask } from './task';
import { blendedPrice } from './pricing';
import { auctionJury, escalationCapability, routeTask } from './routing/routeTask';
import type { RoutingDecision } from './routing/routingRecord';
import { type RoutingSettings, routingSettings } from './routing/routingSettings';
import { routeWithCheckedPlan } from './routing/checkedRoute';
import { planFromMemory } from './routing/routedPlan';
import { valueWinner } from './routing/valueWinner';
import { TaskBudget } from './callBudget';
import type { RepoContext } from './auction/prompts';

export interface SolveSettings {
  auction: AuctionSettings;
  /** Per task, auction included: dollars and tokens; turns per attempt. */
  budget: ExecutionBudget;
  escalation: EscalationSettings;
  /** Learned routing (issue 8). Absent: every task gets an auction. Its estimates also order escalation by capability. */
  routing?: RoutingSettings;
}

/** `auction`: only for a task routed from memory, "Hold the auction anyway" before anything ran (then review again). */
export type ReviewDecision = { action: 'run'; bidIndex: number } | { action: 'cancel' } | { action: 'auction' };

export interface SolveOptions {
  task: CodingTask;
  root: string;
  models: ChatModel[];
  memory: AuctionMemory;
  settings: SolveSettings;
  runner: CommandRunner;
  approver: CommandApprover;
  /** Lets the user see the bids and pick one. Without it the auction's winner runs. */
  review?: (record: AuctionRecord) => Promise<ReviewDecision>;
  signal?: CancelSignal;
  onEvent?: (e: SaleEvent) => void;
  simulated?: boolean;
  repoContext?: RepoContext;
  /** The journal of this task (default: a durable one on `root`). */
  journal?: FileJournal;
  /** Run the test command once before the auction and stop when it cannot run (default true). */
  preflight?: boolean;
  /** Hold the auction even when memory would route ("Hold the auction anyway"). */
  forceAuction?: boolean;
  /**
   * Reuse this auction instead of holding one (no routing, nothing spent on bidding): "Retry with another bid"
   * runs another bid of an auction already held. Its usage is not counted again.
   */
  reuseAuction?: AuctionRecord;
}

export interface SolveTotals {
  auctionTokens: number;
  auctionUsd: number;
  execTokens: number;
  execUsd: number;
  totalUsd: number;
}

/** Why nothing was executed, for machines (the CLI's --json report) as well as people. */
export type NotExecutedReason = 'budget' | 'cancelled-at-review' | 'no-test-command';

export interface SolveResult {
  task: CodingTask;
  /** Set when the auction ran but nothing was executed. */
  notExecuted?: { reason: NotExecutedReason; message: string };
  auction: AuctionRecord;
  memoryRecordId: string;
  /** Undefined when the user cancelled at review. */
  execution?: ExecuteWithEscalationResult;
  chosenBidIndex?: number;
  overridden: boolean;
  passed: boolean;
  totals: SolveTotals;
  /** Keeps the change: marks it kept in memory and, if asked, commits only the agent's files on a new branch. */
  accept(opts?: { commitToBranch?: boolean; message?: string }): Promise<AcceptResult | undefined>;
  /** Restores every file the agent touched, byte for byte; marks the change not kept. */
  revert(): Promise<RevertReport | undefined>;
}


/** An escalation target without a bid writes its plan from memory (routedPlan.ts) within what the task has left. */
function escalationPlanner(opts: SolveOptions, rs: RoutingSettings, repoContext: RepoContext, limit: SolveSettings['budget'], memory: MemoryReader): NonNullable<ExecuteWithEscalationOptions['planFor']> {
  return async (model, spent) => {
    const budget = new TaskBudget({ maxUsd: limit.maxUsd - spent.usd, maxTokens: limit.maxTokens - spent.tokens });
    const p = await planFromMemory({ model, task: opts.task, repoContext, memory, settings: opts.settings.auction, examples: rs.planExamples, failures: rs.planFailures, budget, signal: opts.signal });
    return { bid: p.bid, usage: p.usage, note: `Escalation: ${p.note}` };
  };
}

/**
 * The whole flow of one task: auction → review → the chosen bid's edit–test loop (with escalation) → outcome
 * into memory. The auction counts against the per-task budget; execution does not start once it is spent.
 */
export async function solveTask(opts: SolveOptions): Promise<SolveResult> {
  const { task, settings, memory } = opts;
  const repoContext = opts.repoContext ?? (await buildRepoContext(opts.root, task));
  const journal = opts.journal ?? (await FileJournal.open(opts.root));
  const testCommand = task.testCommand ?? repoContext.testCommand;
  const agents = opts.models.map((m) => ({ id: m.agent.id, price: blendedPrice(m.agent.price) }));
  const rs = settings.routing ?? routingSettings();
  let routing: RoutingDecision | undefined;
  /** Agents whose plans for this task the plan check rated too low (checkedRoute.ts): they neither bid nor escalate. */
  let turnedDown: string[] = [];
  let auction: AuctionRecord;
  /** A decision already taken at a routed task's review. */
  let early: ReviewDecision | undefined;
  try {
    if (testCommand && opts.preflight !== false) {
      // A missing test runner stops the task here, before any model call (testPreflight.ts).
      await preflightTestCommand({ command: testCommand, journal, runner: opts.runner, timeoutMs: DEFAULT_EXEC_TOOL_LIMITS.testTimeoutMs, signal: opts.signal });
      if (opts.signal?.cancelled) throw new CancelledError('Run');
    }
    /** `before`: what this task already spent on model calls (a routed plan from memory), counted in the auction's budget and usage. */
    const holdAuction = async (before?: AuctionRecord, without: string[] = []): Promise<AuctionRecord> => {
      const spentBefore = before ? auctionUsageTotals(before) : { tokens: 0, usd: 0 };
      const bidders = opts.models.filter((m) => !without.includes(m.agent.id));
      const held = await runAuction({
        task, repoContext, models: bidders.length ? bidders : opts.models, settings: settings.auction, memory, signal: opts.signal, onEvent: opts.onEvent, simulated: opts.simulated,
        budget: { maxUsd: settings.budget.maxUsd - spentBefore.usd, maxTokens: settings.budget.maxTokens - spentBefore.tokens },
      });
      if (before) {
        // The routed plan (and its check) were paid for: they stay in the task's spend, the plan with the
        // refinement it stands closest to, the check with the jury.
        held.usage = sumPhases(held.usage, before.usage);
      }
      const record = routing ? { ...held, routing: { ...routing, mode: 'auction' as const } } : held;
      return rs.auctionWinner === 'value' ? withValueWinner(record) : record;
    };
    /** `auctionWinner: 'value'`: the bidder of the best expected value runs (valueWinner.ts), before anyone reviews. */
    const withValueWinner = (record: AuctionRecord): AuctionRecord => {
      const v = valueWinner({ auction: record, memory, task, agents, settings: rs, escalation: settings.escalation.enabled });
      if (!v?.note) return record;
      const scored = record.winner ? bestScoreOnly(record.explanation, record.winner) : record.explanation;
      const picked = { ...record, winner: record.bids[v.bidIndex].agent, winnerBidIndex: v.bidIndex, explanation: [v.note, ...scored] };
      opts.onEvent?.({ type: 'log', level: 'info', message: v.note });
      // The panel shows the winner that will run, not the score's, and why first (its heading asks "Why … won").
      opts.onEvent?.({ type: 'auction-done', record: picked });
      return picked;
    };
    if (opts.reuseAuction) {
      const usage = { bids: emptyUsage(), jury: emptyUsage(), refinement: emptyUsage() };
      auction = { ...opts.reuseAuction, usage, explanation: [...opts.reuseAuction.explanation, 'Another bid of the same auction, run without a new auction.'] };
      opts.onEvent?.({ type: 'auction-done', record: auction });
    } else {
      if (settings.routing) {
        routing = routeTask({ memory, task, agents, settings: settings.routing, escalation: settings.escalation.enabled, seed: settings.auction.seed, forceAuction: opts.forceAuction });
        opts.onEvent?.({ type: 'log', level: 'info', message: routing.reason });
      }
      const routedModel = routing?.mode === 'routed' ? opts.models.find((m) => m.agent.id === routing!.agent) : undefined;
      if (routing && routedModel) {
        const routed = await routeWithCheckedPlan({
          models: opts.models, decision: routing, task, repoContext, memory, auction: settings.auction, routing: rs, signal: opts.signal, onEvent: opts.onEvent,
          budget: { maxUsd: settings.budget.maxUsd, maxTokens: settings.budget.maxTokens },
        });
        auction = routed.record;
        routing = routed.decision;
        turnedDown = routed.rejected;
        if (!routed.accepted) {
          const who = routed.rejected.join(' and ');
          routing = { ...routing, mode: 'auction', cause: 'check', reason: `Plan check: ${who}'s plan${routed.rejected.length === 1 ? ' was' : 's were'} rated too low for this task (${auction.explanation.at(-1)}): auction held among the others.` };
          opts.onEvent?.({ type: 'log', level: 'warn', message: routing.reason });
          // Agents whose plans were just rated too low for this task do not bid again.
          auction = await holdAuction(auction, routed.rejected);
        }
        opts.onEvent?.({ type: 'auction-done', record: auction });
        // Routed: the user may still ask for the auction before anything runs; then the auction's record is reviewed.
        early = opts.review ? await opts.review(auction) : undefined;
        if (early?.action === 'auction') {
          routing = { ...routing, mode: 'auction', cause: 'forced', reason: `Auction held on request, although memory pointed to ${routing.agent}.` };
          auction = await holdAuction(auction);
          early = undefined;
        }
      } else {
        auction = await holdAuction();
      }
    }
  } catch (e) {
    await journal.close(); // nothing was changed yet; the preflight's run record goes
    throw e;
  }
  const mem = await memory.recordAuction(task, auction);
  // The task is recorded before it runs (a crash keeps its auction); what is decided from here on (escalation's
  // estimates and plans) reads memory without it, or the task would be its own best match.
  const before = memory.without(mem.id);
  const spent = auctionUsageTotals(auction);
  const base = { task, auction, memoryRecordId: mem.id };
  const totals = (exec?: ExecuteWithEscalationResult): SolveTotals => {
    const execTokens = exec ? exec.attempts.reduce((s, a) => s + a.inputTokens + a.outputTokens, 0) : 0;
    const execUsd = exec ? exec.attempts.reduce((s, a) => s + a.usd, 0) : 0;
    return { auctionTokens: spent.tokens, auctionUsd: spent.usd, execTokens, execUsd, totalUsd: spent.usd + execUsd };
  };
  const noExecution = async (reason: NotExecutedReason, why: string): Promise<SolveResult> => {
    await journal.close();
    opts.onEvent?.({ type: 'log', level: 'warn', message: why });
    return { ...base, notExecuted: { reason, message: why }, overridden: false, passed: false, totals: totals(), accept: async () => undefined, revert: async () => undefined };
  };

  if (opts.signal?.cancelled) throw new CancelledError('Run');
  const decision: ReviewDecision = early ?? (opts.review ? await opts.review(auction) : { action: 'run', bidIndex: auction.winnerBidIndex ?? -1 });
  if (decision.action === 'auction') throw new SaleError('The auction can be held instead only for a task routed from memory, before it runs.', 'bad-decision');
  if (decision.action === 'cancel') return noExecution('cancelled-at-review', 'Cancelled at review: nothing was executed.');
  const chosen = auction.bids[decision.bidIndex];
  if (!chosen || chosen.error) throw new SaleError(`Cannot run bid #${decision.bidIndex}: ${chosen ? `it failed (${chosen.error})` : 'no such bid'}.`);
  if (!task.testCommand && !repoContext.testCommand) {
    return noExecution('no-test-command', 'No test command found for this task, so success could not be checked: nothing was executed. Set one (package.json "test" script, or the task\'s test command).');
  }
  if (spent.usd >= settings.budget.maxUsd) {
    return noExecution('budget', `Budget reached in the auction ($${spent.usd.toFixed(4)} of $${settings.budget.maxUsd}): nothing was executed.`);
  }
  if (spent.tokens >= settings.budget.maxTokens) {
    return noExecution('budget', `Token limit reached in the auction (${spent.tokens} of ${settings.budget.maxTokens}): nothing was executed.`);
  }
  const execTask = task.testCommand ? task : { ...task, testCommand: repoContext.testCommand };
  const overridden = decision.bidIndex !== auction.winnerBidIndex;
  const execution = await executeWithEscalation({
    record: auction,
    chosen,
    models: new Map(opts.models.map((m) => [m.agent.id, m])),
    task: execTask,
    root: opts.root,
    runner: opts.runner,
    approver: opts.approver,
    budget: settings.budget,
    escalation: settings.escalation,
    spentBefore: spent,
    journal,
    signal: opts.signal,
    onEvent: opts.onEvent,
    seed: settings.auction.seed,
    repoContext,
    ...(settings.escalation.by === 'capability' ? { capability: escalationCapability(before, task, agents, rs, { jury: auctionJury(auction), without: turnedDown }) } : {}),
    ...(settings.routing?.enabled && rs.planFromMemory && rs.escalationPlan ? { planFor: escalationPlanner(opts, rs, repoContext, settings.budget, before) } : {}),
  });
  const t = totals(execution);
  const final = execution.final;
  if (final.reason !== 'cancelled') {
    await memory.setOutcome(mem.id, {
      executedBy: final.agent,
      passed: final.passed,
      turns: execution.attempts.reduce((s, a) => s + a.turns, 0),
      tokens: t.execTokens,
      usd: t.execUsd,
      kept: null,
      escalatedFrom: execution.escalatedFrom,
      overridden,
      attempts: execution.attempts.map((a, i) => ({
        agent: a.agent, passed: a.passed, usd: a.usd, turns: a.turns, outputTokens: a.outputTokens,
        ...(execution.estimates[i] !== undefined ? { estimate: execution.estimates[i] } : {}),
      })),
    });
  }
  let settled = false;
  return {
    ...base,
    execution,
    chosenBidIndex: decision.bidIndex,
    overridden,
    passed: final.passed,
    totals: t,
    async accept(o = {}) {
      if (settled) throw new SaleError('This change was already accepted or reverted.');
      // Settled only once the commit (if asked) succeeded: a failed accept leaves revert possible.
      const committed = o.commitToBranch
        ? await acceptToBranch({ root: opts.root, taskId: task.id, files: await execution.journal.changedFiles(), message: o.message })
        : undefined;
      settled = true;
      await execution.journal.close();
      await memory.setKept(mem.id, true);
      return committed;
    },
    async revert() {
      if (settled) throw new SaleError('This change was already accepted or reverted.');
      const report = await execution.journal.revert();
      if (report.errors.length) {
        // Not settled: the journal still holds the prior bytes, so the user can try again.
        throw new SaleError(`Revert could not restore every file:\n${report.errors.map((e) => `  - ${e}`).join('\n')}`, 'revert-incomplete');
      }
      settled = true;
      await execution.journal.close();
      await memory.setKept(mem.id, false);
      return report;
    },
  };
}
