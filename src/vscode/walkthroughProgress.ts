/**
 * The Getting Started walkthrough's steps are completed by doing them: package.json's `completionEvents` name the
 * context keys below, and the extension sets each key when the panel state shows the step was done. Pure: the
 * milestones are read off `PanelState`; extension.ts sets the keys (`setContext`).
 */
import type { PanelState } from './webviewMessages';

export const WALKTHROUGH_CONTEXT_KEYS = {
  /** "Check your pool": a pool check ran and its table is in the panel. */
  poolChecked: 'sale.walkthrough.poolChecked',
  /** "Solve a sample TODO": an auction ended with a winner. */
  auctionDone: 'sale.walkthrough.auctionDone',
  /** "Read the auction": the user acted on it — the winner or another bid ran. */
  bidRan: 'sale.walkthrough.bidRan',
  /** "Accept or revert": a change was accepted or reverted. */
  settled: 'sale.walkthrough.settled',
} as const;
export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT_KEYS;

/** The milestones a panel state shows were reached. */
export function milestonesIn(s: PanelState): WalkthroughMilestone[] {
  const out: WalkthroughMilestone[] = [];
  if (s.poolCheck) out.push('poolChecked');
  if (s.winner !== null) out.push('auctionDone');
  if (s.exec.length > 0) out.push('bidRan');
  if (s.outcome === 'accepted' || s.outcome === 'reverted') out.push('settled');
  return out;
}

/** Remembers what was reached in this window, so each key is set once. */
export class WalkthroughProgress {
  private readonly reached = new Set<WalkthroughMilestone>();

  /** The milestones this state reaches for the first time. */
  update(s: PanelState): WalkthroughMilestone[] {
    const fresh = milestonesIn(s).filter((m) => !this.reached.has(m));
    for (const m of fresh) this.reached.add(m);
    return fresh;
  }

  get done(): WalkthroughMilestone[] {
    return [...this.reached];
  }

  /** Forgets what was reached (tests start the walkthrough over; the keys are cleared by the caller). */
  reset(): WalkthroughMilestone[] {
    const was = [...this.reached];
    this.reached.clear();
    return was;
  }
}
