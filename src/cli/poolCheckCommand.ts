import { parseArgs } from 'node:util';
import { SaleError } from '../core/errors';
import { checkPool, formatPoolCheck } from '../llm/poolCheck';
import { openPool } from './poolRuntime';

const USAGE = 'Usage: sale pool check [--pool FILE] [--json]';

/** `sale pool check`: what each agent of a pool can do, and what SALE will do without what it lacks. */
export async function runPoolCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') throw new SaleError(`${sub ? `unknown pool subcommand "${sub}". ` : ''}${USAGE}`);
  const { values } = parseArgs({ args: rest, options: { pool: { type: 'string' }, json: { type: 'boolean' }, seed: { type: 'string' } } });
  const runtime = await openPool({ poolPath: values.pool, seed: values.seed ? Number(values.seed) : 1 });
  try {
    process.stderr.write(`checking ${runtime.models.length} agents of ${runtime.poolPath}${runtime.simulated ? ' (SIMULATED)' : ''}…\n`);
    const checks = await checkPool(runtime.models);
    if (values.json) process.stdout.write(`${JSON.stringify({ pool: runtime.poolPath, simulated: runtime.simulated, agents: checks }, null, 2)}\n`);
    else process.stdout.write(`${formatPoolCheck(checks, { simulated: runtime.simulated })}\n`);
    return checks.some((c) => c.error) ? 1 : 0;
  } finally {
    await runtime.close();
  }
}
