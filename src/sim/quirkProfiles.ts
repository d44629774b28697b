import { z } from 'zod';
import type { Completion } from './openaiWire';
import { Rng } from './random';
import { reasoningParagraph } from './textFiller';
import { countTokens, truncateTokens } from './tokenizer';

/**
 * Quirk profiles: the simulator answering the way a real server does (DESIGN "Provider quirks"), one per server
 * named in pools/examples/ plus the failure modes a user meets on day one. An agent's `sim.quirks` picks one;
 * without it the simulator answers exactly as before (existing worlds unchanged). Profiles change only the
 * wire form of an answer (where thoughts go, how tool calls are written, logprobs, usage, timing, errors),
 * never what the agent decides, so a world measures the same with or without them.
 */

export const QUIRK_PROFILE_NAMES = [
  'ollama-qwen3-thinking', 'vllm-no-tool-parser', 'openai-top20-cached', 'openrouter-no-logprobs',
  'hidden-reasoning', 'slow-429', 'cold-start', 'no-usage',
] as const;
export type QuirkProfileName = (typeof QUIRK_PROFILE_NAMES)[number];

export interface QuirkProfile {
  /** What the real server is, for the README table and the check's output. */
  stands_for: string;
  thinking?: {
    /** Where thoughts go: inline `<think>` tags, a message field, or nowhere (billed only). */
    style: 'tags' | 'reasoning_content' | 'reasoning' | 'hidden';
    /** The one switch this server obeys; every other switch is ignored (the model then thinks, Qwen3's default). */
    obeys: 'reasoning_effort' | 'enable_thinking' | 'reasoning' | 'no_think';
    /** Share of calls where the model thinks (briefly) although told not to (small Qwen3 variants). */
    thinksWhenOff: number;
    /** Tokens of thought when thinking. */
    tokens: number;
    /** Report `completion_tokens_details.reasoning_tokens`. */
    reportsReasoningTokens: boolean;
  };
  /** `hermes-text`: tool calls come back as `<tool_call>{…}</tool_call>` in content. */
  toolCalls: 'native' | 'hermes-text';
  /** `top20`: 20 alternatives whatever was asked; `null`: `logprobs: null` although asked. */
  logprobs: 'as-asked' | 'top20' | 'null';
  /** Jury answers ignore JSON mode: fenced JSON, or prose scores ("Plan 2: four out of five"). */
  juryStyle: 'json' | 'fenced' | 'prose';
  /**
   * `never`: no `usage` object at all, whole or streamed (even with `stream_options.include_usage`). Without it
   * the simulator does what OpenAI does: usage in every whole answer, in a stream only when include_usage asks.
   */
  usage?: 'never';
  /** Share of prompt tokens reported as cached (`prompt_tokens_details.cached_tokens`, 128-token blocks). */
  cachedShare: number;
  /** Every n-th request of an agent gets 429 with Retry-After (seconds). */
  rateLimit?: { every: number; retryAfterS: number };
  /** The first request of an agent waits this long before any byte (a model loading). */
  coldStartMs?: number;
  /** Extra time per request (ms), on top of the agent's latency. */
  slowMsPerRequest?: number;
}

export const QUIRK_PROFILES: Record<QuirkProfileName, QuirkProfile> = {
  'ollama-qwen3-thinking': {
    stands_for: 'Ollama (OpenAI endpoint) serving Qwen3: thoughts inline in <think> tags, off only via reasoning_effort "none"; small models sometimes think anyway; jurors fence their JSON',
    thinking: { style: 'tags', obeys: 'reasoning_effort', thinksWhenOff: 0.25, tokens: 220, reportsReasoningTokens: false },
    toolCalls: 'native', logprobs: 'as-asked', juryStyle: 'fenced', cachedShare: 0,
  },
  'vllm-no-tool-parser': {
    stands_for: 'vLLM with --reasoning-parser qwen3 but no --tool-call-parser: thoughts in reasoning_content, tool calls as Hermes <tool_call> text, jurors answer in prose',
    thinking: { style: 'reasoning_content', obeys: 'enable_thinking', thinksWhenOff: 0, tokens: 220, reportsReasoningTokens: false },
    toolCalls: 'hermes-text', logprobs: 'as-asked', juryStyle: 'prose', cachedShare: 0,
  },
  'openai-top20-cached': {
    stands_for: 'OpenAI: 20 logprob alternatives per token, cached prompt tokens in usage, strict JSON mode',
    toolCalls: 'native', logprobs: 'top20', juryStyle: 'json', cachedShare: 0.5,
  },
  'openrouter-no-logprobs': {
    stands_for: 'OpenRouter routing Qwen3: logprobs silently null, thoughts in the reasoning field, reasoning tokens in usage',
    thinking: { style: 'reasoning', obeys: 'reasoning', thinksWhenOff: 0, tokens: 220, reportsReasoningTokens: true },
    toolCalls: 'native', logprobs: 'null', juryStyle: 'json', cachedShare: 0,
  },
  'hidden-reasoning': {
    stands_for: 'A reasoning model that bills thinking tokens but never sends the thoughts (o-series style)',
    thinking: { style: 'hidden', obeys: 'reasoning_effort', thinksWhenOff: 1, tokens: 120, reportsReasoningTokens: true },
    toolCalls: 'native', logprobs: 'null', juryStyle: 'json', cachedShare: 0,
  },
  'slow-429': {
    stands_for: 'A busy server: slow, and every 3rd request refused with 429 and Retry-After: 1',
    toolCalls: 'native', logprobs: 'as-asked', juryStyle: 'json', cachedShare: 0,
    rateLimit: { every: 3, retryAfterS: 1 }, slowMsPerRequest: 150,
  },
  'cold-start': {
    stands_for: 'A local server whose model is not loaded yet: the first request waits before its first token',
    toolCalls: 'native', logprobs: 'as-asked', juryStyle: 'json', cachedShare: 0, coldStartMs: 6000,
  },
  'no-usage': {
    stands_for: 'A server that never reports usage (some OpenAI-compatible proxies and local servers; Ollama before 0.5.2 left it out of streams even with stream_options.include_usage): tokens and dollars are estimated from the text',
    toolCalls: 'native', logprobs: 'as-asked', juryStyle: 'json', cachedShare: 0, usage: 'never',
  },
};

