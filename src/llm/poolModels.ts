import { SaleError } from '../core/errors';
import type { ChatModel } from '../core/ports/chatModel';
import { OpenAIChatModel } from './chatModel';
import type { PoolConfig } from './poolConfig';

export interface PoolModelOptions {
  /** Base URL (ending in /v1) of the simulated pool server, needed when any agent has provider "sim". */
  simBaseUrl?: string;
  /** API keys by agent id (the extension reads them from SecretStorage); otherwise `apiKeyEnv` is used. */
  apiKeys?: Record<string, string | undefined>;
  seed?: number;
  /** How long without a first token before a call reports "loading model…" (tests shorten it). */
  slowStartNoticeMs?: number;
}

/** One OpenAI-SDK client per agent. Sim agents talk to the local simulator over HTTP like any endpoint. */
export function createPoolModels(pool: PoolConfig, opts: PoolModelOptions = {}): ChatModel[] {
  return pool.agents.map((agent) => {
    if (agent.provider === 'sim') {
      if (!opts.simBaseUrl && !agent.baseUrl) throw new SaleError(`Agent ${agent.id} is simulated but no simulator is running.`);
      return new OpenAIChatModel(agent, { baseUrl: agent.baseUrl ?? opts.simBaseUrl, apiKey: 'sim', defaultSeed: opts.seed, slowStartNoticeMs: opts.slowStartNoticeMs });
    }
    if (!agent.baseUrl) throw new SaleError(`Agent ${agent.id}: "baseUrl" is required for provider "openai" (e.g. https://api.openai.com/v1 or http://localhost:11434/v1).`);
    const key = opts.apiKeys?.[agent.id] ?? (agent.apiKeyEnv ? process.env[agent.apiKeyEnv] : undefined);
    return new OpenAIChatModel(agent, { apiKey: key ?? 'none', defaultSeed: opts.seed, slowStartNoticeMs: opts.slowStartNoticeMs });
  });
}

export function poolIsSimulated(pool: PoolConfig): boolean {
  return pool.agents.some((a) => a.provider === 'sim');
}
