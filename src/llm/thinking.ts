import { z } from 'zod';
import type { ChatPurpose } from '../core/ports/chatModel';
import { serverKind } from './serverKind';

/**
 * Thinking models (Qwen3, DeepSeek-R1, o-series): how we switch thinking on or off per call, and how we take
 * the thoughts apart from the answer whichever way the server sends them. Thoughts are billed but never part
 * of a plan: a plan's tokens (C), its entropy (V) and what memory stores are the answer's alone.
 */

/** How a server is told to think or not. Each server has its own switch; `none` sends nothing. */
export const ThinkingSwitchSchema = z.enum(['reasoning_effort', 'reasoning', 'enable_thinking', 'no_think', 'none']);
export type ThinkingSwitch = z.infer<typeof ThinkingSwitchSchema>;

/** Pool option (per agent): whether it thinks while bidding and judging, and which switch its server takes. */
export const ThinkingConfigSchema = z.strictObject({
  /** Think while writing a bid (default false: plans are short and thoughts would crowd the token cap). */
  bid: z.boolean().optional(),
  /** Think while judging (default false). */
  judge: z.boolean().optional(),
  /** Think while executing; unset = the server's own default (no switch sent). */
  execute: z.boolean().optional(),
  /** Which switch; unset = chosen from the base URL and model name (`thinkingSwitchFor`). */
  via: ThinkingSwitchSchema.optional(),
  /** Extra max_tokens granted for thoughts when thinking is on (default 2048). */
  budgetTokens: z.number().int().min(0).max(100_000).optional(),
});
export type ThinkingConfig = z.infer<typeof ThinkingConfigSchema>;

export type CallPurpose = ChatPurpose;

export const DEFAULT_THINKING_BUDGET = 2048;

/**
 * The switch a server understands, from what we know of it. Ollama's OpenAI endpoint ignores `think` but takes
 * `reasoning_effort` ("none" = off); OpenRouter takes `reasoning: {enabled}` for every provider behind it; vLLM and
 * SGLang pass `chat_template_kwargs` to Qwen3's template; elsewhere a Qwen3 model still obeys `/no_think`.
 * OpenAI's non-reasoning models reject `reasoning_effort`, so they get nothing.
 */
export function thinkingSwitchFor(agent: { baseUrl?: string; model: string; thinking?: ThinkingConfig }): ThinkingSwitch {
  if (agent.thinking?.via) return agent.thinking.via;
  const kind = serverKind(agent.baseUrl);
  const model = agent.model.toLowerCase();
  if (kind === 'ollama') return 'reasoning_effort';
  if (kind === 'openrouter') return 'reasoning';
  if (kind === 'openai') return /^(o\d|gpt-5)/.test(model) ? 'reasoning_effort' : 'none';
  if (/qwen3|qwq|deepseek-r1|thinking/.test(model)) return 'enable_thinking';
  return 'none';
}

/** Whether this call should think: undefined = leave the server's default alone. */
export function wantsThinking(cfg: ThinkingConfig | undefined, purpose: CallPurpose | undefined): boolean | undefined {
  if (purpose === 'bid') return cfg?.bid ?? false;
  if (purpose === 'judge') return cfg?.judge ?? false;
  if (purpose === 'execute') return cfg?.execute;
  return undefined;
}

export interface ThinkingRequestParts {
  /** Extra top-level body fields. */
  body: Record<string, unknown>;
  /** Text appended to the last user message (Qwen3's soft switch). */
  userSuffix?: string;
  /** Tokens added to max_tokens so thoughts do not eat the answer's budget. */
  extraMaxTokens: number;
}

/** The request pieces that turn thinking on or off on this server. */
export function thinkingRequestParts(via: ThinkingSwitch, think: boolean | undefined, budget = DEFAULT_THINKING_BUDGET): ThinkingRequestParts {
  const extraMaxTokens = think ? budget : 0;
  if (think === undefined || via === 'none') return { body: {}, extraMaxTokens };
  if (via === 'reasoning_effort') return { body: { reasoning_effort: think ? 'medium' : 'none' }, extraMaxTokens };
  if (via === 'reasoning') return { body: { reasoning: { enabled: think } }, extraMaxTokens };
  if (via === 'enable_thinking') return { body: { chat_template_kwargs: { enable_thinking: think } }, extraMaxTokens };
  return { body: {}, userSuffix: think ? ' /think' : ' /no_think', extraMaxTokens };
}

export interface SplitAnswer {
  answer: string;
  thoughts: string;
  /** Where thoughts were found. */
  via?: 'content-tags' | 'reasoning-field';
  /** The content's `<think>` was never closed: the model ran out of tokens while thinking. */
  unclosed: boolean;
  /** Character range of the thoughts inside the raw content (to drop their logprobs), when they were inline. */
  contentThoughtSpan?: [number, number];
}

const OPEN = /<think(?:ing)?>/i;
const CLOSE = /<\/think(?:ing)?>/i;

/**
 * Separates thoughts from the answer. Cases: `<think>…</think>answer`; a leading `…</think>answer` (templates
 * that open the tag in the prompt); an unclosed `<think>…` (cut off while thinking: no answer at all);
 * an empty `<think></think>` (Qwen3 with thinking off); thoughts in a separate `reasoning_content` / `reasoning`
 * field. Text after a closed block is the answer, trimmed.
 */
export function splitThinking(content: string, reasoningField?: string): SplitAnswer {
  let thoughts = reasoningField ?? '';
  let via: SplitAnswer['via'] = reasoningField ? 'reasoning-field' : undefined;
  const open = OPEN.exec(content);
  const close = CLOSE.exec(content);
  const lead = open ? content.slice(0, open.index) : '';
  // Only a think block at the start counts: a plan that mentions "<think>" later is left alone.
  if (open && lead.trim() === '') {
    if (close && close.index > open.index) {
      const inner = content.slice(open.index + open[0].length, close.index);
      const end = close.index + close[0].length;
      thoughts = joinThoughts(thoughts, inner);
      if (inner.trim()) via = via ?? 'content-tags';
      return { answer: content.slice(end).trim(), thoughts, via, unclosed: false, contentThoughtSpan: [0, end] };
    }
    if (!close) {
      const inner = content.slice(open.index + open[0].length);
      return { answer: '', thoughts: joinThoughts(thoughts, inner), via: via ?? 'content-tags', unclosed: true, contentThoughtSpan: [0, content.length] };
    }
  }
  if (!open && close) {
    const end = close.index + close[0].length;
    return { answer: content.slice(end).trim(), thoughts: joinThoughts(thoughts, content.slice(0, close.index)), via: via ?? 'content-tags', unclosed: false, contentThoughtSpan: [0, end] };
  }
  return { answer: content, thoughts, via, unclosed: false };
}

function joinThoughts(a: string, b: string): string {
  const t = b.trim();
  return a && t ? `${a}\n${t}` : a || t;
}

/**
 * Thought tokens inside `completionTokens`: the server's own count (`completion_tokens_details.reasoning_tokens`)
 * when given, else a split of the billed tokens by characters. Never more than the completion.
 */
export function reasoningTokenCount(completionTokens: number, reported: number | undefined, thoughts: string, answer: string): number {
  if (reported !== undefined && Number.isFinite(reported) && reported > 0) return Math.min(completionTokens, Math.round(reported));
  if (!thoughts) return 0;
  const share = thoughts.length / Math.max(1, thoughts.length + answer.length);
  return Math.min(completionTokens, Math.round(completionTokens * share));
}
