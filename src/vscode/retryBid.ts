/**
 * "Retry with another bid" (issue 11): after a run that changed nothing, the next-best bid of the same auction —
 * the lowest score among usable bids of agents that have not run on this task yet. No `vscode` import.
 */
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { NO_PLAN } from '../core/auction/prompts';

export interface RetryBid {
  bidIndex: number;
  agent: string;
}

/** Undefined when no other agent wrote a usable bid (a routed task has only its placeholder: hold the auction instead). */
export function nextBestBid(record: Pick<AuctionRecord, 'bids'>, tried: Iterable<string>): RetryBid | undefined {
  const done = new Set(tried);
  const candidates = record.bids
    .map((bid, bidIndex) => ({ bid, bidIndex }))
    .filter(({ bid }) => !bid.error && !done.has(bid.agent) && bid.raw !== NO_PLAN && Number.isFinite(bid.score));
  // Lowest score wins, as in the auction; a tie goes to the refined bid (it replaced its original).
  candidates.sort((a, b) => a.bid.score - b.bid.score || Number(b.bid.refined) - Number(a.bid.refined));
  const best = candidates[0];
  return best ? { bidIndex: best.bidIndex, agent: best.bid.agent } : undefined;
}

/** What a run that changed no file says, with what the user can do next (the panel's buttons). */
export function noChangeText(tried: string[], passed: boolean, retryAgent: string | undefined, routed: boolean): string {
  const who = tried.length ? ` by ${tried.join(' then ')}` : '';
  const next = retryAgent ? `"Retry with another bid" runs ${retryAgent}'s bid of the same auction, without a new auction.`
    : routed ? 'No auction was held: "Hold the auction anyway" lets every agent bid.'
      : 'No other bid of this auction is left to try: "New task…" holds a new auction.';
  return `No file was changed${who}${passed ? '.' : ' and the tests did not pass.'} ${next}`;
}
