/**
 * The one fake model of the tests: core's ChatModel port answered from a script, so a test decides every reply
 * (text, tool calls, logprobs, usage, thoughts, errors, delays) without a server. Paid model APIs are what it
 * stands in for; the simulator (src/sim) is used instead where a test needs a whole plausible pool.
 *
 * Also here: the answers a scripted model gives (a plan, jury JSON, tool calls, logprobs of known entropy).
 */
import type { ChatModel, ChatRequest, ChatResult, ModelAgent, TokenLogprob, ToolCall } from '../../../src/core/ports/chatModel';
import { type PromptKind, detectPromptKindOf } from '../../../src/core/auction/prompts';

/** One reply. Fields left out take the model's usage defaults (see FakeChatModel). */
export interface ScriptStep {
  text?: string;
  toolCalls?: ToolCall[];
  logprobs?: TokenLogprob[];
  thoughts?: string;
  reasoningTokens?: number;
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  /** Dollars billed; default: the agent's prices × tokens. */
  usd?: number;
  finishReason?: string | null;
  /** Thrown instead of answering (after the delay). */
  error?: Error;
  /** Wait before answering (ms); a cancel aborts the wait through the request's signal. */
  delayMs?: number;
}

/** Decides the reply to call `n` (0-based); `kind` is the auction prompt the request carries, if any. */
export type ScriptFn = (req: ChatRequest, n: number, kind: PromptKind | undefined) => ScriptStep | Promise<ScriptStep>;

/** A recorded call; `req.messages` is a deep copy taken when the call arrived. */
export interface FakeCall {
  n: number;
  kind: PromptKind | undefined;
  req: ChatRequest;
}

export interface FakeUsage {
  /** Input tokens of a step that names none; default: the UTF-8 bytes of the messages / 4, rounded up. */
  inputTokens?: number;
  /** Output tokens of a step that names none: a number (default 20), or 'words' of the reply's text (at least 1). */
  outputTokens?: number | 'words';
  /** Cap output tokens at the request's maxTokens, as an endpoint does (default true). */
  honourMaxTokens?: boolean;
}

/**
 * A ChatModel answering from `script`: a list of steps (call n gets step n; the last one repeats; a step may be a
 * function) or one function for every call. Records every call in `calls` and the usage it reported in `usages`.
 */
export class FakeChatModel implements ChatModel {
  readonly calls: FakeCall[] = [];
  readonly usages: { inputTokens: number; outputTokens: number; usd: number }[] = [];
  honourMaxTokens: boolean;
  /** Report the whole maxTokens as output when a step names none (a model that always spends its allowance). */
  spendAll = false;
  /** Delay before every answer (ms), unless the step sets its own. */
  delayMs = 0;
  /** Ignore the abort signal during the delay (to test that the caller does not wait for the model). */
  ignoreAbort = false;

  constructor(
    readonly agent: ModelAgent,
    private readonly script: (ScriptStep | ScriptFn)[] | ScriptFn,
    private readonly usage: FakeUsage = {},
  ) {
    this.honourMaxTokens = usage.honourMaxTokens ?? true;
  }

  /**
   * Scripted by auction prompt kind, billed as the auction tests reason about plans: 100 input tokens, the reply's
   * words as output tokens unless the step says `outputTokens`, and no cap (a step's plan length is taken as given).
   */
  static byKind(agent: ModelAgent, reply: (kind: PromptKind | undefined, req: ChatRequest) => ScriptStep): FakeChatModel {
    return new FakeChatModel(agent, (req, _n, kind) => reply(kind, req), { inputTokens: 100, outputTokens: 'words', honourMaxTokens: false });
  }

  /** Every request, in order. */
  get requests(): ChatRequest[] {
    return this.calls.map((c) => c.req);
  }

