import type { ChatModel } from '../ports/chatModel';
import { blendedPrice } from '../pricing';
import { type AuctionRecord, type Bid, emptyUsage } from '../auction/auctionRecord';
import type { AuctionSettings } from '../auction/auctionSettings';
import { parsePlan } from '../auction/planParser';
import { NO_PLAN } from '../auction/prompts';
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
 * The record of a task routed from memory: no auction was held, so one placeholder bid (the routed agent, no
 * plan), no usage, and the routing decision as the explanation. Everything that reads auction records (memory,
 * CLI, panel) keeps working; `routing.mode === 'routed'` tells them apart.
 */
export function routedAuctionRecord(taskId: string, model: ChatModel, decision: RoutingDecision, settings: AuctionSettings): AuctionRecord {
  return {
    taskId,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    juryMode: settings.juryMode,
    weights: settings.weights,
    bids: [placeholderBid(model)],
    provisionalWinner: model.agent.id,
    winner: model.agent.id,
    winnerBidIndex: 0,
    refinements: [],
    explanation: [decision.reason],
    usage: { bids: emptyUsage(), jury: emptyUsage(), refinement: emptyUsage() },
    routing: decision,
  };
}
