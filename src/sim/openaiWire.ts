import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { WireTokenLogprob } from './logprobs';
import { tokenize } from './tokenizer';

/** The OpenAI chat-completions wire format, as far as the simulator speaks it: request parsing and response shapes. */

export interface WireToolCall {
  id: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

export interface WireMessage {
  role: string;
  content: string;
  toolCalls: WireToolCall[];
  toolCallId?: string;
}

export interface ChatCompletionRequest {
  model: string;
  messages: WireMessage[];
  stream: boolean;
  includeUsage: boolean;
  logprobs: boolean;
  topLogprobs: number;
  /** Names of the function tools offered. */
  toolNames: string[];
  /** The raw tools array (counted as prompt tokens). */
  toolsJson: string;
  json: boolean;
  seed?: number;
  maxTokens?: number;
  /** The thinking switches the request carried (quirk profiles obey one of them). */
  thinking: { reasoningEffort?: string; enableThinking?: boolean; reasoningEnabled?: boolean; softSwitch?: boolean };
}

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const RequestSchema = z.looseObject({
  model: z.string({ error: 'you must provide a model parameter' }).min(1),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
      tool_calls: z.array(z.looseObject({
        id: z.string(),
        type: z.string().optional(),
        function: z.looseObject({ name: z.string(), arguments: z.string().optional() }),
      })).optional(),
      tool_call_id: z.string().optional(),
    }),
  ).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  tools: z.array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }).optional() })).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  n: z.number().int().min(1).max(1, 'the simulator returns one choice (n must be 1)').nullish(),
  reasoning_effort: z.string().nullish(),
  chat_template_kwargs: z.looseObject({ enable_thinking: z.boolean().optional() }).nullish(),
  reasoning: z.looseObject({ enabled: z.boolean().optional() }).nullish(),
});

/** `/think` or `/no_think` at the end of the last user message (Qwen3's soft switch). */
function softSwitch(messages: { role: string; content: string }[]): boolean | undefined {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content.trimEnd() ?? '';
  if (last.endsWith('/no_think')) return false;
  if (last.endsWith('/think')) return true;
  return undefined;
}

export type ParsedRequest = { ok: true; request: ChatCompletionRequest } | { ok: false; message: string; param: string | null };

function contentText(c: string | { type: string; text?: string }[] | null | undefined): string {
  if (typeof c === 'string') return c;
  if (!c) return '';
  return c.map((p) => p.text ?? '').join('');
}

export function parseChatRequest(body: unknown): ParsedRequest {
  const r = RequestSchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, message: `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`, param: i.path.length ? i.path.map(String).join('.') : null };
  }
  const b = r.data;
  const messages = b.messages.map((m) => ({ role: m.role, content: contentText(m.content) }));
  return {
    ok: true,
    request: {
      model: b.model,
      thinking: {
        ...(b.reasoning_effort ? { reasoningEffort: b.reasoning_effort } : {}),
        ...(typeof b.chat_template_kwargs?.enable_thinking === 'boolean' ? { enableThinking: b.chat_template_kwargs.enable_thinking } : {}),
        ...(typeof b.reasoning?.enabled === 'boolean' ? { reasoningEnabled: b.reasoning.enabled } : {}),
        ...(softSwitch(messages) !== undefined ? { softSwitch: softSwitch(messages) } : {}),
      },
      messages: b.messages.map((m) => ({
        role: m.role,
        content: contentText(m.content),
        toolCalls: (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments ?? '' })),
        ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}),
      })),
      stream: !!b.stream,
      includeUsage: !!b.stream_options?.include_usage,
      logprobs: !!b.logprobs,
      topLogprobs: b.top_logprobs ?? 0,
      toolNames: (b.tools ?? []).filter((t) => t.type === 'function' && t.function).map((t) => t.function!.name),
      toolsJson: b.tools?.length ? JSON.stringify(b.tools) : '',
      json: b.response_format?.type === 'json_object' || b.response_format?.type === 'json_schema',
      ...(b.seed !== undefined && b.seed !== null ? { seed: b.seed } : {}),
      ...((b.max_completion_tokens ?? b.max_tokens) ? { maxTokens: (b.max_completion_tokens ?? b.max_tokens)! } : {}),
    },
  };
}

