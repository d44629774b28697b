/**
 * A routed task's way to execution (issue 8): the routed agent writes its plan from memory (routedPlan.ts), cheap
 * jurors check it (planCheck.ts), and a plan they rate too low passes the task on to the agent memory ranks next
 * (up to `checkSteps` more agents), each with its own plan and check: a sequential auction that stops at the first
 * plan good enough, and costs one plan and one short check per agent asked instead of every bid, the jury and
 * refinement. When no asked agent's plan passes, the caller holds the auction among the agents not yet rejected.
 */
import { type AuctionRecord, sumPhases } from '../auction/auctionRecord';
import { TaskBudget } from '../callBudget';
import type { AuctionSettings } from '../auction/auctionSettings';
import { NO_PLAN, type RepoContext } from '../auction/prompts';
import type { SaleEvent } from '../events';
import type { AuctionMemory } from '../memory/auctionMemory';
import type { CancelSignal } from '../ports/cancel';
import type { ChatModel } from '../ports/chatModel';
import type { CodingTask } from '../task';
import { checkRoutedPlan } from './planCheck';
import { planFromMemory } from './routedPlan';
import { routedAuctionRecord, withPlanCheck } from './routedRecord';
import type { RoutingDecision } from './routingRecord';
import type { RoutingSettings } from './routingSettings';

export interface CheckedRouteInput {
  models: ChatModel[];
  /** The routing decision (mode 'routed'); its estimates rank the agents asked after a rejected plan. */
  decision: RoutingDecision;
  task: CodingTask;
  repoContext: RepoContext;
  memory: AuctionMemory;
  auction: AuctionSettings;
  routing: RoutingSettings;
  budget: { maxUsd: number; maxTokens: number };
  signal?: CancelSignal;
  onEvent?: (e: SaleEvent) => void;
}

export interface CheckedRoute {
  /** The record of the last agent asked, carrying what every plan and check cost. */
  record: AuctionRecord;
  decision: RoutingDecision;
  /** Its plan runs (passed its check, or there was nothing to check). */
  accepted: boolean;
  /** Agents whose plans were rated too low, in the order asked. */
  rejected: string[];
}

/** Agents to ask, best expected value first: the routed one, then up to `steps` others memory ranks next. */
export function askOrder(decision: RoutingDecision, models: ChatModel[], steps: number): ChatModel[] {
  const ev = new Map(decision.estimates.map((e) => [e.agent, e.ev]));
  const first = models.find((m) => m.agent.id === decision.agent);
  const rest = models.filter((m) => m !== first && ev.has(m.agent.id)).sort((a, b) => ev.get(b.agent.id)! - ev.get(a.agent.id)!);
  return [...(first ? [first] : []), ...rest].slice(0, 1 + steps);
}

/** The decision as it reads once `agent` is the one whose plan runs, after `rejected` were turned down. */
function decisionFor(d: RoutingDecision, agent: string, rejected: string[]): RoutingDecision {
  if (agent === d.agent) return d;
  const e = d.estimates.find((x) => x.agent === agent);
  const passed = e?.passed ?? 0;
  const of = e?.executed ?? 0;
  return {
    ...d,
    agent,
    evidence: { passed, of, similar: d.evidence.similar },
    reason: `Routed from memory to ${agent}: the plan check rated ${rejected.join(' and ')}'s plan${rejected.length === 1 ? '' : 's'} too low for this task, and ${agent} passed ${passed} of ${of} similar task${of === 1 ? '' : 's'} it ran here; no auction held.`,
  };
}

export async function routeWithCheckedPlan(input: CheckedRouteInput): Promise<CheckedRoute> {
  const { routing: rs, task } = input;
  const emit = (level: 'info' | 'warn', message: string) => input.onEvent?.({ type: 'log', level, message });
  const order = askOrder(input.decision, input.models, rs.checkPlan ? rs.checkSteps : 0);
  const rejected: string[] = [];
  // One budget for every plan and check of the route: each call reserves against what the earlier ones spent.
  const budget = new TaskBudget(input.budget);
  let spent: AuctionRecord['usage'] | undefined;
  let record: AuctionRecord | undefined;
  for (const model of order) {
    const plan = rs.planFromMemory
      ? await planFromMemory({ model, task, repoContext: input.repoContext, memory: input.memory, settings: input.auction, examples: rs.planExamples, failures: rs.planFailures, budget, signal: input.signal })
      : undefined;
    if (plan) emit('info', plan.note);
    const decision = decisionFor(input.decision, model.agent.id, rejected);
    record = routedAuctionRecord(task.id, model, decision, input.auction, plan);
    let accepted = true;
    if (plan && rs.checkPlan && plan.bid.raw !== NO_PLAN) {
      const check = await checkRoutedPlan({
        models: input.models, routed: model, task, plan: plan.bid.raw, jurors: rs.checkJurors, minScore: rs.checkMinScore, seed: input.auction.seed, signal: input.signal, budget,
      });
      emit(check.passed ? 'info' : 'warn', check.note);
      record = withPlanCheck(record, check);
      accepted = check.passed;
    }
    // Earlier agents' plans and checks were paid for: they stay in the task's spend.
    if (spent) record = { ...record, usage: sumPhases(record.usage, spent) };
    spent = record.usage;
    if (accepted) return { record, decision: record.routing!, accepted: true, rejected };
    rejected.push(model.agent.id);
  }
  return { record: record!, decision: input.decision, accepted: false, rejected };
}
