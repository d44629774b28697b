import type { ChatModel } from '../ports/chatModel';
import { type AuctionRecord, type Bid, auctionUsageTotals } from '../auction/auctionRecord';
import { type EditLoopOptions, type ExecutionBudget, type ExecutionResult, runEditTestLoop } from './editLoop';
import { SaleError } from '../errors';
import type { SaleEvent } from '../events';
import { FileJournal, type RevertReport } from '../workspace/fileJournal';
import type { CancelSignal } from '../ports/cancel';
import type { CommandApprover, CommandRunner } from '../ports/commandRunner';
import type { RepoContext } from '../auction/prompts';
import type { CodingTask } from '../task';

/**
 * Runs the chosen bid (the auction's winner or the user's override) and, when it fails, escalates (DESIGN §1,
 * "escalation"): the workspace is reverted to its exact state before the first attempt, and the best-scored bid
 * (lowest score) of an agent STRICTLY more expensive (by the bid's `pricePerMTok`) than the agent that just
 * failed runs next. Never a cheaper or equal-priced agent, never an agent twice.
 *
 * Escalation happens only when the failed attempt was not cancelled, had a test command, and did not exhaust the
 * task's token or dollar budget (those are per task: the auction's spend and every earlier attempt count).
 * A turn limit is per attempt, so an attempt stopped by it can escalate. The last attempt's changes stay in the
 * workspace (the caller accepts or reverts them through the returned journal).
 */
export interface EscalationSettings {
  enabled: boolean;
  /** How many times to escalate at most (default 1). */
  maxEscalations?: number;
}

export interface ExecuteWithEscalationOptions {
  record: AuctionRecord;
  /** The bid to run first: the winner or the user's override (one of record.bids). */
  chosen: Bid;
  /** agent id → model. */
  models: Map<string, ChatModel> | Record<string, ChatModel>;
  task: CodingTask;
  root: string;
  runner: CommandRunner;
  approver: CommandApprover;
  budget: ExecutionBudget;
  escalation: EscalationSettings;
  /** Dollars and tokens spent on this task already (the auction's, by default the record's usage totals). */
  spentBefore?: { tokens: number; usd: number };
  journal?: FileJournal;
  signal?: CancelSignal;
  onEvent?: (e: SaleEvent) => void;
  seed?: number;
  repoContext?: RepoContext;
  /** Passed through to every attempt. */
  loop?: Pick<EditLoopOptions, 'maxOutputTokensPerTurn' | 'minOutputTokens' | 'limits' | 'loopDetection'>;
}

export interface ExecuteWithEscalationResult {
  attempts: ExecutionResult[];
  final: ExecutionResult;
  /** Agents that failed and were escalated from, in order. */
  escalatedFrom: string[];
  /** The journal holding the final attempt's changes (revert() undoes every attempt). */
  journal: FileJournal;
  /** Reverts done between attempts. */
  reverts: RevertReport[];
  /** Why escalation did not go further, when the final attempt failed. */
  escalationNote?: string;
}

/** Reasons after which a more expensive agent may try: the task budget still has room and nobody cancelled. */
const ESCALATABLE: ReadonlySet<ExecutionResult['reason']> = new Set(['tests-failed', 'budget-turns', 'model-error', 'loop']);

export async function executeWithEscalation(opts: ExecuteWithEscalationOptions): Promise<ExecuteWithEscalationResult> {
  const models = opts.models instanceof Map ? opts.models : new Map(Object.entries(opts.models));
  const journal = opts.journal ?? (await FileJournal.open(opts.root));
  const spent = opts.spentBefore ? { ...opts.spentBefore } : auctionUsageTotals(opts.record);
  const maxEscalations = opts.escalation.enabled ? Math.max(0, opts.escalation.maxEscalations ?? 1) : 0;
  const attempts: ExecutionResult[] = [];
  const escalatedFrom: string[] = [];
  const reverts: RevertReport[] = [];
  const tried = new Set<string>();
  let bid = opts.chosen;
  let escalationNote: string | undefined;

  for (let attempt = 0; ; attempt++) {
    const model = models.get(bid.agent);
    if (!model) throw new SaleError(`No model configured for agent ${bid.agent}.`, 'agent-missing');
    tried.add(bid.agent);
    const result = await runEditTestLoop({
      model,
      agentId: bid.agent,
      task: opts.task,
      plan: bid.raw,
      root: opts.root,
      runner: opts.runner,
      approver: opts.approver,
      journal,
      budget: opts.budget,
      spent: { ...spent },
      signal: opts.signal,
      onEvent: opts.onEvent,
      seed: opts.seed,
      escalation: attempt,
      repoContext: opts.repoContext,
      ...opts.loop,
    });
    attempts.push(result);
    spent.tokens += result.inputTokens + result.outputTokens;
    spent.usd += result.usd;

    if (result.passed) break;
    if (!ESCALATABLE.has(result.reason)) {
      escalationNote = `No escalation after "${result.reason}".`;
      break;
    }
    if (attempt >= maxEscalations) {
      escalationNote = opts.escalation.enabled ? `Escalation limit (${maxEscalations}) reached.` : 'Escalation is off.';
      break;
    }
    if (opts.signal?.cancelled) break;
    const next = nextEscalationBid(opts.record.bids, bid, tried, models);
    if (!next) {
      escalationNote = `No bid from an agent more expensive than ${bid.agent} ($${bid.pricePerMTok}/MTok) is available.`;
      break;
    }
    const restored = await journal.revert();
    reverts.push(restored);
    if (restored.errors.length) {
      // Never start another agent on a half-restored tree.
      escalationNote = `No escalation: the workspace could not be fully restored (${restored.errors.join('; ')}).`;
      break;
    }
    escalatedFrom.push(bid.agent);
    opts.onEvent?.({ type: 'log', level: 'info', message: `${bid.agent} failed (${result.reason}); workspace restored; escalating to ${next.agent}.` });
    bid = next;
  }
  const final = attempts[attempts.length - 1];
  return { attempts, final, escalatedFrom, journal, reverts, ...(escalationNote && !final.passed ? { escalationNote } : {}) };
}

/**
 * The bid to escalate to after `failed`: among usable bids (no error, model available, agent not tried) of agents
 * whose price is strictly higher than the failed bid's, the lowest score; ties go to the cheaper agent, then to
 * the refined bid. Undefined when there is none.
 */
export function nextEscalationBid(bids: Bid[], failed: Bid, tried: ReadonlySet<string>, models?: ReadonlyMap<string, ChatModel>): Bid | undefined {
  const candidates = bids.filter((b) => !b.error && !tried.has(b.agent) && b.pricePerMTok > failed.pricePerMTok && (!models || models.has(b.agent)));
  candidates.sort((a, b) => a.score - b.score || a.pricePerMTok - b.pricePerMTok || Number(b.refined) - Number(a.refined));
  return candidates[0];
}
