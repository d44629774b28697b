/**
 * Worst-case projection of one model call and a shared task budget that calls reserve before they start.
 * The budget (dollars and tokens) is hard for the whole task, auction included: calls run in parallel, so each
 * reserves its worst case first and settles to what it really cost afterwards; a call whose worst case does not
 * fit in what is left (spent + reserved) never starts. Input is bounded by one token per UTF-8 byte of the
 * messages as JSON plus 16 per message (true of byte-level BPE tokenizers); output by the call's `max_tokens`.
 */
import { SaleError } from './errors';
import type { ChatModel, ChatRequest, ChatResult } from './ports/chatModel';

export const MESSAGE_OVERHEAD_TOKENS = 16;

/** Upper bound of the input tokens of `messages` (and of `extra`, e.g. tool specs, counted as bytes). */
export function inputTokenBound(messages: readonly unknown[], extra?: unknown): number {
  const bytes = messages.reduce<number>((n, m) => n + Buffer.byteLength(JSON.stringify(m), 'utf8') + MESSAGE_OVERHEAD_TOKENS, 0);
  return bytes + (extra === undefined ? 0 : Buffer.byteLength(JSON.stringify(extra), 'utf8'));
}

export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface Projection {
  tokens: number;
  usd: number;
}

export function projectCall(price: Price, inputTokens: number, maxOutputTokens: number): Projection {
  return { tokens: inputTokens + maxOutputTokens, usd: (inputTokens * price.inputPerMTok + maxOutputTokens * price.outputPerMTok) / 1e6 };
}

/** Raised when a call's worst case does not fit: machine-readable code 'budget'. */
export class BudgetError extends SaleError {
  constructor(message: string) {
    super(message, 'budget');
    this.name = 'BudgetError';
  }
}

/** Float tolerance for dollar comparisons. */
const EPS = 1e-12;

export class TaskBudget {
  private spentTokens = 0;
  private spentUsd = 0;
  private reservedTokens = 0;
  private reservedUsd = 0;

  constructor(readonly limit: { maxUsd: number; maxTokens: number }) {}

  get spent(): { tokens: number; usd: number } {
    return { tokens: this.spentTokens, usd: this.spentUsd };
  }

  /** Reserves `p` or throws BudgetError (nothing reserved). Returns the function that settles the actual cost. */
  reserve(p: Projection, what: string): (actual: { tokens: number; usd: number }) => void {
    const tokens = this.spentTokens + this.reservedTokens + p.tokens;
    const usd = this.spentUsd + this.reservedUsd + p.usd;
    if (usd > this.limit.maxUsd + EPS) {
      throw new BudgetError(`${what} not started: its worst case ($${p.usd.toFixed(6)}) would take the task to $${usd.toFixed(6)}, over the budget of $${this.limit.maxUsd}.`);
    }
    if (tokens > this.limit.maxTokens) {
      throw new BudgetError(`${what} not started: its worst case (${p.tokens} tokens) would take the task to ${tokens} tokens, over the limit of ${this.limit.maxTokens}.`);
    }
    this.reservedTokens += p.tokens;
    this.reservedUsd += p.usd;
    let settled = false;
    return (actual) => {
      if (settled) return;
      settled = true;
      this.reservedTokens -= p.tokens;
      this.reservedUsd -= p.usd;
      this.spentTokens += actual.tokens;
      this.spentUsd += actual.usd;
    };
  }
}

/** Worst-case output when a call names no max_tokens (every auction call does; this is only a safe default). */
const UNBOUNDED_OUTPUT_TOKENS = 4096;

/**
 * One model call inside the task's budget: reserves its worst case first (BudgetError, and no call, when that does
 * not fit), then settles to what the call really cost, or to nothing when it failed.
 */
export async function chatWithinBudget(budget: TaskBudget | undefined, model: ChatModel, req: ChatRequest, what: string): Promise<ChatResult> {
  const settle = budget?.reserve(projectCall(model.agent.price, inputTokenBound(req.messages), req.maxTokens ?? UNBOUNDED_OUTPUT_TOKENS), `${what} (${model.agent.id})`);
  let r: ChatResult;
  try {
    r = await model.chat(req);
  } catch (e) {
    settle?.({ tokens: 0, usd: 0 });
    throw e;
  }
  settle?.({ tokens: r.inputTokens + r.outputTokens, usd: r.usd });
  return r;
}
