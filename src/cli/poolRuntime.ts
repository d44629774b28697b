import { type PoolConfig, loadPoolFile } from '../llm/poolConfig';
import { type RunningPool, startPoolModels } from '../sim/poolModelsWithSim';
import { defaultPoolPath, defaultSuiteDir } from './resources';

export interface PoolRuntime extends RunningPool {
  pool: PoolConfig;
  poolPath: string;
}

/** Loads a pool file and, when it has simulated agents, starts the simulator on loopback for them. */
export async function openPool(opts: { poolPath?: string; suiteDir?: string; seed?: number } = {}): Promise<PoolRuntime> {
  const poolPath = opts.poolPath ?? defaultPoolPath();
  const pool = loadPoolFile(poolPath);
  const running = await startPoolModels(pool, { suiteDir: opts.suiteDir ?? defaultSuiteDir(), seed: opts.seed });
  return { pool, poolPath, ...running };
}
