import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SaleError } from '../core/errors';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, TokenLogprob, ToolCall, ToolSpec } from '../core/ports/chatModel';
import { usageCostUsd } from '../core/pricing';
import { type ReadCompletion, type RawCompletion, ThinkStreamFilter, readCompletion, reasoningFieldOf } from './completionReader';
import type { AgentConfig } from './poolConfig';
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