  /** The content of every tool message in the last request, in order. */
  toolResultsSeen(): string[] {
    const last = this.calls[this.calls.length - 1]?.req;
    return (last?.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content));
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const n = this.calls.length;
    const kind = detectPromptKindOf(req.messages);
    this.calls.push({ n, kind, req: { ...req, messages: JSON.parse(JSON.stringify(req.messages)) } });
    const step = await this.stepFor(req, n, kind);
    const delay = step.delayMs ?? this.delayMs;
    if (delay) await this.wait(delay, req.signal);
    if (step.error) throw step.error;
    const text = step.text ?? '';
    const inputTokens = step.inputTokens ?? this.usage.inputTokens ?? Math.ceil(Buffer.byteLength(JSON.stringify(req.messages), 'utf8') / 4);
    let outputTokens = step.outputTokens ?? this.defaultOutputTokens(req, text);
    if (this.honourMaxTokens && req.maxTokens !== undefined) outputTokens = Math.min(outputTokens, req.maxTokens);
    const usd = step.usd ?? (inputTokens * this.agent.price.inputPerMTok + outputTokens * this.agent.price.outputPerMTok) / 1e6;
    this.usages.push({ inputTokens, outputTokens, usd });
    return {
      text, toolCalls: step.toolCalls ?? [], logprobs: step.logprobs, inputTokens, outputTokens, usd,
      finishReason: step.finishReason === undefined ? 'stop' : step.finishReason, latencyMs: 0,
      ...(step.cachedInputTokens !== undefined ? { cachedInputTokens: step.cachedInputTokens } : {}),
      ...(step.thoughts !== undefined ? { thoughts: step.thoughts } : {}),
      ...(step.reasoningTokens !== undefined ? { reasoningTokens: step.reasoningTokens } : {}),
    };
  }

  private async stepFor(req: ChatRequest, n: number, kind: PromptKind | undefined): Promise<ScriptStep> {
    if (typeof this.script === 'function') return this.script(req, n, kind);
    const s = this.script[Math.min(n, this.script.length - 1)];
    if (s === undefined) throw new Error('script exhausted');
    return typeof s === 'function' ? s(req, n, kind) : s;
  }

  private defaultOutputTokens(req: ChatRequest, text: string): number {
    if (this.spendAll) return req.maxTokens ?? 1000;
    if (this.usage.outputTokens === 'words') return Math.max(1, text.split(/\s+/).filter(Boolean).length);
    return this.usage.outputTokens ?? 20;
  }

  private wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      if (!this.ignoreAbort) signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      });
    });
  }
}

/** A tool call as a model returns it; `args` is JSON-encoded unless already a string (to send malformed JSON). */
export function call(name: string, args: unknown, id?: string): ToolCall {
  return { id: id ?? `c_${Math.random().toString(36).slice(2, 9)}`, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}

/** Logprobs where every token has the given top-k probabilities (so entropy is known exactly). */
export function logprobsWith(n: number, probs: number[]): TokenLogprob[] {
  return Array.from({ length: n }, () => ({ token: 't', logprob: Math.log(probs[0]), top: probs.map((p, i) => ({ token: `t${i}`, logprob: Math.log(p) })) }));
}

/** A well-formed plan with every section; `tag` tells plans apart (jury scripts read it back). */
export const PLAN = (tag: string) => `## Approach\nFix it (${tag}).\n## Files\n- src/a.js\n## Commands\n- npm test\n## Steps\n1. edit a\n2. run tests\n## Risks\nnone\n## Verification\ntests pass`;

/** Every user message's text (the shared-prefix layout puts the plans in the last one, the paper's in the first). */
export function userText(req: ChatRequest): string {
  return req.messages.filter((m) => m.role === 'user').map((m) => String(m.content)).join('\n\n');
}

/** Jury answer (one judge, every plan) giving each plan the score found by `scoreOf(planText)`. */
export function batchJury(req: ChatRequest, scoreOf: (plan: string) => number | string): string {
  const user = userText(req);
  const scores = [...user.matchAll(/<plan id="(\d+)">\n([\s\S]*?)\n<\/plan>/g)].map((m) => ({ plan: Number(m[1]), score: scoreOf(m[2]) }));
  return JSON.stringify({ scores });
}

/** Jury answer for one plan (per-pair mode). */
export function pairJury(req: ChatRequest, scoreOf: (plan: string) => number | string): string {
  const user = userText(req);
  const m = /<plan id="\d+">\n([\s\S]*?)\n<\/plan>/.exec(user)!;
  return JSON.stringify({ score: scoreOf(m[1]) });
}

/** The fix of NODE_REPO's add() (helpers/tempRepo.ts) as an edit, then the tests, then finish. */
export const FIX_ADD_STEPS: readonly ToolCall[] = [
  call('edit_file', { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' }),
  call('run_tests', {}),
  call('finish', { summary: 'fixed' }),
];
const GIVE_UP_STEPS: readonly ToolCall[] = [call('run_tests', {}), call('finish', { summary: 'could not fix it' })];

/**
 * A model on NODE_REPO: bids `PLAN(id)` (refined bids too), judges every plan with `scoreOf` (the plan's tag: the id
 * of the agent that wrote it), and in execution fixes add() when `fixes`, else runs the tests and gives up.
 */
export function addSolver(agent: ModelAgent, o: { fixes: boolean; scoreOf: (tag: string) => number }): FakeChatModel {
  const billed = { inputTokens: 50, outputTokens: 50 };
  return new FakeChatModel(agent, (req, _n, kind) => {
    if (kind === 'bid' || kind === 'refine') return { ...billed, text: PLAN(agent.id) };
    if (kind === 'juryBatch') return { ...billed, text: batchJury(req, (plan) => o.scoreOf(/Fix it \(([^)]+)\)/.exec(plan)?.[1] ?? '')) };
    const turn = req.messages.filter((m) => m.role === 'assistant').length;
    const steps = o.fixes ? FIX_ADD_STEPS : GIVE_UP_STEPS;
    return { ...billed, toolCalls: [steps[Math.min(turn, steps.length - 1)]], finishReason: 'tool_calls' };
  });
}
