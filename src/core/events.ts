import type { AuctionRecord, Bid } from './auction/auctionRecord';

/** Everything the UI (panel, CLI) may want to show while a task runs. Plain data: serialisable. */
export type SaleEvent =
  | { type: 'auction-start'; taskId: string; agents: string[]; simulated: boolean }
  | { type: 'bid-delta'; agent: string; round: number; text: string }
  | { type: 'bid'; bid: Bid }
  | { type: 'jury-progress'; done: number; total: number }
  | { type: 'scored'; bids: Bid[]; provisionalWinner: string | null }
  | { type: 'refine-start'; agents: string[] }
  | { type: 'auction-done'; record: AuctionRecord }
  | { type: 'exec-start'; agent: string; escalation: number }
  | { type: 'exec-turn'; agent: string; turn: number; tokens: number; usd: number; tool?: string; detail?: string }
  | { type: 'exec-test'; agent: string; passed: boolean; exitCode: number | undefined; outputTail: string; runner: string }
  | { type: 'exec-done'; agent: string; passed: boolean; reason: string; turns: number; tokens: number; usd: number }
  /** Why no further attempt follows `agent`'s failed one (escalation off, at its limit, not worth its cost, …). */
  | { type: 'exec-stopped'; agent: string; note: string }
  /** No first token yet after a few seconds: most often a local server loading the model (cold start). */
  | { type: 'model-loading'; agent: string; waitedMs: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
