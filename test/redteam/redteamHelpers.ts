/** Shared parts of the red-team suite: agents pointed at the hostile server, a plausible plan, jury answers, the CLI. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type AgentConfig } from '../../src/llm/poolConfig';
import { OpenAIChatModel } from '../../src/llm/chatModel';
import type { RecordedRequest, ScriptedStep } from './hostileServer';
import { agent as poolAgent } from '../unit/helpers/builders';

export const root = join(__dirname, '..', '..');

export const PLAN = [
  '## Approach', 'Fix the off-by-one in truncate.', '## Files', '- src/str.js', '## Commands', '- npm test',
  '## Steps', '1. Change the slice bound.', '## Risks', 'None.', '## Verification', 'Tests pass.',
].join('\n');

export const GOOD_USAGE = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 };

/** An agent (builders' `agent`) pointed at the hostile server, with no retries and no logprobs. */
export function agent(id: string, baseUrl: string, extra: Partial<AgentConfig> = {}): AgentConfig {
  return poolAgent(id, [1, 2], { baseUrl, logprobs: false, maxRetries: 0, timeoutMs: 10_000, ...extra });
}

export function model(id: string, baseUrl: string, extra: Partial<AgentConfig> = {}): OpenAIChatModel {
  return new OpenAIChatModel(agent(id, baseUrl, extra));
}

export const isJury = (r: RecordedRequest) => !!r.json?.response_format;

/** A jury answer scoring plans 1..n (per-judge form). */
export function juryAnswer(n = 8, score = 4): ScriptedStep {
  return { content: JSON.stringify({ scores: Array.from({ length: n }, (_, i) => ({ plan: i + 1, score })) }), usage: GOOD_USAGE };
}

/** Script by agent (the request's model name): bids use `bid(agentId)`, jury calls get a plain jury answer. */
export function byAgent(bid: (agentId: string, rec: RecordedRequest) => ScriptedStep) {
  return (_n: number, rec: RecordedRequest): ScriptedStep => (isJury(rec) ? juryAnswer() : bid(String(rec.json?.model), rec));
}

/** Resolves with `p`, or rejects once `ms` passed: a hang is a failure, not a stuck suite. */
export function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  const timer = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([p, timer]).finally(() => clearTimeout(t));
}

/** The real CLI in a child process (tsx), like test/unit/cli.test.ts. */
export function sale(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: timeoutMs, maxBuffer: 50e6 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}
