import { extractTextToolCalls } from './hermesToolCalls';
import { type NormalisedTokenLogprob, dropLogprobSpan, normaliseLogprobs } from './logprobNormaliser';
import { reasoningTokenCount, splitThinking } from './thinking';

/**
 * Turns what an OpenAI-compatible server sent (whole or streamed, already concatenated) into one answer:
 * thoughts apart from the text, Hermes text tool calls read when there were no native ones, logprobs
 * normalised and limited to the answer, thinking tokens counted. One function for both paths, so
 * the quirks are handled once (DESIGN "Provider quirks").
 */

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface RawCompletion {
  content: string;
  /** `reasoning_content` or `reasoning` of the message (or its deltas), and which of the two it was. */
  reasoningField?: string;
  reasoningFieldName?: ReasoningFieldName;
  nativeToolCalls: { id: string; name: string; arguments: string }[];
  logprobEntries?: { token?: unknown; logprob?: unknown; top_logprobs?: unknown }[] | null;
  usage?: WireUsage;
}

export interface ReadCompletion {
  text: string;
  thoughts?: string;
  thoughtsVia?: 'content-tags' | 'reasoning-field' | 'billed-only';
  /** The field the thoughts came in, when `thoughtsVia` is 'reasoning-field'. */
  thoughtsField?: ReasoningFieldName;
  /** The model was cut off while still thinking (no answer at all). */
  thoughtsUnclosed?: boolean;
  toolCalls: { id: string; name: string; arguments: string }[];
  toolCallsVia?: 'native' | 'text';
  logprobs?: NormalisedTokenLogprob[];
  /** From usage, or undefined when the server sent none. Cached prompt tokens: chatModel.ts readCachedTokens. */
  completionTokens?: number;
  reasoningTokens: number;
}

/** vLLM (before 0.11 `reasoning_content`, since then also `reasoning`), OpenRouter and newer Ollama (`reasoning`). */
export type ReasoningFieldName = 'reasoning_content' | 'reasoning';

/** Reads the `reasoning_content` / `reasoning` field of a message or delta, whichever the server uses, and its name. */
export function reasoningFieldOf(m: unknown): { field: ReasoningFieldName; text: string } | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as { reasoning_content?: unknown; reasoning?: unknown };
  if (typeof o.reasoning_content === 'string' && o.reasoning_content) return { field: 'reasoning_content', text: o.reasoning_content };
  if (typeof o.reasoning === 'string' && o.reasoning) return { field: 'reasoning', text: o.reasoning };
  return undefined;
}

function count(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined;
}

export function readCompletion(raw: RawCompletion, toolNames: readonly string[], idPrefix: string): ReadCompletion {
  const split = splitThinking(raw.content, raw.reasoningField);
  let text = split.answer;
  let toolCalls = raw.nativeToolCalls;
  let toolCallsVia: ReadCompletion['toolCallsVia'] = toolCalls.length ? 'native' : undefined;
  if (!toolCalls.length && toolNames.length) {
    const found = extractTextToolCalls(text, toolNames, idPrefix);
    if (found.calls.length) {
      toolCalls = found.calls;
      text = found.rest;
      toolCallsVia = 'text';
    }
  }
  const logprobs = dropLogprobSpan(normaliseLogprobs(raw.logprobEntries), split.contentThoughtSpan);
  const completionTokens = count(raw.usage?.completion_tokens);
  const reportedReasoning = count(raw.usage?.completion_tokens_details?.reasoning_tokens ?? undefined);
  const reasoningTokens = completionTokens === undefined ? 0 : reasoningTokenCount(completionTokens, reportedReasoning, split.thoughts, text);
  const thoughtsVia = split.via ?? (reasoningTokens > 0 ? 'billed-only' : undefined);
  return {
    text,
    ...(split.thoughts ? { thoughts: split.thoughts } : {}),
    ...(thoughtsVia ? { thoughtsVia } : {}),
    ...(split.via === 'reasoning-field' && raw.reasoningFieldName ? { thoughtsField: raw.reasoningFieldName } : {}),
    ...(split.unclosed ? { thoughtsUnclosed: true } : {}),
    toolCalls,
    ...(toolCallsVia ? { toolCallsVia } : {}),
    ...(logprobs ? { logprobs } : {}),
    ...(completionTokens !== undefined ? { completionTokens } : {}),
    reasoningTokens,
  };
}

/**
 * Streams only the answer to a live preview: text inside a leading `<think>` block is held back until the
 * block closes. (A reply that starts mid-thought with a bare `</think>` is only known at the end; the final
 * record is right either way.)
 */
export class ThinkStreamFilter {
  private buf = '';
  private passthrough = false;
  constructor(private readonly out: (text: string) => void) {}

  push(delta: string): void {
    if (this.passthrough) {
      this.out(delta);
      return;
    }
    this.buf += delta;
    const lead = this.buf.trimStart();
    if (lead.length < 7 && '<think>'.startsWith(lead)) return; // could still become a tag
    if (!/^<think(ing)?>/i.test(lead)) {
      this.passthrough = true;
      this.out(this.buf);
      return;
    }
    const close = /<\/think(ing)?>/i.exec(this.buf);
    if (!close) return;
    const answer = this.buf.slice(close.index + close[0].length).replace(/^\s+/, '');
    if (answer) {
      this.out(answer);
      this.passthrough = true;
    }
  }
}
