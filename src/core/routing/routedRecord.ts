import type { ChatModel } from '../ports/chatModel';
import { blendedPrice } from '../pricing';
import { type AuctionRecord, type Bid, emptyUsage, sumUsage } from '../auction/auctionRecord';
import type { AuctionSettings } from '../auction/auctionSettings';
import { parsePlan } from '../auction/planParser';
import { NO_PLAN } from '../auction/prompts';
import type { PlanCheck } from './planCheck';
import type { RoutedPlan } from './routedPlan';
import type { RoutingDecision } from './routingRecord';

/** A bid nobody wrote: an agent that runs without a plan of its own (routed, or escalated to without a bid). */
export function placeholderBid(model: ChatModel): Bid {
  return {
    agent: model.agent.id, model: model.agent.model, round: 0, refined: false, raw: NO_PLAN, plan: parsePlan(NO_PLAN),
    tokens: 0, entropy: null, jury: [], juryMean: null, pricePerMTok: blendedPrice(model.agent.price),
    cost: 0, valueEntropy: 0, valueJury: 0, value: 0, score: 0, estimatedExecUsd: 0, bidUsd: 0,
  };
}

/**
 * The record of a task routed from memory: no auction was held, so one bid (the routed agent's plan from memory,
 * or a placeholder without a plan), only the plan's usage, and the routing decision as the explanation. Everything that reads auction records (memory,
 * CLI, panel) keeps working; `routing.mode === 'routed'` tells them apart.
 */
export function routedAuctionRecord(taskId: string, model: ChatModel, decision: RoutingDecision, settings: AuctionSettings, plan?: RoutedPlan): AuctionRecord {
  return {
    taskId,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    juryMode: settings.juryMode,
    weights: settings.weights,
    bids: [plan?.bid ?? placeholderBid(model)],
    provisionalWinner: model.agent.id,
    winner: model.agent.id,
    winnerBidIndex: 0,
    refinements: [],
    explanation: plan ? [decision.reason, plan.note] : [decision.reason],
    // The plan from memory is a refinement from memory's examples (routedPlan.ts), and is billed as one.
    usage: { bids: emptyUsage(), jury: emptyUsage(), refinement: plan?.usage ?? emptyUsage() },
    routing: decision,
  };
}

/**
 * The routed record after its plan check: the jurors' scores on the plan (memory counts them as opinions of the
 * agent, like an auction's), the check's usage as jury usage, and its sentence in the explanation.
 */
export function withPlanCheck(record: AuctionRecord, check: PlanCheck): AuctionRecord {
  const [bid, ...rest] = record.bids;
  return {
    ...record,
    bids: [{ ...bid, jury: check.scores, juryMean: check.mean }, ...rest],
    explanation: [...record.explanation, check.note],
    usage: { ...record.usage, jury: sumUsage(record.usage.jury, check.usage) },
  };
}
