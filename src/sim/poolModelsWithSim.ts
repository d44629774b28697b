import type { ChatModel } from '../core/ports/chatModel';
import type { PoolConfig } from '../llm/poolConfig';
import { createPoolModels, poolIsSimulated } from '../llm/poolModels';
import { startSimServer } from './server';

export interface RunningPool {
  models: ChatModel[];
  simulated: boolean;
  /** Base URL of the simulator started for this pool, when it has simulated agents. */
  simUrl?: string;
  close(): Promise<void>;
}

/**
 * Clients for every agent of a pool; when the pool has simulated agents, a simulator of its own is started on
 * loopback for them (its plan memory must not be shared between runs that should be independent).
 */
export async function startPoolModels(pool: PoolConfig, opts: { suiteDir: string; seed?: number }): Promise<RunningPool> {
  if (!poolIsSimulated(pool)) return { models: createPoolModels(pool, { seed: opts.seed }), simulated: false, close: async () => undefined };
  const server = await startSimServer({ pool, suiteDir: opts.suiteDir, port: 0 });
  return { models: createPoolModels(pool, { simBaseUrl: server.url, seed: opts.seed }), simulated: true, simUrl: server.url, close: () => server.close() };
}
