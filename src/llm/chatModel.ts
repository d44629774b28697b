import OpenAI from 'openai';
import { z } from 'zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SaleError } from '../core/errors';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, TokenLogprob, ToolCall, ToolSpec } from '../core/ports/chatModel';
import { usageCostUsd } from '../core/pricing';
import type { AgentConfig } from './poolConfig';
import { MAX_RETRY_WAIT_MS, abortableSleep, retryWait } from './retryAfter';
import { type DeadlineKind, attemptDeadline } from './streamDeadlines';
import { checkUsage, estimateTokens } from './usageGuard';

export class ModelCallError extends SaleError {
  constructor(readonly agentId: string, message: string, readonly status?: number) {
    super(`Agent ${agentId}: ${message}`, 'model-call');
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

/**
 * A chat model over any OpenAI-compatible endpoint, through the official `openai` SDK. We retry 408/409/429/5xx,
 * connection errors and time-outs ourselves (the SDK's own retry sleeps an uncapped Retry-After and ignores
 * cancel): waits are capped and reported, every wait ends on cancel, and each attempt has an overall and an
 * idle deadline that hold while the body is read. A truncated stream is retried once; after that, one clear error.
 */
export class OpenAIChatModel implements ChatModel {
  private readonly client: OpenAI;

  constructor(readonly agent: AgentConfig, opts: { baseUrl?: string; apiKey?: string; defaultSeed?: number } = {}) {
    const baseURL = opts.baseUrl ?? agent.baseUrl;
    const apiKey = opts.apiKey ?? (agent.apiKeyEnv ? process.env[agent.apiKeyEnv] : undefined) ?? 'sk-none';
    this.client = new OpenAI({
      baseURL,
      apiKey,
      timeout: agent.timeoutMs ?? 60_000,
      maxRetries: 0,
    });
    this.defaultSeed = opts.defaultSeed;
  }
  private readonly defaultSeed?: number;

  get baseURL(): string {
    return this.client.baseURL;
  }

  /** Satisfies the core's ChatModel port; the full pool entry stays available to the adapters. */
  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const wantLogprobs = !!req.logprobs && this.agent.logprobs !== false;
    const body = {
      model: this.agent.model,
      messages: toOpenAIMessages(req.messages),
      ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(wantLogprobs ? { logprobs: true, top_logprobs: 5 } : {}),
      ...(req.tools?.length ? { tools: toOpenAITools(req.tools) } : {}),
      ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
      ...((req.seed ?? this.defaultSeed) !== undefined ? { seed: req.seed ?? this.defaultSeed } : {}),
    };
    const maxRetries = this.agent.maxRetries ?? 2;
    const overallMs = this.agent.timeoutMs ?? 60_000;
    const idleMs = Math.min(overallMs, this.agent.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    const notes: string[] = [];
    let truncatedRetried = false;
    // A truncated attempt may well be billed: it is counted (estimated) in the result of the retry.
    let wasted = { inputTokens: 0, outputTokens: 0 };
    for (let attempt = 0; ; attempt++) {
      const deadline = attemptDeadline({ overallMs, idleMs: req.onDelta ? idleMs : undefined, signal: req.signal });
      try {
        const r = req.onDelta ? await this.streamed(body, req, started, deadline) : await this.once(body, req, started, deadline.signal);
        if (wasted.outputTokens || wasted.inputTokens) {
          const inputTokens = r.inputTokens + wasted.inputTokens;
          const outputTokens = r.outputTokens + wasted.outputTokens;
          notes.push(`the truncated attempt was counted at an estimated ${wasted.inputTokens + wasted.outputTokens} tokens`);
          return { ...r, inputTokens, outputTokens, usd: usageCostUsd(this.agent.price, inputTokens, outputTokens), notes: [...notes, ...(r.notes ?? [])] };
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

  private finalError(e: unknown, fired: DeadlineKind | undefined, why: string, attempts: number): Error {
    if (fired) return new ModelCallError(this.agent.id, `${why} at ${this.baseURL} (${attempts} attempt${attempts > 1 ? 's' : ''})`);
    const wrapped = this.wrap(e);
    return wrapped instanceof ModelCallError ? new ModelCallError(this.agent.id, `${wrapped.message.replace(/^Agent [^:]+: /, '')} (${attempts} attempt${attempts > 1 ? 's' : ''})`, wrapped.status) : wrapped;
  }

  private async once(body: Record<string, unknown>, req: ChatRequest, started: number, signal: AbortSignal): Promise<ChatResult> {
    const res = await this.client.chat.completions.create({ ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming), stream: false }, { signal });
    const choice = res.choices?.[0];
    if (!choice) throw new ModelCallError(this.agent.id, 'the endpoint returned no choices');
    const text = choice.message?.content ?? '';
    const toolCalls: ToolCall[] = (choice.message?.tool_calls ?? [])
      .filter((t) => t.type === 'function')
      .map((t) => ({ id: t.id, name: (t as { function: { name: string } }).function.name, arguments: (t as { function: { arguments: string } }).function.arguments ?? '' }));
    const logprobs = choice.logprobs?.content?.map((c) => ({
      token: c.token,
      logprob: c.logprob,
      top: (c.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob })),
    }));
    return this.result(req, text, toolCalls, logprobs, res.usage ?? undefined, choice.finish_reason ?? null, started);
  }

  private async streamed(body: Record<string, unknown>, req: ChatRequest, started: number, deadline: { signal: AbortSignal; touch(): void }): Promise<ChatResult> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: deadline.signal },
    );
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const logprobs: TokenLogprob[] = [];
    const calls = new Map<number, ToolCall>();
    for await (const chunk of stream) {
      deadline.touch();
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const d = choice.delta;
      if (d?.content) {
        text += d.content;
        req.onDelta?.(d.content);
      }
      for (const tc of d?.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { id: tc.id ?? `call_${tc.index}`, name: '', arguments: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name += tc.function.name;
        if (tc.function?.arguments) cur.arguments += tc.function.arguments;
        calls.set(tc.index, cur);
      }
      for (const c of choice.logprobs?.content ?? []) {
        logprobs.push({ token: c.token, logprob: c.logprob, top: (c.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob })) });
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The SDK ends a stream's iteration quietly when its signal aborts: a deadline or cancel is not an answer.
    if (deadline.signal.aborted) throw new Error('aborted');
    if (!finish) throw new TruncatedStreamError('the stream ended without a finish reason', text.length + [...calls.values()].reduce((n, c) => n + c.arguments.length, 0));
    return this.result(req, text, [...calls.values()], logprobs.length ? logprobs : undefined, usage, finish, started);
  }

  private result(req: ChatRequest, text: string, toolCalls: ToolCall[], logprobs: TokenLogprob[] | undefined,
    rawUsage: unknown, finishReason: string | null, started: number): ChatResult {
    const { inputTokens, outputTokens, estimated } = checkUsage(rawUsage, {
      input: () => estimateTokens(JSON.stringify(req.messages)),
      output: () => estimateTokens(text + toolCalls.map((t) => t.arguments).join('')),
    });
    // Cached tokens are believed only as a whole number within the (validated) prompt count; see readCachedTokens.
    const cachedInputTokens = readCachedTokens(rawUsage, inputTokens);
    return {
      ...(estimated ? { usageEstimated: estimated } : {}),
      text,
      toolCalls,
      logprobs,
      inputTokens,
      cachedInputTokens,
      outputTokens,
      usd: usageCostUsd(this.agent.price, inputTokens, outputTokens, cachedInputTokens),
      finishReason,
      latencyMs: Date.now() - started,
    };
  }

  private wrap(e: unknown): Error {
    if (e instanceof ModelCallError) return e;
    if (e instanceof OpenAI.APIUserAbortError) return new ModelCallError(this.agent.id, 'cancelled');
    if (e instanceof OpenAI.APIConnectionTimeoutError) {
      return new ModelCallError(this.agent.id, `timed out after ${this.agent.timeoutMs ?? 60_000} ms at ${this.baseURL}`);
    }
    if (e instanceof OpenAI.APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return new ModelCallError(this.agent.id, `cannot reach ${this.baseURL} (${cause?.code ?? cause?.message ?? e.message})`);
    }
    if (e instanceof OpenAI.APIError) {
      return new ModelCallError(this.agent.id, `HTTP ${e.status ?? '?'} from ${this.baseURL}: ${e.message}`, e.status);
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
