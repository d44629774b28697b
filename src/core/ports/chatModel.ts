/**
 * The chat model as the core sees it. `src/llm` implements it over the `openai` SDK and `src/sim` serves the
 * simulated pool behind the same client; tests script it directly.
 *
 * The message and tool shapes are core's own types, but they keep the field names of the OpenAI-compatible chat
 * wire format (`tool_calls`, `tool_call_id`, `{type: 'function', function}`) on purpose: the edit loop's budget
 * projection counts the UTF-8 bytes of the messages *as sent* (see execution/editLoop.ts), so the core's view of a
 * message must serialise to the same JSON the endpoint receives.
 */

/** What the core needs to know of the agent behind a model: who it is and what its tokens cost. */
export interface ModelAgent {
  readonly id: string;
  readonly model: string;
  readonly price: TokenPrice;
}

/** Dollars per million tokens. */
export interface TokenPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input tokens served from the provider's prompt cache; absent = no discount. */
  cachedInputPerMTok?: number;
}

/** What a call is for: the adapter decides from it whether the agent thinks (the pool's `thinking` option). */
export type ChatPurpose = 'bid' | 'judge' | 'execute';

/** A tool call as the assistant message carries it back to the model on the next turn. */
export interface MessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: MessageToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A function the model may call; `parameters` is a JSON schema. */
export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

/** A tool call as the model returned it. */
export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model sent it (may be malformed: the caller validates). */
  arguments: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** Ask for token logprobs (top 5) if the agent offers them. */
  logprobs?: boolean;
  tools?: ToolSpec[];
  json?: boolean;
  seed?: number;
  signal?: AbortSignal;
  /** When set, the call streams and each text delta is passed here (answer text only, never thoughts). */
  onDelta?: (text: string) => void;
  purpose?: ChatPurpose;
  /** Called once when nothing has arrived after a few seconds (a cold model loading), with the wait so far. */
  onSlowStart?: (waitedMs: number) => void;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  logprobs?: TokenLogprob[];
  inputTokens: number;
  /** Part of `inputTokens` the endpoint served from its prompt cache (0 when it says nothing or cannot be trusted). */
  cachedInputTokens?: number;
  outputTokens: number;
  usd: number;
  finishReason: string | null;
  latencyMs: number;
  /** Set when the endpoint's usage was missing or not believable and tokens were estimated; says why. */
  usageEstimated?: string;
  /** Things the user should see in the log/report (e.g. a Retry-After that was capped). */
  notes?: string[];
  /** Thoughts, kept apart from `text`: shown folded, billed, never part of a plan, its entropy or memory. */
  thoughts?: string;
  /** Thinking tokens billed inside `outputTokens` (reported by the server, or estimated from the thoughts). */
  reasoningTokens?: number;
  /** Where thoughts arrived: `<think>` in content, a reasoning field, or only billed. */
  thoughtsVia?: 'content-tags' | 'reasoning-field' | 'billed-only';
  /** The wire field the thoughts came in when `thoughtsVia` is 'reasoning-field' (for the pool check's report). */
  thoughtsField?: 'reasoning_content' | 'reasoning';
  /** How tool calls arrived: native `tool_calls`, or Hermes `<tool_call>` text read by the fallback. */
  toolCallsVia?: 'native' | 'text';
}

/** One agent's model. */
export interface ChatModel {
  readonly agent: ModelAgent;
  chat(req: ChatRequest): Promise<ChatResult>;
}

/** Billed thinking tokens of a reply (part of its output tokens, never more): billed, but not the answer. */
export function thinkingTokensOf(r: Pick<ChatResult, 'outputTokens' | 'reasoningTokens'>): number {
  return Math.min(r.outputTokens, r.reasoningTokens ?? 0);
}
