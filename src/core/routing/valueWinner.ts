/**
 * The winner of a held auction by expected value (routing's `auctionWinner: 'value'`): the bidder whose best plan
 * starts the task at the best EV(a) = V·p − c + (1 − p)·(best escalation's gain) (routeDecision.ts). p is memory's
 * estimate of the agent on tasks like this one, its odds moved by what this auction's jurors thought of its plan, as
 * much as this repository's outcomes say their scores predict (juryCalibration.ts). The paper's score (C − V) weighs a
 * plan's quality against the price of its tokens and knows nothing of what follows a failure: it runs the best plan
 * even when a cheap agent's plan is nearly as good and escalation stands behind it. Until memory holds
 * `valueWinnerMinRuns` scored first attempts, the jury cannot be read that way, and the score's winner runs.
 */
import type { AuctionRecord } from '../auction/auctionRecord';
import { bestBidPerAgent } from '../auction/bestBids';
import type { MemoryReader } from '../memory/auctionMemory';
import type { CodingTask } from '../task';
import type { RoutingAgent } from './agentEstimates';
import { adjustForJury, fitJuryCalibration } from './juryCalibration';
import { expectedValues } from './routeDecision';
import { auctionJury, estimatesFor } from './routeTask';
import type { RoutingSettings } from './routingSettings';

export interface ValueWinner {
  /** The bid to run: each agent's best-scored plan stands for it. */
  bidIndex: number;
  /** One line for the auction's explanation, when the pick differs from the score's winner. */
  note?: string;
}

export function valueWinner(input: {
  auction: Pick<AuctionRecord, 'bids' | 'routing' | 'winnerBidIndex'>;
  memory: MemoryReader;
  task: Pick<CodingTask, 'id' | 'title' | 'body' | 'focusFiles' | 'repo'>;
  agents: RoutingAgent[];
  settings: RoutingSettings;
  escalation: boolean;
}): ValueWinner | undefined {
  const { auction } = input;
  const winner = auction.winnerBidIndex;
  if (winner === null || winner < 0) return undefined;
  const jury = auctionJury(auction);
  if (!jury || jury.size === 0) return undefined;
  const price = (id: string) => input.agents.find((a) => a.id === id)?.price ?? Infinity;
  const cal = fitJuryCalibration(input.memory.records());
  if (cal.observations < input.settings.valueWinnerMinRuns) return { bidIndex: winner };
  // Memory alone (no jury in it), then each bidder's odds moved by its plan's score.
  const est = estimatesFor(input.memory, input.task, input.agents, input.settings)
    .map((e) => (jury.has(e.agent) ? { ...e, mean: adjustForJury(e.mean, jury.get(e.agent)!, cal) } : e));
  const ev = expectedValues(est, input.settings, input.escalation, price);
  // Each bidder's best-scored valid bid, the plan that would run for it.
  const best = new Map<string, number>();
  for (const [agent, b] of bestBidPerAgent(auction.bids)) if (jury.has(agent)) best.set(agent, auction.bids.indexOf(b));
  let pick: string | undefined;
  for (const agent of best.keys()) {
    const v = ev.get(agent);
    if (v === undefined) continue;
    if (pick === undefined || v > ev.get(pick)! || (v === ev.get(pick)! && price(agent) < price(pick))) pick = agent;
  }
  if (pick === undefined) return undefined;
  const scoreWinner = auction.bids[winner].agent;
  if (pick === scoreWinner) return { bidIndex: winner };
  const e = est.find((x) => x.agent === pick)!;
  const w = est.find((x) => x.agent === scoreWinner);
  return {
    bidIndex: best.get(pick)!,
    note: `Winner by expected value: ${pick} (estimated ${(100 * e.mean).toFixed(0)}% to pass at $${e.expectedUsd.toFixed(4)}, escalation behind it) ` +
      `instead of the best score's ${scoreWinner}${w ? ` (${(100 * w.mean).toFixed(0)}% at $${w.expectedUsd.toFixed(4)})` : ''}; ` +
      `here a point of jury score has moved the odds of passing ×${Math.exp(cal.slope).toFixed(2)} (${cal.observations} runs).`,
  };
}
