import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SaleError } from '../core/errors';
import { formatZodIssues } from '../core/zodIssues';
import { ThinkingConfigSchema } from './thinking';

/**
 * Pool file (DESIGN §5). `sim` blocks are opaque here and validated by the simulator (src/sim/worldConfig.ts);
 * a top-level `sim` holds world-wide defaults that agents' own `sim` blocks override.
 */
export const PriceSchema = z.strictObject({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  /**
   * Price of input tokens the provider served from its prompt cache (`usage.prompt_tokens_details.cached_tokens`).
   * Absent: no discount, cached tokens cost `inputPerMTok` like the others.
   */
  cachedInputPerMTok: z.number().nonnegative().optional(),
}).refine((p) => p.cachedInputPerMTok === undefined || p.cachedInputPerMTok <= p.inputPerMTok, {
  message: 'cachedInputPerMTok is a discount: it cannot exceed inputPerMTok',
  path: ['cachedInputPerMTok'],
});
export type Price = z.infer<typeof PriceSchema>;

export const AgentConfigSchema = z.strictObject({
  id: z.string().min(1).regex(/^[A-Za-z0-9._:-]+$/, 'use letters, digits, . _ : -'),
  provider: z.enum(['openai', 'sim']),
  model: z.string().min(1),
  baseUrl: z.string().url().optional(),
  apiKeyEnv: z.string().optional(),
  price: PriceSchema,
  logprobs: z.boolean().optional(),
  /** Per-attempt deadline in milliseconds, from request to last byte (default 60 000). */
  timeoutMs: z.number().int().positive().optional(),
  /** Longest gap between two chunks of a streamed answer (default 30 000, never above timeoutMs). */
  idleTimeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Longest wait before a retry, whatever Retry-After asks (default 20 000). */
  maxRetryWaitMs: z.number().int().nonnegative().max(600_000).optional(),
  /** Whether the agent thinks while bidding / judging / executing, and the server's switch (src/llm/thinking.ts). */
  thinking: ThinkingConfigSchema.optional(),
  sim: z.record(z.string(), z.unknown()).optional(),
  /** The bench's reference agent (at most one per pool; default the most expensive). */
  reference: z.boolean().optional(),
});
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

export const PoolConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  agents: z.array(AgentConfigSchema).min(1),
  sim: z.record(z.string(), z.unknown()).optional(),
}).superRefine((pool, ctx) => {
  const seen = new Set<string>();
  pool.agents.forEach((a, i) => {
    if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${a.id}"` });
    seen.add(a.id);
  });
  if (pool.agents.filter((a) => a.reference).length > 1) ctx.addIssue({ code: 'custom', path: ['agents'], message: 'at most one agent may be marked "reference": true' });
});
export type PoolConfig = z.infer<typeof PoolConfigSchema>;

export function parsePoolConfig(value: unknown, where = 'pool'): PoolConfig {
  const r = PoolConfigSchema.safeParse(value);
  if (!r.success) throw new SaleError(`Invalid ${where}:\n${formatZodIssues(r.error)}`, 'pool-invalid');
  return r.data;
}

export function loadPoolFile(path: string): PoolConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SaleError(`Cannot read pool file ${path}: ${(e as Error).message}`, 'pool-unreadable');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SaleError(`Pool file ${path} is not valid JSON: ${(e as Error).message}`, 'pool-invalid');
  }
  return parsePoolConfig(json, `pool file ${path}`);
}