/** An agent's `sim.quirks`: a profile name, or one with its timings overridden (tests use short ones). */
export const QuirksSchema = z.union([
  z.enum(QUIRK_PROFILE_NAMES),
  z.strictObject({
    profile: z.enum(QUIRK_PROFILE_NAMES),
    coldStartMs: z.number().int().min(0).max(600_000).optional(),
    retryAfterS: z.number().int().min(0).max(60).optional(),
  }),
]);
export type QuirksInput = z.infer<typeof QuirksSchema>;

export function resolveQuirks(q: QuirksInput | undefined): QuirkProfile | undefined {
  if (!q) return undefined;
  if (typeof q === 'string') return QUIRK_PROFILES[q];
  const base = QUIRK_PROFILES[q.profile];
  return {
    ...base,
    ...(q.coldStartMs !== undefined && base.coldStartMs !== undefined ? { coldStartMs: q.coldStartMs } : {}),
    ...(q.retryAfterS !== undefined && base.rateLimit ? { rateLimit: { ...base.rateLimit, retryAfterS: q.retryAfterS } } : {}),
  };
}

/** The thinking switches a request carried (each server's own, as the adapter sends them). */
export interface ThinkingAsked {
  reasoningEffort?: string;
  enableThinking?: boolean;
  reasoningEnabled?: boolean;
  /** `/no_think` (false) or `/think` (true) at the end of the last user message. */
  softSwitch?: boolean;
}

/** Whether the model thinks on this call: on unless the switch it obeys says off (Qwen3 thinks by default). */
export function thinksOnCall(p: QuirkProfile, asked: ThinkingAsked, key: string): { thinks: boolean; brief: boolean } {
  const t = p.thinking;
  if (!t) return { thinks: false, brief: false };
  const off = t.obeys === 'reasoning_effort' ? asked.reasoningEffort === 'none'
    : t.obeys === 'enable_thinking' ? asked.enableThinking === false
      : t.obeys === 'reasoning' ? asked.reasoningEnabled === false
        : asked.softSwitch === false;
  if (!off) return { thinks: true, brief: false };
  const anyway = new Rng('thinks-when-off', key).next() < t.thinksWhenOff;
  return { thinks: anyway, brief: anyway };
}

