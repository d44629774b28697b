/**
 * Each agent's best-scored bid in an auction: the plan that would run for that agent. One rule for the live
 * auction's bids and for memory's, so escalation, the value pick, routing's estimates and memory's examples all
 * read the same plan as an agent's.
 */

/** What ranks a bid; the auction's `Bid` and memory's `MemoryBid` both have it. */
export interface RankedBid {
  agent: string;
  score: number;
  refined: boolean;
  error?: string;
}

/** Lowest score first (the auction's order); on a tie the refined bid, written with more to go on. */
export function compareBids(a: RankedBid, b: RankedBid): number {
  return a.score - b.score || Number(b.refined) - Number(a.refined);
}

/** Each agent's best usable bid (one without `error`), keyed in the order agents first appear in `bids`. */
export function bestBidPerAgent<B extends RankedBid>(bids: readonly B[]): Map<string, B> {
  const out = new Map<string, B>();
  for (const b of bids) {
    if (b.error) continue;
    const cur = out.get(b.agent);
    if (!cur || compareBids(b, cur) < 0) out.set(b.agent, b);
  }
  return out;
}

/** `agent`'s best usable bid, if it made one. */
export function bestBidOf<B extends RankedBid>(bids: readonly B[], agent: string): B | undefined {
  return bestBidPerAgent(bids.filter((b) => b.agent === agent)).get(agent);
}
