import { parseArgs } from 'node:util';
import { SaleError } from '../core/errors';
import { loadPoolFile } from '../llm/poolConfig';
import { startSimServer } from '../sim/server';
import { defaultPoolPath, defaultSuiteDir } from './resources';

export async function runSimServerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { pool: { type: 'string' }, suite: { type: 'string' }, port: { type: 'string' } } });
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SaleError(`--port must be 0–65535, got "${values.port}"`);
  const pool = loadPoolFile(values.pool ?? defaultPoolPath());
  const server = await startSimServer({ pool, suiteDir: values.suite ?? defaultSuiteDir(), port });
  process.stdout.write(`SIMULATED model pool (no real models) listening at ${server.url}\n` +
    `agents: ${pool.agents.map((a) => a.id).join(', ')}\nPress Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