/** Quirk transform of one finished completion: thoughts, Hermes tool calls, logprobs, usage details. */
export function applyQuirks(p: QuirkProfile, c: Completion, opts: { asked: ThinkingAsked; key: string; kind: string; maxTokens?: number; promptTokens: number }): Completion {
  const out: Completion = { ...c, usage: { ...c.usage } };
  // Jurors that ignore JSON mode.
  if ((opts.kind === 'juryBatch' || opts.kind === 'juryPair') && out.content && p.juryStyle !== 'json') out.content = juryProse(out.content, p.juryStyle);
  // Tool calls written as text.
  if (p.toolCalls === 'hermes-text' && out.toolCalls.length) {
    const text = out.toolCalls.map((t) => `<tool_call>\n${JSON.stringify({ name: t.name, arguments: safeJson(t.arguments) })}\n</tool_call>`).join('\n');
    out.content = out.content ? `${out.content}\n${text}` : text;
    out.toolCalls = [];
    out.finishReason = 'stop';
    out.logprobs = null;
  }
  // Logprobs as this server sends them.
  if (p.logprobs === 'null') out.logprobs = null;
  else if (p.logprobs === 'top20' && out.logprobs) out.logprobs = out.logprobs.map((t) => ({ ...t, top_logprobs: padTop20(t.top_logprobs) }));
  // Thoughts.
  const { thinks, brief } = thinksOnCall(p, opts.asked, opts.key);
  let thoughtTokens = 0;
  if (p.thinking && thinks) {
    const want = brief ? Math.round(p.thinking.tokens / 4) : p.thinking.tokens;
    let thoughts = reasoningParagraph(want, 'Okay, let me think about what is being asked.', { file: 'the module', fn: 'the function' }, new Rng('thoughts', opts.key));
    thoughtTokens = countTokens(thoughts);
    const answerTokens = out.usage.completion_tokens;
    if (opts.maxTokens && thoughtTokens + answerTokens > opts.maxTokens) {
      // Thoughts come first and eat the budget: the answer is cut, or never starts.
      const room = Math.max(0, opts.maxTokens - thoughtTokens);
      if (room === 0) {
        thoughts = truncateTokens(thoughts, opts.maxTokens).text;
        thoughtTokens = countTokens(thoughts);
        out.content = p.thinking.style === 'tags' ? '' : '';
        out.toolCalls = [];
        out.logprobs = null;
        out.usage.completion_tokens = 0;
        out.finishReason = 'length';
        if (p.thinking.style === 'tags') out.content = `<think>\n${thoughts}`;
      } else if (answerTokens > room) {
        out.content = truncateTokens(out.content ?? '', room).text;
        out.usage.completion_tokens = countTokens(out.content);
        out.logprobs = out.logprobs?.slice(0, out.usage.completion_tokens) ?? null;
        out.toolCalls = [];
        out.finishReason = 'length';
      }
    }
    if (p.thinking.style === 'tags') {
      if (!out.content?.startsWith('<think>')) {
        const prefix = `<think>\n${thoughts}\n</think>\n\n`;
        out.content = `${prefix}${out.content ?? ''}`;
        if (out.logprobs) out.logprobs = [{ token: prefix, logprob: -0.01, bytes: [], top_logprobs: [{ token: prefix, logprob: -0.01, bytes: [] }, { token: '\n', logprob: -5, bytes: [] }] }, ...out.logprobs];
      }
    } else if (p.thinking.style !== 'hidden') {
      out.reasoning = { field: p.thinking.style, text: thoughts };
    }
  } else if (p.thinking?.style === 'tags' && out.content !== null) {
    // Qwen3's template with thinking off still opens and closes an empty block.
    out.content = `<think>\n\n</think>\n\n${out.content}`;
    if (out.logprobs) out.logprobs = [{ token: '<think>\n\n</think>\n\n', logprob: 0, bytes: [], top_logprobs: [{ token: '<think>\n\n</think>\n\n', logprob: 0, bytes: [] }] }, ...out.logprobs];
  }
  out.usage.completion_tokens += thoughtTokens;
  out.usage.total_tokens = out.usage.prompt_tokens + out.usage.completion_tokens;
  if (p.thinking?.reportsReasoningTokens) out.usage.completion_tokens_details = { reasoning_tokens: thoughtTokens };
  if (p.cachedShare > 0) out.usage.prompt_tokens_details = { cached_tokens: Math.floor((opts.promptTokens * p.cachedShare) / 128) * 128 };
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

const WORD = ['zero', 'one', 'two', 'three', 'four', 'five'];

/** A JSON jury answer as a model that ignores JSON mode writes it. */
function juryProse(json: string, style: 'fenced' | 'prose'): string {
  if (style === 'fenced') return `Here is my assessment.\n\n\`\`\`json\n${json}\n\`\`\``;
  let j: { score?: number; scores?: { plan: number; score: number }[] };
  try {
    j = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof j.score === 'number') return `I have read the plan carefully.\n\nScore: ${Math.round(j.score)}/5`;
  return `My scores:\n${(j.scores ?? []).map((s, i) => `- Plan ${s.plan}: ${i % 2 ? `${WORD[Math.round(s.score)] ?? s.score} out of five` : `${s.score}/5`}`).join('\n')}`;
}

/** 20 alternatives: the given ones and small-probability extras sharing the tail mass (top-5 entropy unchanged). */
function padTop20<T extends { token: string; logprob: number; bytes: number[] }>(top: T[]): T[] {
  if (top.length >= 20) return top.slice(0, 20);
  const mass = top.reduce((s, t) => s + Math.exp(t.logprob), 0);
  const tail = Math.max(1e-6, 1 - mass) * 0.9;
  const extra = 20 - top.length;
  const last = Math.min(...top.map((t) => t.logprob));
  const each = Math.min(Math.exp(last) * 0.99, tail / extra);
  return [...top, ...Array.from({ length: extra }, (_, i) => ({ ...top[0], token: `${top[0].token}~${i}`, logprob: Math.log(each), bytes: [] }))];
}
