import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SaleError } from '../core/errors';
import { type ReadCompletion, type RawCompletion, ThinkStreamFilter, readCompletion, reasoningFieldOf } from './completionReader';
import { type AgentConfig, usageCostUsd } from './poolConfig';
import { type ProviderErrorKind, describeProviderError, providerAction } from './providerErrors';
import { type CallPurpose, thinkingRequestParts, thinkingSwitchFor, wantsThinking } from './thinking';

export type ChatMessage = ChatCompletionMessageParam;

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

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
  tools?: ChatCompletionTool[];
  json?: boolean;
  seed?: number;
  signal?: AbortSignal;
  /** When set, the call streams and each text delta is passed here (answer text only, never thoughts). */
  onDelta?: (text: string) => void;
  /** What the call is for: picks whether the agent thinks (its pool `thinking` option). */
  purpose?: CallPurpose;
  /** Called once when nothing has arrived after a few seconds (a cold model loading), with the wait so far. */
  onSlowStart?: (waitedMs: number) => void;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  logprobs?: TokenLogprob[];
  inputTokens: number;
  outputTokens: number;
  usd: number;
  finishReason: string | null;
  latencyMs: number;
  /** Thoughts, kept apart from `text`: shown folded, billed, never part of a plan, its entropy or memory. */
  thoughts?: string;
  /** Thinking tokens billed inside `outputTokens` (reported by the server, or estimated from the thoughts). */
  reasoningTokens?: number;
  /** Where thoughts arrived: `<think>` in content, a reasoning field, or only billed. */
  thoughtsVia?: 'content-tags' | 'reasoning-field' | 'billed-only';
  /** How tool calls arrived: native `tool_calls`, or Hermes `<tool_call>` text read by the fallback. */
  toolCallsVia?: 'native' | 'text';
  /** Prompt tokens served from the provider's cache (part of inputTokens). */
  cachedInputTokens?: number;
}

/** One agent's model, as the core sees it. */
export interface ChatModel {
  readonly agent: AgentConfig;
  chat(req: ChatRequest): Promise<ChatResult>;
}

/** A failed model call. `kind` says what happened; `action` what the user does next (providerErrors.ts). */
export class ModelCallError extends SaleError {
  constructor(readonly agentId: string, message: string, readonly status?: number, readonly kind: ProviderErrorKind = 'other', readonly action = '', readonly retryAfterS?: number) {
    // The context-length code lets core trim its repository context and retry without importing this module.
    super(`Agent ${agentId}: ${message}${action ? ` — ${action}` : ''}`, kind === 'context-length' ? 'context-length' : 'model-call');
    this.name = 'ModelCallError';
  }
}

/** How long without a first token before a call reports a slow (cold) start. */
export const SLOW_START_NOTICE_MS = 4000;

