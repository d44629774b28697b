import { parseArgs } from 'node:util';
import { ChildProcessCommandRunner, allowListApprover } from '../core/execution/childProcessRunner';
import { SaleError } from '../core/errors';
import { AuctionMemory } from '../core/memory/auctionMemory';
import { JsonlMemoryStore } from '../core/memory/jsonlMemoryStore';
import { CancelSource } from '../core/ports/cancel';
import { planWarmup, runWarmup } from '../suite/warmup';
import { parseSeed, requireRepo } from './auctionCommand';
import { bold, dim, yellow } from './bidTable';
import { defaultMemoryPath } from './memoryPath';
import { openPool } from './poolRuntime';
import { defaultSolveSettings } from './solveDefaults';

export const WARMUP_USAGE = `sale warmup --repo DIR [--last N] [--budget-usd X] [--execute] [--pool FILE] [--memory FILE] [--seed N]
  Fills the repository's memory before its first real task: its recent commits that changed source and tests
  together (of the last N, default 20) go through the auction — and with --execute through the edit–test loop
  too, on the parent commit plus the new tests, in a temporary copy. Prints the estimated cost first, starts a
  task only when its worst case fits in the budget (default $1 for this run), stops cleanly on Ctrl-C, and
  resumes where it stopped (progress next to the memory file).`;

export async function runWarmupCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: 'string' }, last: { type: 'string' }, 'budget-usd': { type: 'string' }, execute: { type: 'boolean' },
      pool: { type: 'string' }, memory: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${WARMUP_USAGE}\n`);
    return 0;
  }
  const repo = requireRepo(values.repo);
  const last = values.last === undefined ? 20 : Number(values.last);
  if (!Number.isInteger(last) || last < 1) throw new SaleError(`--last must be a positive integer, got "${values.last}"`, 'usage');
  const budget = values['budget-usd'] === undefined ? 1 : Number(values['budget-usd']);
  if (!Number.isFinite(budget) || budget < 0) throw new SaleError(`--budget-usd must be a non-negative number, got "${values['budget-usd']}"`, 'usage');
  const seed = parseSeed(values.seed);
  const memoryPath = values.memory ?? defaultMemoryPath(repo);
  const progressFile = `${memoryPath}.warmup.json`;
  const runtime = await openPool({ poolPath: values.pool, seed });
  const cancel = new CancelSource();
  const onSigint = () => cancel.cancel();
  process.on('SIGINT', onSigint);
  try {
    const memory = await AuctionMemory.open(new JsonlMemoryStore(memoryPath));
    const settings = defaultSolveSettings({ seed });
    const plan = await planWarmup({ repo, last, models: runtime.models, settings, execute: !!values.execute, progressFile });
    const fits = plan.perTaskUsd > 0 ? Math.min(plan.candidates.length, Math.floor((budget + 1e-12) / plan.perTaskUsd)) : plan.candidates.length;
    process.stdout.write(`${bold('Warm-up')} of ${repo}${runtime.simulated ? yellow('  [SIMULATED models]') : ''}\n` +
      `  ${plan.candidates.length} qualifying commit(s) to replay of the last ${last}` +
      `${plan.alreadyDone ? `, ${plan.alreadyDone} already done` : ''}, ${plan.skipped.length} not qualifying\n` +
      `  estimated cost: at most $${plan.estimateUsd.toFixed(4)} ($${plan.perTaskUsd.toFixed(4)} a task, ${values.execute ? 'auction + execution' : 'auction only'})\n` +
      `  budget $${budget.toFixed(4)}: ${fits} of ${plan.candidates.length} task(s) fit` +
      `${fits === 0 && plan.candidates.length ? ` (one task needs --budget-usd ${plan.perTaskUsd.toFixed(4)} or more)` : fits < plan.candidates.length ? '; run again to continue' : ''}\n` +
      dim('  (the estimate is a worst case: every call at its token cap; real auctions cost less)\n'));
    const res = await runWarmup({
      repo, last, models: runtime.models, memory, settings, execute: !!values.execute, progressFile,
      runner: new ChildProcessCommandRunner(), approver: allowListApprover([]), signal: cancel, simulated: runtime.simulated,
      onProgress: (e) => process.stdout.write(`  ${e.index}/${e.of} ${e.sha.slice(0, 8)} ${e.title}: $${e.usd.toFixed(5)}` +
        `${e.passed === undefined ? '' : e.passed ? ' passed' : ' failed'}${e.skipped ? dim(` (not executed: ${e.skipped})`) : ''}\n`),
    }, plan, budget);
    const why = res.stoppedBy === 'budget' ? ' — stopped: the next task could overrun the budget' : res.stoppedBy === 'cancelled' ? ' — cancelled; run again to resume' : '';
    process.stdout.write(`\n${res.done} task(s) replayed for $${res.spentUsd.toFixed(5)}${why}. Memory: ${memoryPath} (${memory.size} records); progress: ${progressFile}\n`);
    return res.stoppedBy === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await runtime.close();
  }
}
