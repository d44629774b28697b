import type { ChatCompletionRequest } from './openaiWire';
import { hashText } from './random';
import { tokenize } from './tokenizer';

/**
 * The simulator's prompt cache, modelled on OpenAI's automatic prefix caching: a prompt is cut into blocks of
 * `blockTokens`; a block is served from cache only when it and every block before it were sent to the SAME
 * model (in the same partition) within `windowMs`, and only when the cached run reaches `minPrefixTokens`.
 * The result is reported as `usage.prompt_tokens_details.cached_tokens`; what it costs is the pool's business
 * (`price.cachedInputPerMTok`, default: no discount).
 */
export interface CacheParams {
  /** How long a prefix stays cached after it was last sent (OpenAI: "5–10 minutes of inactivity"). */
  windowMs: number;
  /** Shortest cached run that counts (OpenAI: 1,024 tokens). 0 = any whole block. */
  minPrefixTokens: number;
  /** Cache granularity in tokens (OpenAI: 128). */
  blockTokens: number;
}

export const DEFAULT_CACHE: CacheParams = { windowMs: 300_000, minPrefixTokens: 1024, blockTokens: 128 };

/**
 * The prompt as one token stream in the order a server sees it: tool schemas first, then every message with a
 * role marker, its text and its tool calls. Its length may differ from `promptTokens` by the per-message
 * overhead; the cached count is capped at the prompt tokens by the caller.
 */
export function promptTokenStream(req: Pick<ChatCompletionRequest, 'messages' | 'toolsJson'>): string[] {
  const out: string[] = [];
  if (req.toolsJson) out.push('<|tools|>', ...tokenize(req.toolsJson));
  for (const m of req.messages) {
    out.push(`<|${m.role}${m.toolCallId ? `:${m.toolCallId}` : ''}|>`, ...tokenize(m.content));
    for (const t of m.toolCalls) out.push(`<|call:${t.id}|>`, ...tokenize(t.name), ...tokenize(t.arguments));
  }
  return out;
}

export class PromptCache {
  /** partition → block-chain hash → when it was last sent (ms). */
  private readonly seen = new Map<string, Map<string, number>>();
  private inserts = 0;

  constructor(readonly params: CacheParams) {}

  /**
   * Tokens of this prompt that repeat a prefix sent earlier in `partition` within the window; then remembers
   * this prompt's blocks (so the NEXT call can hit them). A call never hits its own blocks.
   */
  lookup(partition: string, tokens: string[], nowMs: number): number {
    const { blockTokens: b, windowMs, minPrefixTokens } = this.params;
    let table = this.seen.get(partition);
    if (!table) this.seen.set(partition, (table = new Map()));
    const chain: string[] = [];
    let h = '';
    for (let i = 0; i + b <= tokens.length; i += b) {
      h = hashText(`${h}\u0000${tokens.slice(i, i + b).join('\u0001')}`);
      chain.push(h);
    }
    let hits = 0;
    while (hits < chain.length) {
      const at = table.get(chain[hits]);
      if (at === undefined || nowMs - at > windowMs) break;
      hits++;
    }
    for (const c of chain) table.set(c, nowMs);
    if ((this.inserts += chain.length) > 50_000) this.prune(nowMs);
    const cached = hits * b;
    return cached > 0 && cached >= minPrefixTokens ? cached : 0;
  }

  private prune(nowMs: number): void {
    this.inserts = 0;
    for (const table of this.seen.values()) {
      for (const [k, at] of table) if (nowMs - at > this.params.windowMs) table.delete(k);
    }
  }
}