/** Rough token estimate for endpoints that omit usage (~4 characters a token). Marked as estimated nowhere else. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * A chat model over any OpenAI-compatible endpoint, through the official `openai` SDK. The SDK retries
 * 408/409/429/5xx and connection errors with exponential back-off; after that we raise one clear error.
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
      maxRetries: agent.maxRetries ?? 2,
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

  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const wantLogprobs = !!req.logprobs && this.agent.logprobs !== false;
    const think = thinkingRequestParts(thinkingSwitchFor(this.agent), wantsThinking(this.agent.thinking, req.purpose), this.agent.thinking?.budgetTokens);
    const body = {
      model: this.agent.model,
      messages: think.userSuffix ? withUserSuffix(req.messages, think.userSuffix) : req.messages,
      ...think.body,
      ...(req.maxTokens ? { max_tokens: req.maxTokens + think.extraMaxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(wantLogprobs ? { logprobs: true, top_logprobs: 5 } : {}),
      ...(req.tools?.length ? { tools: req.tools } : {}),
      ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
      ...((req.seed ?? this.defaultSeed) !== undefined ? { seed: req.seed ?? this.defaultSeed } : {}),
    };
    const slow = req.onSlowStart ? setTimeout(() => req.onSlowStart?.(Date.now() - started), this.slowStartNoticeMs) : undefined;
    const firstToken = () => clearTimeout(slow);
    try {
      if (req.onDelta) return await this.streamed(body, req, started, firstToken);
      const res = await this.client.chat.completions.create({ ...body, stream: false } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal: req.signal });
      firstToken();
      const choice = res.choices?.[0];
      if (!choice) throw new ModelCallError(this.agent.id, 'the endpoint returned no choices');
      const nativeToolCalls: ToolCall[] = (choice.message?.tool_calls ?? [])
        .filter((t) => t.type === 'function')
        .map((t) => ({ id: t.id, name: (t as { function: { name: string } }).function.name, arguments: (t as { function: { arguments: string } }).function.arguments ?? '' }));
      return this.result(req, {
        content: choice.message?.content ?? '',
        reasoningField: reasoningFieldOf(choice.message),
        nativeToolCalls,
        logprobEntries: choice.logprobs?.content,
        usage: res.usage ?? undefined,
      }, choice.finish_reason ?? null, started);
    } catch (e) {
      throw this.wrap(e);
    } finally {
      firstToken();
    }
  }

  private async streamed(body: Record<string, unknown>, req: ChatRequest, started: number, firstToken: () => void): Promise<ChatResult> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: req.signal },
    );
    let text = '';
    let reasoning = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const logprobs: RawCompletion['logprobEntries'] & object = [];
    const calls = new Map<number, ToolCall>();
    const preview = new ThinkStreamFilter((t) => req.onDelta?.(t));
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const d = choice.delta;
      const r = reasoningFieldOf(d);
      if (r || d?.content || d?.tool_calls?.length) firstToken();
      if (r) reasoning += r;
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
    return this.result(req, { content: text, reasoningField: reasoning || undefined, nativeToolCalls: [...calls.values()], logprobEntries: logprobs, usage }, finish, started);
  }

  private result(req: ChatRequest, raw: RawCompletion, finishReason: string | null, started: number): ChatResult {
    const toolNames = (req.tools ?? []).flatMap((t) => (t.type === 'function' ? [t.function.name] : []));
    const r: ReadCompletion = readCompletion(raw, toolNames, `call_text_${started.toString(36)}_`);
    const inputTokens = r.promptTokens ?? estimateTokens(JSON.stringify(req.messages));
    // Without usage, billed output is estimated from everything generated, thoughts included.
    const outputTokens = r.completionTokens ?? estimateTokens(raw.content + (raw.reasoningField ?? '') + r.toolCalls.map((t) => t.arguments).join(''));
    const reasoningTokens = r.completionTokens === undefined && r.thoughts ? Math.min(outputTokens, estimateTokens(r.thoughts)) : r.reasoningTokens;
    return {
      text: r.text,
      toolCalls: r.toolCalls,
      logprobs: r.logprobs,
      inputTokens,
      outputTokens,
      usd: usageCostUsd(this.agent.price, inputTokens, outputTokens, r.cachedInputTokens),
      finishReason,
      latencyMs: Date.now() - started,
      ...(r.thoughts ? { thoughts: r.thoughts } : {}),
      ...(reasoningTokens ? { reasoningTokens } : {}),
      ...(r.toolCallsVia ? { toolCallsVia: r.toolCallsVia } : {}),
      ...(r.thoughtsVia ? { thoughtsVia: r.thoughtsVia } : {}),
      ...(r.cachedInputTokens ? { cachedInputTokens: r.cachedInputTokens } : {}),
    };
  }

  private wrap(e: unknown): Error {
    if (e instanceof ModelCallError) return e;
    if (e instanceof OpenAI.APIUserAbortError) return new ModelCallError(this.agent.id, 'cancelled');
    if (e instanceof OpenAI.APIConnectionTimeoutError) {
      return new ModelCallError(this.agent.id, `timed out after ${this.agent.timeoutMs ?? 60_000} ms (${1 + (this.agent.maxRetries ?? 2)} attempts) at ${this.baseURL}`, undefined, 'timeout', providerAction('timeout', this.agent));
    }
    if (e instanceof OpenAI.APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return new ModelCallError(this.agent.id, `cannot reach ${this.baseURL} (${cause?.code ?? cause?.message ?? e.message}) after ${1 + (this.agent.maxRetries ?? 2)} attempts`, undefined, 'unreachable', providerAction('unreachable', { ...this.agent, baseUrl: this.baseURL }));
    }
    if (e instanceof OpenAI.APIError) {
      const info = describeProviderError(e.status, e.message, { ...this.agent, baseUrl: this.baseURL }, { code: e.code, retries: e.status === 429 ? this.agent.maxRetries ?? 2 : undefined });
      const retryAfter = Number((e.headers as Record<string, string> | undefined)?.['retry-after'] ?? (e.headers as Headers | undefined)?.get?.('retry-after'));
      return new ModelCallError(this.agent.id, `HTTP ${e.status ?? '?'} from ${this.baseURL}: ${e.message}`, e.status, info.kind, info.action, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return new ModelCallError(this.agent.id, e instanceof Error ? e.message : String(e));
  }
}

/** Appends Qwen3's soft switch to the last user message (a copy; the caller's messages are not changed). */
function withUserSuffix(messages: ChatMessage[], suffix: string): ChatMessage[] {
  const i = messages.map((m) => m.role).lastIndexOf('user');
  if (i < 0 || typeof messages[i].content !== 'string') return messages;
  const out = [...messages];
  out[i] = { ...messages[i], content: `${messages[i].content as string}${suffix}` } as ChatMessage;
  return out;
}
