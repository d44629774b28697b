// The OpenAI-compatible model adapter. Over 300 lines on purpose: one request path (thinking switches, tool-call
// fallback, deadlines, retries with Retry-After, usage checks, error mapping) that reads best as one piece.
import OpenAI from 'openai';
import { z } from 'zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SaleError } from '../core/errors';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, ToolCall, ToolSpec } from '../core/ports/chatModel';
import { usageCostUsd } from '../core/pricing';
import { type ReadCompletion, type RawCompletion, type ReasoningFieldName, ThinkStreamFilter, parseCompletionBody, readCompletion, reasoningFieldOf } from './completionReader';
import type { AgentConfig } from './poolConfig';
import { MAX_RETRY_WAIT_MS, abortableSleep, retryWait } from './retryAfter';
import { type AttemptDeadline, type DeadlineKind, attemptDeadline, readBodyWithin } from './streamDeadlines';
import { checkUsage, estimateTokens } from './usageGuard';
import { type ProviderErrorKind, describeProviderError, providerAction } from './providerErrors';
import { thinkingRequestParts, thinkingSwitchFor, wantsThinking } from './thinking';

/** A failed model call. `kind` says what happened; `action` what the user does next (providerErrors.ts). */
export class ModelCallError extends SaleError {
  constructor(readonly agentId: string, message: string, readonly status?: number, readonly kind: ProviderErrorKind = 'other', readonly action = '', readonly retryAfterS?: number) {
    // The context-length code lets core trim its repository context and retry without importing this module.
    super(`Agent ${agentId}: ${message}${action ? ` — ${action}` : ''}`, kind === 'context-length' ? 'context-length' : 'model-call');
    this.name = 'ModelCallError';
  }
}

/** Default gap allowed between two chunks of a streamed answer. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** A stream that ended without a finish reason or [DONE]: truncated, never a whole answer. */
class TruncatedStreamError extends Error {
  constructor(message: string, readonly outputChars: number) {
    super(message);
  }
}

const CachedDetailsSchema = z.object({ prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative() }).passthrough() }).passthrough();

/**
 * Cached prompt tokens from an OpenAI-style `usage` (`prompt_tokens_details.cached_tokens`). Usage numbers are
 * model output and treated as hostile: anything that is not a whole number between 0 and the prompt's tokens
 * counts as 0, so a bad report is charged at full input price rather than at the discount.
 */
export function readCachedTokens(usage: unknown, promptTokens: number): number {
  const r = CachedDetailsSchema.safeParse(usage);
  if (!r.success) return 0;
  const n = r.data.prompt_tokens_details.cached_tokens;
  return n <= promptTokens ? n : 0;
}

/** How long without a first token before a call reports a slow (cold) start. */
export const SLOW_START_NOTICE_MS = 4000;

/**
 * A chat model over any OpenAI-compatible endpoint, through the official `openai` SDK. We retry 408/409/429/5xx,
 * connection errors and time-outs ourselves (the SDK's own retry sleeps an uncapped Retry-After and ignores
 * cancel): waits are capped and reported, every wait ends on cancel, and each attempt has an overall and an
 * idle deadline that hold while the body is read. A truncated stream is retried once; after that, one clear error.
 */
export class OpenAIChatModel implements ChatModel {
  private readonly client: OpenAI;

  constructor(readonly agent: AgentConfig, opts: { baseUrl?: string; apiKey?: string; defaultSeed?: number; slowStartNoticeMs?: number } = {}) {
    const baseURL = opts.baseUrl ?? agent.baseUrl;
    const apiKey = opts.apiKey ?? (agent.apiKeyEnv ? process.env[agent.apiKeyEnv] : undefined) ?? 'sk-none';
    this.client = new OpenAI({
      baseURL,
      apiKey,
      timeout: agent.timeoutMs ?? 60_000,
      maxRetries: 0,
    });
    this.defaultSeed = opts.defaultSeed;
    this.slowStartNoticeMs = opts.slowStartNoticeMs ?? SLOW_START_NOTICE_MS;
    this.opts = { ...opts, baseUrl: baseURL, apiKey };
  }
  private readonly opts: { baseUrl?: string; apiKey?: string; defaultSeed?: number; slowStartNoticeMs?: number };

  /** The same endpoint and key with some agent settings changed (the pool check probes thinking on, no retries). */
  derive(patch: Partial<AgentConfig>): OpenAIChatModel {
    return new OpenAIChatModel({ ...this.agent, ...patch }, this.opts);
  }
  private readonly defaultSeed?: number;
  private readonly slowStartNoticeMs: number;

