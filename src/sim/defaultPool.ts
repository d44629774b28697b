import defaultPoolJson from '../../pools/sim-default.json';
import { type PoolConfig, parsePoolConfig } from '../llm/poolConfig';

/**
 * The embedded default pool (pools/sim-default.json, bundled by esbuild): four simulated agents, used when no
 * provider is configured. Always label it "simulated" where it is used.
 */
export function defaultSimPool(): PoolConfig {
  return parsePoolConfig(structuredClone(defaultPoolJson), 'embedded pool pools/sim-default.json');
}

/** The pool with every `sim` agent pointed at a running simulator (its `url`, ending in /v1). */
export function withSimBaseUrl(pool: PoolConfig, url: string): PoolConfig {
  return { ...pool, agents: pool.agents.map((a) => (a.provider === 'sim' ? { ...a, baseUrl: url } : a)) };
}
