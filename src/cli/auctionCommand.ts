import { capJsonReport } from './jsonReport';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAuction } from '../core/auction/auction';
import { AuctionMemory } from '../core/memory/auctionMemory';
import { auctionSettings } from '../core/auction/auctionSettings';
import { SaleError } from '../core/errors';
import { formatUsd } from '../core/formatUsd';
import type { SaleEvent } from '../core/events';
import { JsonlMemoryStore } from '../core/memory/jsonlMemoryStore';
import { buildRepoContext } from '../core/workspace/repoContext';
import { bold, dim, formatBidTable, formatUsage, yellow } from './bidTable';
import { defaultMemoryPath } from './memoryPath';
import { openPool } from './poolRuntime';
import { loadTaskFile } from './taskFile';

export const commonOptions = {
  'task-file': { type: 'string' },
  repo: { type: 'string' },
  pool: { type: 'string' },
  memory: { type: 'string' },
  jury: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export function parseSeed(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new SaleError(`--seed must be an integer, got "${s}"`);
  return n;
}

export function parseJury(s: string | undefined): 'per-judge' | 'per-pair' | undefined {
  if (s === undefined) return undefined;
  if (s !== 'per-judge' && s !== 'per-pair') throw new SaleError(`--jury must be per-judge or per-pair, got "${s}"`);
  return s;
}

export function requireRepo(dir: string | undefined): string {
  if (!dir) throw new SaleError('--repo DIR is required');
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new SaleError(`--repo ${dir}: no such folder`);
  // Not fatal (SALE works on a plain folder through its file journal), but say what is lost without git.
  if (!isInsideGit(abs)) process.stderr.write(`Note: --repo ${dir} is not a git repository: changes are restored from SALE's own journal, and --branch is not available.\n`);
  return abs;
}

/** True when `dir` is inside a git work tree (a .git entry here or in a parent folder). */
export function isInsideGit(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Live progress lines for a terminal (stderr, so --json output stays clean). */
export function progressPrinter(quiet: boolean): (e: SaleEvent) => void {
  return (e) => {
    if (quiet) return;
    const w = (s: string) => process.stderr.write(dim(s) + '\n');
    switch (e.type) {
      case 'auction-start': return w(`auction: ${e.agents.length} agents bidding${e.simulated ? ' (SIMULATED models)' : ''}…`);
      case 'bid': return w(`  bid ${e.bid.refined ? '(refined) ' : ''}from ${e.bid.agent}: ${e.bid.error ? `failed — ${e.bid.error}` : `${e.bid.tokens} tokens`}${e.bid.thinkingTokens ? ` (+${e.bid.thinkingTokens} thinking, billed)` : ''}`);
      case 'model-loading': return w(`  ${e.agent}: loading model… (no first token after ${Math.round(e.waitedMs / 1000)} s)`);
      case 'refine-start': return w(`  refining from memory: ${e.agents.join(', ')}`);
      case 'exec-start': return w(`execute: ${e.agent}${e.escalation ? ` (escalation ${e.escalation})` : ''}`);
      case 'exec-turn': return w(`  turn ${e.turn}: ${e.tool ?? 'reply'}${e.detail ? ` ${clip(e.detail.replace(/\s+/g, ' '), 70)}` : ''}`);
      case 'exec-test': return w(`  tests ${e.passed ? 'PASSED' : 'failed'} (exit ${e.exitCode ?? 'none'}, ${e.runner})`);
      case 'exec-done': return w(`  ${e.agent} done: ${e.reason}, ${e.turns} turns, ${e.tokens} tokens, ${formatUsd(e.usd, 'micro')}`);
      case 'log': return w(`${e.level}: ${e.message}`);
      default: return;
    }
  };
}

export async function runAuctionCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: commonOptions });
  const repoDir = requireRepo(values.repo);
  if (!values['task-file']) throw new SaleError('--task-file F is required');
  const task = loadTaskFile(values['task-file'], basename(repoDir));
  const seed = parseSeed(values.seed);
  const runtime = await openPool({ poolPath: values.pool, seed });
  try {
    const memoryPath = values.memory ?? defaultMemoryPath(repoDir);
    const memory = await AuctionMemory.open(new JsonlMemoryStore(memoryPath));
    for (const w of memory.warnings()) process.stderr.write(yellow(`warning: ${w}`) + '\n');
    const repoContext = await buildRepoContext(repoDir, task);
    const record = await runAuction({
      task, repoContext, models: runtime.models, memory, simulated: runtime.simulated,
      settings: auctionSettings({ seed, ...(parseJury(values.jury) ? { juryMode: parseJury(values.jury) } : {}) }),
      onEvent: progressPrinter(!!values.json),
    });
    await memory.recordAuction(task, record);
    if (values.json) {
      process.stdout.write(capJsonReport({ simulated: runtime.simulated, memory: memoryPath, record }) + '\n');
      return 0;
    }
    process.stdout.write(`\n${bold(`Auction for "${task.title}"`)}${runtime.simulated ? yellow('  [SIMULATED models]') : ''}\n`);
    process.stdout.write(formatBidTable(record) + '\n\n');
    for (const line of record.explanation) process.stdout.write(`  ${line}\n`);
    process.stdout.write(dim(`\n  ${formatUsage(record)}\n  memory: ${memoryPath} (${memory.size} records)\n`));
    return 0;
  } finally {
    await runtime.close();
  }
}
