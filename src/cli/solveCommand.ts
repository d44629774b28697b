import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AuctionMemory } from '../core/memory/auctionMemory';
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { allowListApprover, ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { SaleError } from '../core/errors';
import { JsonlMemoryStore } from '../core/memory/jsonlMemoryStore';
import { CancelSource } from '../core/ports/cancel';
import { type ReviewDecision, solveTask } from '../core/solve';
import { commonOptions, parseJury, parseSeed, progressPrinter, requireRepo } from './auctionCommand';
import { formatBidTable, yellow } from './bidTable';
import { defaultMemoryPath } from './memoryPath';
import { openPool } from './poolRuntime';
import { defaultSolveSettings } from './solveDefaults';
import { formatSolveReport } from './solveReport';
import { loadTaskFile } from './taskFile';

/** Picks the bid to run: --agent, or the winner with --yes, or asks at the terminal. */
export function cliReview(opts: { yes: boolean; agent?: string; interactive: boolean }) {
  return async (rec: AuctionRecord): Promise<ReviewDecision> => {
    const pick = (agent: string) => {
      const idx = rec.bids.map((b, i) => ({ b, i })).filter(({ b }) => b.agent === agent && !b.error).sort((x, y) => x.b.score - y.b.score)[0]?.i;
      if (idx === undefined) throw new SaleError(`--agent ${agent}: no valid bid from that agent (bidders: ${[...new Set(rec.bids.map((b) => b.agent))].join(', ')})`);
      return { action: 'run' as const, bidIndex: idx };
    };
    if (opts.agent) return pick(opts.agent);
    if (opts.yes) return { action: 'run', bidIndex: rec.winnerBidIndex! };
    if (!opts.interactive) throw new SaleError('Review needs a terminal: pass --yes to run the winner, or --agent ID to pick one.');
    process.stdout.write(`\n${formatBidTable(rec)}\n\n${rec.explanation.map((l) => `  ${l}`).join('\n')}\n\n`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = (await rl.question(`Run ${rec.winner}? [Enter = yes, an agent id to override, n = cancel] `)).trim();
      if (!answer || /^y(es)?$/i.test(answer)) return { action: 'run', bidIndex: rec.winnerBidIndex! };
      if (/^n(o)?$/i.test(answer)) return { action: 'cancel' };
      return pick(answer);
    } finally {
      rl.close();
    }
  };
}

export async function runSolveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...commonOptions,
      'budget-usd': { type: 'string' },
      yes: { type: 'boolean' },
      agent: { type: 'string' },
      allow: { type: 'string', multiple: true },
      'no-escalation': { type: 'boolean' },
      'keep-failed': { type: 'boolean' },
      branch: { type: 'boolean' },
    },
  });
  const repoDir = requireRepo(values.repo);
  if (!values['task-file']) throw new SaleError('--task-file F is required');
  const task = loadTaskFile(values['task-file'], basename(repoDir));
  const seed = parseSeed(values.seed);
  const maxUsd = values['budget-usd'] === undefined ? undefined : Number(values['budget-usd']);
  if (maxUsd !== undefined && !(maxUsd > 0)) throw new SaleError(`--budget-usd must be a positive number, got "${values['budget-usd']}"`);
  const runtime = await openPool({ poolPath: values.pool, seed });
  const cancel = new CancelSource();
  const onSigint = () => {
    process.stderr.write('\nCancelling… (the workspace will be restored)\n');
    cancel.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const memoryPath = values.memory ?? defaultMemoryPath(repoDir);
    const memory = await AuctionMemory.open(new JsonlMemoryStore(memoryPath));
    for (const w of memory.warnings()) process.stderr.write(yellow(`warning: ${w}`) + '\n');
    const result = await solveTask({
      task,
      root: repoDir,
      models: runtime.models,
      memory,
      settings: defaultSolveSettings({ seed, juryMode: parseJury(values.jury), maxUsd, escalation: !values['no-escalation'] }),
      runner: new ChildProcessCommandRunner(),
      approver: allowListApprover(values.allow ?? []),
      review: cliReview({ yes: !!values.yes, agent: values.agent, interactive: !!process.stdin.isTTY && !values.json }),
      signal: cancel,
      onEvent: progressPrinter(!!values.json),
      simulated: runtime.simulated,
    });
    let accepted: Awaited<ReturnType<typeof result.accept>> | undefined;
    let reverted = false;
    if (result.execution && result.execution.final.reason !== 'cancelled') {
      if (result.passed) accepted = await result.accept({ commitToBranch: !!values.branch });
      else if (!values['keep-failed']) reverted = !!(await result.revert());
    }
    if (values.json) {
      const { accept: _a, revert: _r, execution, ...rest } = result;
      process.stdout.write(JSON.stringify({ simulated: runtime.simulated, memory: memoryPath, ...rest, execution: execution && { ...execution, journal: undefined }, accepted, reverted }, null, 2) + '\n');
    } else {
      process.stdout.write('\n' + formatSolveReport(result, { simulated: runtime.simulated }) + '\n');
      if (accepted) process.stdout.write(`\n  Committed ${accepted.committed.length} file(s) on branch ${accepted.branch} (${accepted.commit.slice(0, 8)}).\n`);
      if (reverted) process.stdout.write('\n  Tests did not pass: every file the agent touched was restored (use --keep-failed to keep the attempt).\n');
    }
    return result.execution?.final.reason === 'cancelled' ? 130 : result.passed ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await runtime.close();
  }
}
