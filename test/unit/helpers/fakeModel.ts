import type { ChatModel, ChatRequest, ChatResult, TokenLogprob } from '../../../src/core/ports/chatModel';
import type { AgentConfig } from '../../../src/llm/poolConfig';
import { detectPromptKind, type PromptKind } from '../../../src/core/auction/prompts';

export interface FakeReply {
  text?: string;
  tokens?: number;
  logprobs?: TokenLogprob[];
  error?: Error;
}

/** A scripted model: `reply` decides each answer from the prompt kind and the request. Records every call. */
export class FakeModel implements ChatModel {
  readonly calls: { kind: PromptKind | undefined; req: ChatRequest }[] = [];
  constructor(readonly agent: AgentConfig, private readonly reply: (kind: PromptKind | undefined, req: ChatRequest) => FakeReply) {}
  async chat(req: ChatRequest): Promise<ChatResult> {
    const sys = String(req.messages[0]?.content ?? '');
    const kind = detectPromptKind(sys);
    this.calls.push({ kind, req });
    const r = this.reply(kind, req);
    if (r.error) throw r.error;
    const text = r.text ?? '';
    const outputTokens = r.tokens ?? Math.max(1, text.split(/\s+/).filter(Boolean).length);
    return {
      text,
      toolCalls: [],
      logprobs: r.logprobs,
      inputTokens: 100,
      outputTokens,
      usd: (100 * this.agent.price.inputPerMTok + outputTokens * this.agent.price.outputPerMTok) / 1e6,
      finishReason: 'stop',
      latencyMs: 0,
    };
  }
}

export function agent(id: string, price: number, extra: Partial<AgentConfig> = {}): AgentConfig {
  return { id, provider: 'openai', model: id, baseUrl: 'http://127.0.0.1:9/v1', price: { inputPerMTok: price, outputPerMTok: price }, ...extra };
}

/** Logprobs where every token has the given top-k probabilities (so entropy is known exactly). */
export function logprobsWith(n: number, probs: number[]): TokenLogprob[] {
  return Array.from({ length: n }, () => ({ token: 't', logprob: Math.log(probs[0]), top: probs.map((p, i) => ({ token: `t${i}`, logprob: Math.log(p) })) }));
}

export const PLAN = (tag: string) => `## Approach\nFix it (${tag}).\n## Files\n- src/a.js\n## Commands\n- npm test\n## Steps\n1. edit a\n2. run tests\n## Risks\nnone\n## Verification\ntests pass`;

/** Jury answer giving each plan the score found by `scoreOf(planText)`. */
export function batchJury(req: ChatRequest, scoreOf: (plan: string) => number | string): string {
  const user = String(req.messages[1].content);
  const scores = [...user.matchAll(/<plan id="(\d+)">\n([\s\S]*?)\n<\/plan>/g)].map((m) => ({ plan: Number(m[1]), score: scoreOf(m[2]) }));
  return JSON.stringify({ scores });
}

export function pairJury(req: ChatRequest, scoreOf: (plan: string) => number | string): string {
  const user = String(req.messages[1].content);
  const m = /<plan id="\d+">\n([\s\S]*?)\n<\/plan>/.exec(user)!;
  return JSON.stringify({ score: scoreOf(m[1]) });
}
