import { errorMessage } from '../core/errors';
import type { ChatModel, ChatRequest, ChatResult, ToolSpec } from '../core/ports/chatModel';
import { ModelCallError, OpenAIChatModel } from './chatModel';
import type { AgentConfig } from './poolConfig';
import { availableTopK } from '../core/auction/entropy';
import { jsonIn } from '../core/auction/juryParser';
import { blendedPrice } from '../core/pricing';
import { thinkingSwitchFor } from './thinking';

/**
 * `sale pool check` / "SALE: Check Pool": a few small calls per agent that show, before the first auction,
 * what each endpoint can do and what SALE will do without what it lacks. Probes: GET /models, one streamed
 * answer (first-token latency, tokens/s, logprobs, thinking), one tool call, one JSON-mode answer. Each probe
 * goes through the same adapter as an auction, so the check sees what an auction would.
 */

export interface AgentCheck {
  agent: string;
  model: string;
  /** Reached and the model exists; false with `error` otherwise. */
  ok: boolean;
  error?: { kind: string; message: string; action: string };
  /** true = listed by GET /models; false = not listed; null = the server has no model list. */
  modelListed: boolean | null;
  toolCalls: 'native' | 'text-fallback' | 'none' | 'refused' | 'unknown';
  /** Top-k sent, 0 = absent; null = not asked (pool says "logprobs": false) or unknown. */
  logprobsTopK: number | null;
  jsonMode: 'yes' | 'ignored' | 'refused' | 'unknown';
  /** `field`: the reasoning field's name when thoughts came in one (`reasoning_content`, `reasoning`). */
  thinking: { via: string; whenOff: 'off' | 'thinks-anyway' | 'billed-hidden' | 'unknown'; where?: string; whenOn?: 'content-tags' | 'reasoning-field' | 'billed-only' | 'none' | 'unknown'; field?: string };
  firstTokenMs?: number;
  /** Latency of a later call: much faster than the first one means a cold start. */
  laterLatencyMs?: number;
  tokensPerSec?: number;
  rateLimited?: { retryAfterS?: number };
  cachedTokensSeen: boolean;
  /** The streamed answer (asked with stream_options.include_usage) came without believable usage: estimated. */
  usageMissing?: string;
  price: { inputPerMTok: number; outputPerMTok: number; blended: number };
  /** What will be missing or different, in words a user acts on. */
  notes: string[];
}

const ADD_TOOL: ToolSpec = {
  type: 'function',
  function: { name: 'add', description: 'Add two integers.', parameters: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } }, required: ['a', 'b'] } },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One probe call: a 429 is noted and retried once after its Retry-After (at most 10 s here). */
async function probe(m: ChatModel, c: AgentCheck, req: ChatRequest): Promise<ChatResult> {
  try {
    return await m.chat(req);
  } catch (e) {
    if (!(e instanceof ModelCallError) || e.kind !== 'rate-limited') throw e;
    c.rateLimited = { retryAfterS: e.retryAfterS };
    await sleep(Math.min(10, e.retryAfterS ?? 2) * 1000);
    return m.chat(req);
  }
}

function errorOf(e: unknown): AgentCheck['error'] {
  if (e instanceof ModelCallError) return { kind: e.kind, message: errorMessage(e).replace(/ — .*$/, ''), action: e.action };
  return { kind: 'other', message: errorMessage(e), action: '' };
}

const sameModel = (listed: string, wanted: string) => listed === wanted || listed === `${wanted}:latest` || `${listed}:latest` === wanted;

