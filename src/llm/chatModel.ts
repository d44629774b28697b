import OpenAI from 'openai';
import { z } from 'zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SaleError } from '../core/errors';
import type { ChatMessage, ChatModel, ChatRequest, ChatResult, TokenLogprob, ToolCall, ToolSpec } from '../core/ports/chatModel';
import { usageCostUsd } from '../core/pricing';
import type { AgentConfig } from './poolConfig';

export class ModelCallError extends SaleError {
  constructor(readonly agentId: string, message: string, readonly status?: number) {
    super(`Agent ${agentId}: ${message}`, 'model-call');
    this.name = 'ModelCallError';
  }
}

/** Rough token estimate for endpoints that omit usage (~4 characters a token). Marked as estimated nowhere else. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
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
 * A chat model over any OpenAI-compatible endpoint, through the official `openai` SDK. The SDK retries
 * 408/409/429/5xx and connection errors with exponential back-off; after that we raise one clear error.
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
      maxRetries: agent.maxRetries ?? 2,
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
    try {
      if (req.onDelta) return await this.streamed(body, req, started);
      const res = await this.client.chat.completions.create({ ...body, stream: false }, { signal: req.signal });
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
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private async streamed(body: Record<string, unknown>, req: ChatRequest, started: number): Promise<ChatResult> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: req.signal },
    );
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const logprobs: TokenLogprob[] = [];
    const calls = new Map<number, ToolCall>();
    for await (const chunk of stream) {
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
    return this.result(req, text, [...calls.values()], logprobs.length ? logprobs : undefined, usage, finish, started);
  }

  private result(req: ChatRequest, text: string, toolCalls: ToolCall[], logprobs: TokenLogprob[] | undefined,
    usage: { prompt_tokens?: number; completion_tokens?: number } | undefined, finishReason: string | null, started: number): ChatResult {
    const inputTokens = usage?.prompt_tokens ?? estimateTokens(JSON.stringify(req.messages));
    const outputTokens = usage?.completion_tokens ?? estimateTokens(text + toolCalls.map((t) => t.arguments).join(''));
    const cachedInputTokens = usage?.prompt_tokens !== undefined ? readCachedTokens(usage, inputTokens) : 0;
    return {
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
      return new ModelCallError(this.agent.id, `timed out after ${this.agent.timeoutMs ?? 60_000} ms (${1 + (this.agent.maxRetries ?? 2)} attempts) at ${this.baseURL}`);
    }
    if (e instanceof OpenAI.APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return new ModelCallError(this.agent.id, `cannot reach ${this.baseURL} (${cause?.code ?? cause?.message ?? e.message}) after ${1 + (this.agent.maxRetries ?? 2)} attempts`);
    }
    if (e instanceof OpenAI.APIError) {
      return new ModelCallError(this.agent.id, `HTTP ${e.status ?? '?'} from ${this.baseURL}: ${e.message}`, e.status);
    }
    return new ModelCallError(this.agent.id, e instanceof Error ? e.message : String(e));
  }
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
