import type { ChatModel } from '../ports/chatModel';
import { type AuctionRecord, type Bid, auctionUsageTotals } from '../auction/auctionRecord';
import { bestBidOf } from '../auction/bestBids';
import { type EditLoopOptions, type ExecutionBudget, type ExecutionResult, runEditTestLoop } from './editLoop';
import { SaleError } from '../errors';
import type { SaleEvent } from '../events';
import { FileJournal, type RevertReport } from '../workspace/fileJournal';
import type { CancelSignal } from '../ports/cancel';
import type { CommandApprover, CommandRunner } from '../ports/commandRunner';
import { type AttemptHandoff, NO_PLAN, type RepoContext } from '../auction/prompts';
import { placeholderBid } from '../routing/routedRecord';
import { type EscalationCalibration, type FailedAttempt, calibrateEscalation, lengthScore } from '../routing/escalationCalibration';
import type { CodingTask } from '../task';

/**
 * Runs the chosen bid (the auction's winner, the routed agent or the user's override) and, when it fails,
 * escalates (DESIGN §1, "escalation"): the workspace is reverted to its exact state before the first attempt,
 * and another agent runs next, never an agent twice.
 *
 * Which agent: with `by: 'capability'` (sale, issue 8) the one estimated MORE CAPABLE on this task than the agent
 * that failed (memory + this auction's jury, `capability`) with the best expected gain V·d·p − cost, and only when
 * that gain is positive; a pricier but weaker agent is never chosen. It runs its best-scored bid, or no plan when it
 * did not bid. With `by: 'price'` (the earlier rule) the best-scored bid of an agent STRICTLY more expensive.
 * With `handoff`, the next agent is told what the failed attempt learned (its last test output, the files it touched).
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
  /** 'price' (default): strictly pricier agents. 'capability': more capable agents, when worth their cost. */
  by?: 'price' | 'capability';
  /** Tell the next agent what the failed attempt learned. */
  handoff?: boolean;
}

/** Per-agent estimates on this task, for escalation by capability. */
export interface CapabilityEstimates {
  /** agent → estimated pass probability on this task and expected dollars of one execution. */
  agents: ReadonlyMap<string, { mean: number; expectedUsd: number }>;
  /** Dollars a pass is worth. */
  value: number;
  /** A second attempt's pass estimate × this (a failure makes the task look harder for everyone). */
  discount: number;
  /** How this repository's escalations did against their estimates (routing's `escalationCalibration`). */
  calibration?: EscalationCalibration;
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
  /** Required for escalation by capability (without it, escalation by capability stops at the first failure). */
  capability?: CapabilityEstimates;
  /** Passed through to every attempt. */
  loop?: Pick<EditLoopOptions, 'maxOutputTokensPerTurn' | 'minOutputTokens' | 'limits' | 'loopDetection'>;
  /**
   * A plan for an escalation target that did not bid (a task routed from memory): the target writes one from memory
   * (routedPlan.ts) within what the task has left. Its cost is counted in that attempt. Without it, or when it yields
   * no plan, the target runs without one.
   */
  planFor?: (model: ChatModel, spent: { tokens: number; usd: number }) => Promise<EscalationPlan>;
}

/** What `planFor` returns: the plan to run (or the no-plan placeholder), what it cost, and a line for the log. */
export interface EscalationPlan {
  bid: Bid;
  usage: { inputTokens: number; outputTokens: number; usd: number };
  note: string;
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
  /** Per attempt, the pass estimate escalation started it on (discounted, before calibration); none for the first. */
  estimates: (number | undefined)[];
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
  const estimates: (number | undefined)[] = [undefined];
  let bid = opts.chosen;
  let escalationNote: string | undefined;
  let handoff: AttemptHandoff | undefined;
  /** The plan written for this attempt (escalation to an agent that did not bid): its cost joins the attempt's. */
  let planUsage: EscalationPlan['usage'] | undefined;

