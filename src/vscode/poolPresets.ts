/**
 * Pool presets offered in settings. Prices are list prices in $ per million tokens at the time of writing and
 * only steer the auction's cost term; edit them with preset "custom" if yours differ. Local Ollama models cost
 * nothing per token, so their "prices" are proxies proportional to parameter count — otherwise the auction would
 * have no reason to prefer the small model. Pure.
 */
import type { AgentConfig, PoolConfig } from '../llm/poolConfig';

export const POOL_PRESETS = ['simulated', 'openai', 'ollama-qwen3', 'openrouter', 'custom'] as const;
export type PoolPreset = (typeof POOL_PRESETS)[number];

export const PRESET_LABELS: Record<PoolPreset, string> = {
  simulated: 'simulated models',
  openai: 'OpenAI',
  'ollama-qwen3': 'Ollama (local Qwen3 4B/8B/14B/32B)',
  openrouter: 'OpenRouter (Qwen3)',
  custom: 'custom pool',
};

function agent(id: string, model: string, baseUrl: string, apiKeyEnv: string | undefined, inputPerMTok: number, outputPerMTok: number, logprobs: boolean): AgentConfig {
  return { id, provider: 'openai', model, baseUrl, ...(apiKeyEnv ? { apiKeyEnv } : {}), price: { inputPerMTok, outputPerMTok }, logprobs };
}

export function presetPool(preset: Exclude<PoolPreset, 'simulated' | 'custom'>, baseUrlOverride?: string): PoolConfig {
  switch (preset) {
    case 'openai': {
      const u = baseUrlOverride || 'https://api.openai.com/v1';
      return {
        description: 'OpenAI preset (GPT-4.1 family: these models return logprobs).',
        agents: [
          agent('gpt-4.1-nano', 'gpt-4.1-nano', u, 'OPENAI_API_KEY', 0.1, 0.4, true),
          agent('gpt-4.1-mini', 'gpt-4.1-mini', u, 'OPENAI_API_KEY', 0.4, 1.6, true),
          agent('gpt-4.1', 'gpt-4.1', u, 'OPENAI_API_KEY', 2.0, 8.0, true),
        ],
      };
    }
    case 'ollama-qwen3': {
      const u = baseUrlOverride || 'http://127.0.0.1:11434/v1';
      // Proxy prices: $0.01 in / $0.03 out per MTok per billion parameters.
      return {
        description: 'Local Ollama with Qwen3 4B/8B/14B/32B (the paper\'s pool). Prices are compute proxies.',
        agents: [4, 8, 14, 32].map((b) => ({ ...agent(`qwen3-${b}b`, `qwen3:${b}b`, u, undefined, 0.01 * b, 0.03 * b, true), timeoutMs: 300_000 })),
      };
    }
    case 'openrouter': {
      const u = baseUrlOverride || 'https://openrouter.ai/api/v1';
      return {
        description: 'OpenRouter preset with the Qwen3 family.',
        agents: [
          agent('qwen3-8b', 'qwen/qwen3-8b', u, 'OPENROUTER_API_KEY', 0.035, 0.138, true),
          agent('qwen3-14b', 'qwen/qwen3-14b', u, 'OPENROUTER_API_KEY', 0.06, 0.24, true),
          agent('qwen3-32b', 'qwen/qwen3-32b', u, 'OPENROUTER_API_KEY', 0.1, 0.3, true),
          agent('qwen3-235b', 'qwen/qwen3-235b-a22b', u, 'OPENROUTER_API_KEY', 0.13, 0.6, true),
        ],
      };
    }
  }
}

/** Environment-variable names (= secret names) the pool's agents need keys for. */
export function requiredKeyNames(pool: PoolConfig): string[] {
  return [...new Set(pool.agents.filter((a) => a.provider === 'openai' && a.apiKeyEnv).map((a) => a.apiKeyEnv!))].sort();
}

/** SecretStorage key for an API key name. Keys live only there: never in settings, logs or memory. */
export function secretKeyFor(keyName: string): string {
  return `sale.apiKey.${keyName}`;
}
