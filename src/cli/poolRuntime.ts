import type { ChatModel } from '../llm/chatModel';
import { type PoolConfig, loadPoolFile } from '../llm/poolConfig';
import { createPoolModels, poolIsSimulated } from '../llm/poolModels';
import { startSimServer } from '../sim/server';
import { defaultPoolPath, defaultSuiteDir } from './resources';

export interface PoolRuntime {
  pool: PoolConfig;
  poolPath: string;
  models: ChatModel[];
  simulated: boolean;
  simUrl?: string;
  close(): Promise<void>;
}

/** Loads a pool file and, when it has simulated agents, starts the simulator on loopback for them. */
export async function openPool(opts: { poolPath?: string; suiteDir?: string; seed?: number } = {}): Promise<PoolRuntime> {
  const poolPath = opts.poolPath ?? defaultPoolPath();
  const pool = loadPoolFile(poolPath);
  const simulated = poolIsSimulated(pool);
  let close = async () => undefined as void;
  let simUrl: string | undefined;
  if (simulated) {
    const server = await startSimServer({ pool, suiteDir: opts.suiteDir ?? defaultSuiteDir(), port: 0 });
    simUrl = server.url;
    close = () => server.close();
  }
  const models = createPoolModels(pool, { simBaseUrl: simUrl, seed: opts.seed });
  return { pool, poolPath, models, simulated, simUrl, close };
}