export async function checkAgent(model: ChatModel): Promise<AgentCheck> {
  // No SDK retries during the check, so a 429 is seen (and reported) rather than silently waited out.
  const m = model instanceof OpenAIChatModel ? model.derive({ maxRetries: 0 }) : model;
  // The full pool entry when the model is ours; a bare port model (tests) has only id, model and price.
  const a: Pick<AgentConfig, 'id' | 'model' | 'price'> & Partial<AgentConfig> = m.agent;
  const c: AgentCheck = {
    agent: a.id, model: a.model, ok: false, modelListed: null, toolCalls: 'unknown', logprobsTopK: null, jsonMode: 'unknown',
    thinking: { via: thinkingSwitchFor(a), whenOff: 'unknown' }, cachedTokensSeen: false,
    price: { inputPerMTok: a.price.inputPerMTok, outputPerMTok: a.price.outputPerMTok, blended: blendedPrice(a.price) }, notes: [],
  };
  // 1. The model list.
  const lister = m as ChatModel & { listModels?: () => Promise<string[]> };
  if (lister.listModels) {
    try {
      const ids = await lister.listModels();
      c.modelListed = ids.some((id) => sameModel(id, a.model));
    } catch (e) {
      const err = errorOf(e);
      if (err && err.kind !== 'wrong-url' && err.kind !== 'bad-request') {
        c.error = err;
        return finish(c);
      }
    }
  }
  // 2. A streamed answer: latency, speed, logprobs, thinking (as configured for bids: normally off).
  const started = Date.now();
  let first: number | undefined;
  const wantLogprobs = a.logprobs !== false;
  const say = { messages: [{ role: 'user' as const, content: 'In one sentence: why do unit tests help?' }], maxTokens: 60, temperature: 0, purpose: 'bid' as const };
  try {
    let r: ChatResult;
    try {
      r = await probe(m, c, { ...say, logprobs: wantLogprobs, onDelta: () => (first ??= Date.now()) });
    } catch (e) {
      if (!(wantLogprobs && e instanceof ModelCallError && e.status === 400)) throw e;
      c.notes.push('the server refuses logprobs requests: set "logprobs": false for this agent');
      r = await probe(m, c, { ...say, onDelta: () => (first ??= Date.now()) });
    }
    const end = Date.now();
    c.ok = true;
    c.firstTokenMs = (first ?? end) - started;
    const answerTokens = r.outputTokens - (r.reasoningTokens ?? 0);
    if (first && end > first && answerTokens > 1) c.tokensPerSec = Math.round((answerTokens / ((end - first) / 1000)) * 10) / 10;
    c.logprobsTopK = wantLogprobs ? availableTopK(r.logprobs) : null;
    c.thinking.whenOff = r.thoughts ? 'thinks-anyway' : r.reasoningTokens ? 'billed-hidden' : 'off';
    if (r.thoughts) c.thinking.where = r.text ? 'separated' : 'cut off while thinking';
    if (r.cachedInputTokens) c.cachedTokensSeen = true;
    if (r.usageEstimated) c.usageMissing = r.usageEstimated;
  } catch (e) {
    c.error = errorOf(e);
    return finish(c);
  }
  // 3. A tool call.
  try {
    const t0 = Date.now();
    const r = await probe(m, c, { messages: [{ role: 'user', content: 'Use the add tool to add 2 and 3.' }], tools: [ADD_TOOL], maxTokens: 120, temperature: 0, purpose: 'bid' });
    c.laterLatencyMs = Date.now() - t0;
    const call = r.toolCalls.find((t) => t.name === 'add');
    c.toolCalls = !call ? 'none' : r.toolCallsVia === 'text' ? 'text-fallback' : 'native';
    if (r.cachedInputTokens) c.cachedTokensSeen = true;
  } catch (e) {
    c.toolCalls = e instanceof ModelCallError && e.status === 400 ? 'refused' : 'unknown';
    if (c.toolCalls === 'unknown') c.notes.push(`tool probe failed: ${errorOf(e)!.message}`);
  }
  // 4. JSON mode.
  try {
    const r = await probe(m, c, { messages: [{ role: 'user', content: 'Return the JSON object {"score": 4} and nothing else.' }], json: true, maxTokens: 120, temperature: 0, purpose: 'judge' });
    let strict = false;
    try {
      JSON.parse(r.text);
      strict = true;
    } catch {
      strict = false;
    }
    // Not strict JSON: the lenient jury parser still reads most such answers (fenced, prose-wrapped).
    c.jsonMode = strict ? 'yes' : 'ignored';
    if (!strict && jsonIn(r.text) === undefined && !/\d/.test(r.text)) c.notes.push('JSON-mode answer had neither JSON nor a number: jury scores from this agent may be unreadable');
  } catch (e) {
    c.jsonMode = e instanceof ModelCallError && e.status === 400 ? 'refused' : 'unknown';
  }
  // 5. Thinking switched on (as `"thinking": {"bid": true}` would): where do the thoughts arrive?
  if (m instanceof OpenAIChatModel) {
    try {
      const on = m.derive({ thinking: { ...a.thinking, bid: true, budgetTokens: 400 } });
      const r = await probe(on, c, say);
      c.thinking.whenOn = r.thoughtsVia ?? 'none';
      if (r.thoughtsField) c.thinking.field = r.thoughtsField;
    } catch {
      c.thinking.whenOn = 'unknown';
    }
  }
  return finish(c);
}