/** Prompt tokens: every message's text and tool calls plus a small per-message overhead, and the tool schemas. */
export function promptTokens(req: ChatCompletionRequest): number {
  let n = 3;
  for (const m of req.messages) {
    n += 4 + tokenize(m.content).length;
    for (const t of m.toolCalls) n += 3 + tokenize(t.name).length + tokenize(t.arguments).length;
  }
  if (req.toolsJson) n += tokenize(req.toolsJson).length;
  return n;
}

export function toolCallTokens(calls: WireToolCall[]): number {
  return calls.reduce((s, t) => s + 3 + tokenize(t.name).length + tokenize(t.arguments).length, 0);
}

export interface Completion {
  id: string;
  created: number;
  model: string;
  content: string | null;
  toolCalls: WireToolCall[];
  /** Per content token, when logprobs were asked for and are offered. */
  logprobs: WireTokenLogprob[] | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** As OpenAI sends it: `cached_tokens` is the part of `prompt_tokens` served from the prompt cache. */
  usage: {
    prompt_tokens: number; completion_tokens: number; total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
    completion_tokens_details?: { reasoning_tokens: number };
  };
  /** Thoughts in a message field (quirk profiles: vLLM's `reasoning_content`, OpenRouter's `reasoning`). */
  reasoning?: { field: 'reasoning_content' | 'reasoning'; text: string };
}

const FINGERPRINT = 'fp_sale_sim';

function wireToolCall(t: WireToolCall) {
  return { id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.arguments } };
}

export function completionBody(c: Completion) {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    system_fingerprint: FINGERPRINT,
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: c.content,
        ...(c.reasoning ? { [c.reasoning.field]: c.reasoning.text } : {}),
        refusal: null,
        ...(c.toolCalls.length ? { tool_calls: c.toolCalls.map(wireToolCall) } : {}),
      },
      logprobs: c.logprobs ? { content: c.logprobs, refusal: null } : null,
      finish_reason: c.finishReason,
    }],
    usage: c.usage,
  };
}

/** The same completion as `chat.completion.chunk`s: role, content a few tokens at a time, tool calls, finish, usage. */
export function completionChunks(c: Completion, includeUsage: boolean, tokensPerChunk = 4): object[] {
  const base = { id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model, system_fingerprint: FINGERPRINT };
  const usageNull = includeUsage ? { usage: null } : {};
  const chunk = (delta: object, extra: object = {}, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }],
    ...usageNull,
  });
  const out: object[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  if (c.reasoning) {
    const toks = tokenize(c.reasoning.text);
    for (let i = 0; i < toks.length; i += tokensPerChunk) out.push(chunk({ [c.reasoning.field]: toks.slice(i, i + tokensPerChunk).join('') }));
  }
  if (c.content) {
    const toks = tokenize(c.content);
    for (let i = 0; i < toks.length; i += tokensPerChunk) {
      const piece = toks.slice(i, i + tokensPerChunk);
      const lp = c.logprobs ? { logprobs: { content: c.logprobs.slice(i, i + tokensPerChunk), refusal: null } } : {};
      out.push(chunk({ content: piece.join('') }, lp));
    }
  }
  c.toolCalls.forEach((t, index) => {
    out.push(chunk({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }));
    for (let i = 0; i < t.arguments.length; i += 64) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: t.arguments.slice(i, i + 64) } }] }));
    }
  });
  out.push(chunk({}, {}, c.finishReason));
  if (includeUsage) out.push({ ...base, choices: [], usage: c.usage });
  return out;
}

/** A JSON reply with its length; `headers` add to or override the defaults (Retry-After, a scripted header). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An OpenAI-style error body (`{ error: { message, type, param, code } }`). */
export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } };
}

export function modelObject(id: string, created: number) {
  return { id, object: 'model', created, owned_by: 'sale-sim' };
}
