/**
 * The review wait: the engine's review callback parks here until the user runs a bid or cancels — from the panel,
 * a command, a notification or the test API. One gate per run. No `vscode` import.
 */
import type { AuctionRecord, Bid } from '../core/auction/auctionRecord';
import { SaleError } from '../core/errors';
import type { ReviewDecision } from './engine';

export class ReviewGate {
  private pending: { resolve: (d: ReviewDecision) => void; record: AuctionRecord } | undefined;

  get waiting(): boolean {
    return !!this.pending;
  }

  /** The auction waiting for review, if any. */
  get record(): AuctionRecord | undefined {
    return this.pending?.record;
  }

  /** Waits for the decision; `onWaiting` runs as soon as it can be taken (panel state, focus, notification). */
  async wait(record: AuctionRecord, onWaiting: () => void): Promise<ReviewDecision> {
    const decision = await new Promise<ReviewDecision>((resolve) => {
      this.pending = { resolve, record };
      onWaiting();
    });
    this.pending = undefined;
    return decision;
  }

  resolve(d: ReviewDecision): void {
    this.pending?.resolve(d);
  }

  clear(): void {
    this.pending = undefined;
  }
}

/** The bid a "run" decision names, or a clear refusal (no such bid, or a bid that failed). */
export function runnableBid(record: AuctionRecord, index: number): Bid {
  const bid = record.bids[index];
  if (!bid) throw new SaleError(`There is no bid number ${index}.`, 'bad-bid');
  if (bid.error) throw new SaleError(`${bid.agent}'s bid failed (${bid.error}); it cannot run.`, 'bad-bid');
  return bid;
}