  for (let attempt = 0; ; attempt++) {
    const model = models.get(bid.agent);
    if (!model) throw new SaleError(`No model configured for agent ${bid.agent}.`, 'agent-missing');
    tried.add(bid.agent);
    const loopResult = await runEditTestLoop({
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
      ...(handoff ? { handoff } : {}),
      ...opts.loop,
    });
    spent.tokens += loopResult.inputTokens + loopResult.outputTokens;
    spent.usd += loopResult.usd;
    const result = withPlanCost(loopResult, planUsage);
    planUsage = undefined;
    attempts.push(result);

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
    let next: Bid | undefined;
    if (opts.escalation.by === 'capability') {
      const pick = nextCapableAgent(opts.capability, result, tried, models);
      if (!pick.agent) {
        escalationNote = pick.note;
        break;
      }
      next = bestBidOf(opts.record.bids, pick.agent) ?? placeholderBid(models.get(pick.agent)!);
      estimates[attempt + 1] = pick.estimate;
    } else {
      next = nextEscalationBid(opts.record.bids, bid, tried, models);
      if (!next) {
        escalationNote = `No bid from an agent more expensive than ${bid.agent} ($${bid.pricePerMTok}/MTok) is available.`;
        break;
      }
    }
    if (opts.planFor && next.raw === NO_PLAN) {
      // Before the restore: a run cancelled while the plan is written keeps the last attempt's changes, as any stop does.
      let p: EscalationPlan;
      try {
        p = await opts.planFor(models.get(next.agent)!, { ...spent });
      } catch (e) {
        if (opts.signal?.cancelled) break;
        throw e;
      }
      spent.tokens += p.usage.inputTokens + p.usage.outputTokens;
      spent.usd += p.usage.usd;
      planUsage = p.usage;
      next = p.bid;
      opts.onEvent?.({ type: 'log', level: 'info', message: p.note });
      if (opts.signal?.cancelled) break;
    }
    const restored = await journal.revert();
    reverts.push(restored);
    if (restored.errors.length) {
      // Never start another agent on a half-restored tree.
      escalationNote = `No escalation: the workspace could not be fully restored (${restored.errors.join('; ')}).`;
      break;
    }
    escalatedFrom.push(bid.agent);
    if (opts.escalation.handoff) {
      handoff = { agent: bid.agent, reason: result.reason, files: result.filesChanged, ...(result.lastTest ? { testOutput: result.lastTest.output } : {}) };
    }
    opts.onEvent?.({ type: 'log', level: 'info', message: `${bid.agent} failed (${result.reason}); workspace restored; escalating to ${next.agent}.` });
    bid = next;
  }
  // Cancelled after a plan was written for an attempt that never ran: its cost stays with the last attempt.
  attempts[attempts.length - 1] = withPlanCost(attempts[attempts.length - 1], planUsage);
  const final = attempts[attempts.length - 1];
  if (escalationNote && !final.passed) opts.onEvent?.({ type: 'exec-stopped', agent: final.agent, note: escalationNote });
  return { attempts, final, escalatedFrom, journal, reverts, estimates: attempts.map((_, i) => estimates[i]), ...(escalationNote && !final.passed ? { escalationNote } : {}) };
}

/** An attempt with the cost of the plan written for it (escalationPlan) added; unchanged without one. */
function withPlanCost(r: ExecutionResult, plan: EscalationPlan['usage'] | undefined): ExecutionResult {
  if (!plan) return r;
  return { ...r, inputTokens: r.inputTokens + plan.inputTokens, outputTokens: r.outputTokens + plan.outputTokens, usd: r.usd + plan.usd };
}


/**
 * Escalation by capability: among untried agents (with a model) estimated MORE capable than the one that failed,
 * the best expected gain value·p − cost, p the agent's estimate × discount, as this repository's escalations correct
 * it (escalationCalibration.ts, when on); none when that gain is not positive. `estimate`: the chosen agent's p before
 * that correction, which memory keeps so the correction can be fitted.
 */
export function nextCapableAgent(
  cap: CapabilityEstimates | undefined, failed: FailedAttempt, tried: ReadonlySet<string>, models: ReadonlyMap<string, ChatModel>,
): { agent?: string; note: string; estimate?: number } {
  if (!cap) return { note: 'No capability estimates: no escalation.' };
  const floor = cap.agents.get(failed.agent)?.mean ?? 0;
  const better = [...cap.agents].filter(([a, e]) => !tried.has(a) && models.has(a) && e.mean > floor);
  if (!better.length) return { note: `No agent is estimated more capable than ${failed.agent} on this task (${(100 * floor).toFixed(0)}%).` };
  const cal = cap.calibration;
  const p = (e: { mean: number }) => (cal ? calibrateEscalation(cap.discount * e.mean, failed, cal) : cap.discount * e.mean);
  const gain = ([, e]: [string, { mean: number; expectedUsd: number }]) => cap.value * p(e) - e.expectedUsd;
  better.sort((x, y) => gain(y) - gain(x) || x[0].localeCompare(y[0]));
  const [agent, e] = better[0];
  if (gain(better[0]) <= 0) {
    return { note: `Escalation not worth its cost: ${agent} (est. ${(100 * e.mean).toFixed(0)}% after a failure ×${cap.discount}${cal ? calibrationClause(cal, failed) : ''}) would cost $${e.expectedUsd.toFixed(4)} for an expected $${(cap.value * p(e)).toFixed(4)}.` };
  }
  return { agent, note: '', estimate: cap.discount * e.mean };
}

/** What the calibration did to the estimate, in words, for the note of an escalation it declined. */
function calibrationClause(cal: EscalationCalibration, failed: FailedAttempt): string {
  const z = lengthScore(failed, cal);
  const parts = [`odds ×${Math.exp(cal.shift).toFixed(2)} as ${cal.observations} escalations here did against their estimates`];
  if (Math.abs(cal.slope * z) >= 0.05) {
    parts.push(`×${Math.exp(cal.slope * z).toFixed(2)} for a failed attempt ${Math.abs(z).toFixed(1)} sd ${z > 0 ? 'longer' : 'shorter'} per turn than ${failed.agent}'s usual`);
  }
  return `, ${parts.join(', ')}`;
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