  get baseURL(): string {
    return this.client.baseURL;
  }

  /** Model ids the server lists (GET /models), for the pool check. Errors are mapped like chat errors. */
  async listModels(): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const m of this.client.models.list()) ids.push(m.id);
      return ids;
    } catch (e) {
      throw this.wrap(e);
    }
  }

  /** Satisfies the core's ChatModel port; the full pool entry stays available to the adapters. */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const wantLogprobs = !!req.logprobs && this.agent.logprobs !== false;
    const think = thinkingRequestParts(thinkingSwitchFor(this.agent), wantsThinking(this.agent.thinking, req.purpose), this.agent.thinking?.budgetTokens);
    const body = {
      model: this.agent.model,
      messages: toOpenAIMessages(think.userSuffix ? withUserSuffix(req.messages, think.userSuffix) : req.messages),
      ...think.body,
      ...(req.maxTokens ? { max_tokens: req.maxTokens + think.extraMaxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(wantLogprobs ? { logprobs: true, top_logprobs: 5 } : {}),
      ...(req.tools?.length ? { tools: toOpenAITools(req.tools) } : {}),
      ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
      ...((req.seed ?? this.defaultSeed) !== undefined ? { seed: req.seed ?? this.defaultSeed } : {}),
    };
    const slow = req.onSlowStart ? setTimeout(() => req.onSlowStart?.(Date.now() - started), this.slowStartNoticeMs) : undefined;
    const firstToken = () => clearTimeout(slow);
    try {
      return await this.attempts(body, req, started, firstToken);
    } finally {
      firstToken();
    }
  }

  /** The call with its deadlines, capped retries and one retry of a truncated stream (see the class comment). */
  private async attempts(body: Record<string, unknown>, req: ChatRequest, started: number, firstToken: () => void): Promise<ChatResult> {
    const maxRetries = this.agent.maxRetries ?? 2;
    const overallMs = this.agent.timeoutMs ?? 60_000;
    const idleMs = Math.min(overallMs, this.agent.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    const notes: string[] = [];
    let truncatedRetried = false;
    // A truncated attempt may well be billed: it is counted (estimated) in the result of the retry.
    let wasted = { inputTokens: 0, outputTokens: 0 };
    for (let attempt = 0; ; attempt++) {
      const deadline = attemptDeadline({ overallMs, idleMs, idleFromFirstTouch: !req.onDelta, signal: req.signal });
      try {
        const r = req.onDelta ? await this.streamed(body, req, started, deadline, firstToken) : await this.once(body, req, started, deadline, firstToken);
        if (wasted.outputTokens || wasted.inputTokens) {
          const inputTokens = r.inputTokens + wasted.inputTokens;
          const outputTokens = r.outputTokens + wasted.outputTokens;
          notes.push(`the truncated attempt was counted at an estimated ${wasted.inputTokens + wasted.outputTokens} tokens`);
          return { ...r, inputTokens, outputTokens, usd: usageCostUsd(this.agent.price, inputTokens, outputTokens, r.cachedInputTokens ?? 0), notes: [...notes, ...(r.notes ?? [])] };
        }
        return notes.length ? { ...r, notes: [...notes, ...(r.notes ?? [])] } : r;
      } catch (e) {
        const fired = deadline.fired;
        if (fired === 'cancelled' || req.signal?.aborted) throw new ModelCallError(this.agent.id, 'cancelled');
        let headers: { get(n: string): string | null } | undefined;
        let why: string;
        if (e instanceof TruncatedStreamError) {
          if (truncatedRetried) throw new ModelCallError(this.agent.id, `${e.message}, twice: answer dropped`);
          truncatedRetried = true;
          wasted = { inputTokens: estimateTokens(JSON.stringify(req.messages)), outputTokens: Math.ceil(e.outputChars / 4) };
          notes.push(`${e.message}: retried once`);
          attempt--;
          continue;
        } else if (fired) {
          why = timeoutText(fired, fired === 'idle' ? idleMs : overallMs);
        } else if (e instanceof OpenAI.APIError && e.status !== undefined && !retryable(e.status)) {
          throw this.wrap(e);
        } else if (e instanceof OpenAI.APIError && e.status !== undefined) {
          headers = e.headers ?? undefined;
          why = `HTTP ${e.status}`;
        } else if (e instanceof OpenAI.APIConnectionError) {
          why = 'connection failed';
        } else {
          throw this.wrap(e);
        }
        if (attempt >= maxRetries) throw this.finalError(e, fired, why, attempt + 1);
        const wait = retryWait(headers, attempt, this.agent.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS);
        if (wait.capped) notes.push(`${why}: Retry-After asked ${secs(wait.askedMs!)} s, capped to ${secs(wait.ms)} s`);
        try {
          await abortableSleep(wait.ms, req.signal);
        } catch {
          throw new ModelCallError(this.agent.id, 'cancelled');
        }
      } finally {
        deadline.dispose();
      }
    }
  }

  /** The error after the last attempt: the one place that says how many attempts were made. */
  private finalError(e: unknown, fired: DeadlineKind | undefined, why: string, attempts: number): Error {
    const count = `(${attempts} attempt${attempts > 1 ? 's' : ''})`;
    if (fired) return new ModelCallError(this.agent.id, `${why} at ${this.baseURL} ${count}`);
    const wrapped = this.wrap(e);
    if (!(wrapped instanceof ModelCallError)) return wrapped;
    // Keep what the user does next (providerErrors.ts); the action is appended again by the constructor.
    const message = wrapped.message.replace(/^Agent [^:]+: /, '').replace(wrapped.action ? ` — ${wrapped.action}` : '', '');
    return new ModelCallError(this.agent.id, `${message} ${count}`, wrapped.status, wrapped.kind, wrapped.action, wrapped.retryAfterS);
  }

  private async once(body: Record<string, unknown>, req: ChatRequest, started: number, deadline: AttemptDeadline, firstToken: () => void): Promise<ChatResult> {
    // The raw response, so the body is read under the idle deadline too (the SDK's own read has only the overall one).
    const raw = await this.client.chat.completions.create({ ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming), stream: false }, { signal: deadline.signal }).asResponse();
    const res = parseCompletionBody(await readBodyWithin(raw, deadline));
    firstToken();
    const choice = res.choices?.[0];
    if (!choice) throw new ModelCallError(this.agent.id, 'the endpoint returned no choices');
    const nativeToolCalls: ToolCall[] = (choice.message?.tool_calls ?? [])
      .filter((t) => t.type === 'function')
      .map((t) => ({ id: t.id, name: (t as { function: { name: string } }).function.name, arguments: (t as { function: { arguments: string } }).function.arguments ?? '' }));
    const reasoning = reasoningFieldOf(choice.message);
    return this.result(req, {
      content: choice.message?.content ?? '',
      reasoningField: reasoning?.text,
      reasoningFieldName: reasoning?.field,
      nativeToolCalls,
      logprobEntries: choice.logprobs?.content,
      usage: res.usage ?? undefined,
    }, choice.finish_reason ?? null, started);
  }

  private async streamed(body: Record<string, unknown>, req: ChatRequest, started: number, deadline: { signal: AbortSignal; touch(): void }, firstToken: () => void): Promise<ChatResult> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: deadline.signal },
    );
    let text = '';
    let reasoning = '';
    let reasoningFieldName: ReasoningFieldName | undefined;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const logprobs: RawCompletion['logprobEntries'] & object = [];
    const calls = new Map<number, ToolCall>();
    const preview = new ThinkStreamFilter((t) => req.onDelta?.(t));
    for await (const chunk of stream) {
      deadline.touch();
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const d = choice.delta;
      const r = reasoningFieldOf(d);
      if (r || d?.content || d?.tool_calls?.length) firstToken();
      if (r) {
        reasoning += r.text;
        reasoningFieldName = r.field;
      }
      if (d?.content) {
        text += d.content;
        preview.push(d.content);
      }
      for (const tc of d?.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { id: tc.id ?? `call_${tc.index}`, name: '', arguments: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.arguments += tc.function.arguments;
        calls.set(tc.index, cur);
      }
      for (const c of choice.logprobs?.content ?? []) logprobs.push(c);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The SDK ends a stream's iteration quietly when its signal aborts: a deadline or cancel is not an answer.
    if (deadline.signal.aborted) throw new Error('aborted');
    if (!finish) throw new TruncatedStreamError('the stream ended without a finish reason', text.length + reasoning.length + [...calls.values()].reduce((n, c) => n + c.arguments.length, 0));
    return this.result(req, { content: text, reasoningField: reasoning || undefined, reasoningFieldName, nativeToolCalls: [...calls.values()], logprobEntries: logprobs, usage }, finish, started);
  }

  private result(req: ChatRequest, raw: RawCompletion, finishReason: string | null, started: number): ChatResult {
    const toolNames = (req.tools ?? []).flatMap((t) => (t.type === 'function' ? [t.function.name] : []));
    const r: ReadCompletion = readCompletion(raw, toolNames, `call_text_${started.toString(36)}_`);
    // Usage is model output: believed only as finite non-negative integers (usageGuard.ts), else estimated and said so.
    // Without usage, billed output is estimated from everything generated, thoughts included.
    const { inputTokens, outputTokens, estimated } = checkUsage(raw.usage, {
      input: () => estimateTokens(JSON.stringify(req.messages)),
      output: () => estimateTokens(raw.content + (raw.reasoningField ?? '') + r.toolCalls.map((t) => t.arguments).join('')),
    });
    // Cached tokens are believed only as a whole number within the (validated) prompt count; see readCachedTokens.
    const cachedInputTokens = readCachedTokens(raw.usage, inputTokens);
    const reasoningTokens = Math.min(outputTokens, r.completionTokens === undefined && r.thoughts ? estimateTokens(r.thoughts) : r.reasoningTokens);
    return {
      ...(estimated ? { usageEstimated: estimated } : {}),
      text: r.text,
      toolCalls: r.toolCalls,
      logprobs: r.logprobs,
      inputTokens,
      cachedInputTokens,
      outputTokens,
      usd: usageCostUsd(this.agent.price, inputTokens, outputTokens, cachedInputTokens),
      finishReason,
      latencyMs: Date.now() - started,
      ...(r.thoughts ? { thoughts: r.thoughts } : {}),
      ...(reasoningTokens ? { reasoningTokens } : {}),
      ...(r.toolCallsVia ? { toolCallsVia: r.toolCallsVia } : {}),
      ...(r.thoughtsVia ? { thoughtsVia: r.thoughtsVia } : {}),
      ...(r.thoughtsField ? { thoughtsField: r.thoughtsField } : {}),
    };
  }

  /** One failed call in words, with what to do next; how many attempts were made is said once, by finalError. */
  private wrap(e: unknown): Error {
    if (e instanceof ModelCallError) return e;
    if (e instanceof OpenAI.APIUserAbortError) return new ModelCallError(this.agent.id, 'cancelled');
    if (e instanceof OpenAI.APIConnectionTimeoutError) {
      return new ModelCallError(this.agent.id, `timed out after ${this.agent.timeoutMs ?? 60_000} ms at ${this.baseURL}`, undefined, 'timeout', providerAction('timeout', this.agent));
    }
    if (e instanceof OpenAI.APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return new ModelCallError(this.agent.id, `cannot reach ${this.baseURL} (${cause?.code ?? cause?.message ?? e.message})`, undefined, 'unreachable', providerAction('unreachable', { ...this.agent, baseUrl: this.baseURL }));
    }
    if (e instanceof OpenAI.APIError) {
      const info = describeProviderError(e.status, e.message, { ...this.agent, baseUrl: this.baseURL }, { code: e.code });
      const retryAfter = Number((e.headers as Record<string, string> | undefined)?.['retry-after'] ?? (e.headers as Headers | undefined)?.get?.('retry-after'));
      return new ModelCallError(this.agent.id, `HTTP ${e.status ?? '?'} from ${this.baseURL}: ${e.message}`, e.status, info.kind, info.action, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return new ModelCallError(this.agent.id, e instanceof Error ? e.message : String(e));
  }
}

function retryable(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function timeoutText(kind: DeadlineKind, ms: number): string {
  return kind === 'idle' ? `no data for ${ms} ms (idle-stream deadline)` : `timed out after ${ms} ms (overall deadline)`;
}

const secs = (ms: number) => (ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10);

/** Appends Qwen3's soft switch to the last user message (a copy; the caller's messages are not changed). */
function withUserSuffix(messages: ChatMessage[], suffix: string): ChatMessage[] {
  const i = messages.map((m) => m.role).lastIndexOf('user');
  if (i < 0 || typeof messages[i].content !== 'string') return messages;
  const out = [...messages];
  out[i] = { ...messages[i], content: `${messages[i].content as string}${suffix}` } as ChatMessage;
  return out;
}

/**
 * Core's messages to the SDK's. Core keeps the wire field names (see core/ports/chatModel.ts), so this copies field
 * by field in the same key order: the JSON sent is byte for byte what the core's budget projection counted.
 */
export function toOpenAIMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
        return { role: 'system', content: m.content };
      case 'user':
        return { role: 'user', content: m.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: m.content,
          ...(m.tool_calls ? { tool_calls: m.tool_calls.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.function.name, arguments: t.function.arguments } })) } : {}),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: m.tool_call_id, content: m.content };
    }
  });
}

export function toOpenAITools(tools: ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.function.name, description: t.function.description, parameters: t.function.parameters } }));
}