/** The notes: what SALE does without each missing feature, and what the user can do. */
function finish(c: AgentCheck): AgentCheck {
  if (c.error) {
    c.notes.unshift(`${c.error.message}${c.error.action ? ` → ${c.error.action}` : ''}`);
    return c;
  }
  if (c.modelListed === false) c.notes.push(`"${c.model}" is not in the server's model list (it answered anyway: an alias?)`);
  if (c.logprobsTopK === 0) c.notes.push('no logprobs: entropy left out of V (for every bid while any bidder lacks them)');
  else if (c.logprobsTopK !== null && c.logprobsTopK > 5) c.notes.push(`top-${c.logprobsTopK} logprobs: entropy measured on the top 5 of every bid, renormalised`);
  else if (c.logprobsTopK !== null && c.logprobsTopK < 5) c.notes.push(`only top-${c.logprobsTopK} logprobs: every bid's entropy is measured on the top ${c.logprobsTopK}`);
  if (c.logprobsTopK === null) c.notes.push('logprobs off in the pool: entropy left out of V');
  if (c.toolCalls === 'text-fallback') c.notes.push('tool calls only through the Hermes fallback (<tool_call> text, which SALE reads); vLLM: add --enable-auto-tool-choice --tool-call-parser hermes');
  if (c.toolCalls === 'none' || c.toolCalls === 'refused') c.notes.push('no tool calls: this agent can bid and judge but cannot execute a plan');
  if (c.jsonMode === 'ignored') c.notes.push('JSON mode ignored: jury answers are read leniently (fenced JSON, "4/5", "four")');
  if (c.jsonMode === 'refused') c.notes.push('JSON mode refused: jury answers are read leniently');
  if (c.thinking.whenOff === 'thinks-anyway') c.notes.push(`thinks although told not to (switch: ${c.thinking.via}): thoughts are separated, billed and kept out of plans; check "thinking.via"`);
  if (c.thinking.whenOff === 'billed-hidden') c.notes.push('bills thinking tokens without sending them: billed, kept out of plan tokens');
  const kept = 'separated from the answer, billed, shown folded, kept out of plan tokens, entropy and memory';
  if (c.thinking.whenOn === 'content-tags') c.notes.push(`thinking: <think> tags inside content (when on): ${kept}`);
  if (c.thinking.whenOn === 'reasoning-field') c.notes.push(`thinking: ${c.thinking.field ?? 'a reasoning field'} (when on): ${kept}`);
  if (c.thinking.whenOn === 'billed-only' && c.thinking.whenOff !== 'billed-hidden') c.notes.push('thinking: billed but not sent (completion_tokens_details.reasoning_tokens, when on): billed, kept out of plan tokens');
  if (c.firstTokenMs !== undefined && c.firstTokenMs > 3000 && c.laterLatencyMs !== undefined && c.laterLatencyMs < c.firstTokenMs / 2) {
    c.notes.push(`first token after ${(c.firstTokenMs / 1000).toFixed(1)} s, later calls ${(c.laterLatencyMs / 1000).toFixed(1)} s: a cold start (the model was loading); shown as "loading model…"`);
  }
  if (c.rateLimited) c.notes.push(`rate limited (429${c.rateLimited.retryAfterS !== undefined ? `, Retry-After ${c.rateLimited.retryAfterS} s` : ''}): SALE waits and retries; lower concurrency or raise your rate limit`);
  if (c.usageMissing) c.notes.push(`no usage reported (even with stream_options.include_usage): tokens and dollars are estimated from text length (about 4 characters a token), so budgets and the cost term C are approximate; each auction says so`);
  if (c.cachedTokensSeen) c.notes.push('prompt caching reported: cached tokens are billed at price.cachedInputPerMTok when set (else the input price)');
  if (c.price.blended === 0) c.notes.push('price 0: the cost term C cannot tell this agent from another free one');
  return c;
}

export async function checkPool(models: ChatModel[]): Promise<AgentCheck[]> {
  return Promise.all(models.map((m) => checkAgent(m)));
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** One table row per agent (terminal and panel show the same cells). */
export function poolCheckCells(c: AgentCheck): string[] {
  const ms = (x?: number) => (x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x} ms`);
  return [
    c.agent,
    c.error ? `NO (${c.error.kind})` : c.modelListed === false ? 'yes (unlisted)' : 'yes',
    c.error ? '–' : c.toolCalls,
    c.error ? '–' : c.logprobsTopK === null ? 'off' : c.logprobsTopK === 0 ? 'absent' : `top-${c.logprobsTopK}`,
    c.error ? '–' : c.jsonMode,
    c.error ? '–' : `${c.thinking.whenOff === 'off' ? 'off ok' : c.thinking.whenOff}; on: ${c.thinking.field ?? c.thinking.whenOn ?? '?'} (${c.thinking.via})`,
    ms(c.firstTokenMs),
    c.tokensPerSec === undefined ? '–' : String(c.tokensPerSec),
    `${c.price.inputPerMTok}/${c.price.outputPerMTok}`,
  ];
}

export const CHECK_COLUMNS = ['agent', 'reachable+model', 'tool calls', 'logprobs', 'JSON mode', 'thinking off / on (switch)', '1st token', 'tok/s', '$/MTok in/out'];

/** The check as a plain-text table and, per agent, what will be missing. */
export function formatPoolCheck(checks: AgentCheck[], opts: { simulated?: boolean } = {}): string {
  const rows = [CHECK_COLUMNS, ...checks.map(poolCheckCells)];
  const widths = CHECK_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => pad(x, widths[i])).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  if (opts.simulated) out.unshift('(SIMULATED pool: these are the simulator\'s quirk profiles, not real servers)');
  out.push('');
  for (const c of checks) {
    if (!c.notes.length) out.push(`${c.agent}: everything SALE uses is there.`);
    for (const n of c.notes) out.push(`${c.agent}: ${n}`);
  }
  const bad = checks.filter((c) => c.error).length;
  out.push('', bad ? `${bad} of ${checks.length} agents unusable: fix them first (see above).` : `All ${checks.length} agents usable.`);
  return out.join('\n');
}
