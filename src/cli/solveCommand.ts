import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AuctionMemory } from '../core/memory/auctionMemory';
import type { AuctionRecord } from '../core/auction/auctionRecord';
import { allowListApprover, ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { budgetUsdLimit } from '../core/engineDefaults';
import { SaleError } from '../core/errors';
import { FileJournal } from '../core/workspace/fileJournal';
import { sandboxNotice } from '../core/execution/commandSandbox';
import { inspectUnfinishedJournals, recoveryHasWork } from '../core/workspace/journalRecovery';
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
import { capJsonReport } from './jsonReport';

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

function writeJsonReport(report: Record<string, unknown>): void {
  process.stdout.write(capJsonReport(report) + '\n');
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
      auction: { type: 'boolean' },
      'keep-failed': { type: 'boolean' },
      branch: { type: 'boolean' },
      'allow-network': { type: 'boolean' },
    },
  });
  const repoDir = requireRepo(values.repo);
  if (!values['task-file']) throw new SaleError('--task-file F is required');
  const task = loadTaskFile(values['task-file'], basename(repoDir));
  const seed = parseSeed(values.seed);
  const given = values['budget-usd'] === undefined ? undefined : Number(values['budget-usd']);
  // 0 = no limit, as in the extension's sale.budgetUsd.
  if (given !== undefined && !(given >= 0 && values['budget-usd']!.trim() !== '')) throw new SaleError(`--budget-usd must be a number of dollars (0 = no limit), got "${values['budget-usd']}"`);
  const maxUsd = given === undefined ? undefined : budgetUsdLimit(given);
  // Never start over an unfinished run: its journal holds the user's bytes (sale recover puts them back).
  const unfinished = await inspectUnfinishedJournals(repoDir);
  if (recoveryHasWork(unfinished)) {
    throw new SaleError(`An unfinished SALE run left changes in ${repoDir} (${unfinished.restored.length + unfinished.removed.length} file(s)). ` +
      `Run "sale recover --repo ${repoDir}" first (add --dry-run to see what it restores).`);
  }
  const runtime = await openPool({ poolPath: values.pool, seed });
  const cancel = new CancelSource();
  // SIGTERM and SIGHUP (terminal closed) cancel like Ctrl-C: the run stops and the workspace is restored.
  // A kill -9 cannot be caught; the write-ahead journal and `sale recover` cover it.
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\n${sig === 'SIGINT' ? 'Cancelling' : `${sig}: cancelling`}… (the workspace will be restored)\n`);
    cancel.cancel();
  };
  const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  let journal: FileJournal | undefined;
  const runner = new ChildProcessCommandRunner({ allowNetwork: !!values['allow-network'], dropEnv: runtime.models.map((m) => (m.agent as { apiKeyEnv?: string }).apiKeyEnv ?? '').filter(Boolean) /* the pool's key names (AgentConfig) */ });
  // Said once, plainly: whether the commands the agent causes run in a sandbox.
  process.stderr.write(`${runner.sandbox.kind === 'bwrap' ? '' : yellow('warning: ')}${sandboxNotice(runner.sandbox)}\n`);
  try {
    const memoryPath = values.memory ?? defaultMemoryPath(repoDir);
    const memory = await AuctionMemory.open(new JsonlMemoryStore(memoryPath));
    for (const w of memory.warnings()) process.stderr.write(yellow(`warning: ${w}`) + '\n');
    const warnings: string[] = [];
    const printProgress = progressPrinter(!!values.json);
    const solving = solveTask({
      task,
      root: repoDir,
      models: runtime.models,
      memory,
      settings: defaultSolveSettings({ seed, juryMode: parseJury(values.jury), maxUsd, escalation: !values['no-escalation'] }),
      ...(values.auction ? { forceAuction: true } : {}),
      runner,
      approver: allowListApprover(values.allow ?? []),
      review: cliReview({ yes: !!values.yes, agent: values.agent, interactive: !!process.stdin.isTTY && !values.json }),
      signal: cancel,
      onEvent: (e) => {
        if (e.type === 'log' && e.level !== 'info') warnings.push(e.message);
        printProgress(e);
      },
      simulated: runtime.simulated,
      journal: (journal = await FileJournal.open(repoDir)),
    });
    let result: Awaited<typeof solving>;
    try {
      result = await solving;
    } catch (e) {
      // --json callers get a machine-readable reason even when the run stopped before any execution.
      if (values.json && e instanceof SaleError) {
        writeJsonReport({ simulated: runtime.simulated, memory: memoryPath, notExecuted: { reason: e.code, message: e.message }, warnings });
      }
      throw e;
    }
    if (journal.warning) process.stderr.write(yellow(`warning: ${journal.warning}`) + '\n');
    let accepted: Awaited<ReturnType<typeof result.accept>> | undefined;
    let reverted = false;
    if (result.execution && result.execution.final.reason !== 'cancelled') {
      if (result.passed) accepted = await result.accept({ commitToBranch: !!values.branch });
      else if (!values['keep-failed']) reverted = !!(await result.revert());
    }
    // Kept (--keep-failed), accepted, reverted or cancelled-and-restored: the user's decision is final.
    if (!result.execution?.final.revert?.errors.length) await journal.close();
    if (values.json) {
      const { accept: _a, revert: _r, execution, ...rest } = result;
      writeJsonReport({ simulated: runtime.simulated, memory: memoryPath, ...rest, execution: execution && { ...execution, journal: undefined }, accepted, reverted, warnings });
    } else {
      process.stdout.write('\n' + formatSolveReport(result, { simulated: runtime.simulated }) + '\n');
      if (accepted) process.stdout.write(`\n  Committed ${accepted.committed.length} file(s) on branch ${accepted.branch} (${accepted.commit.slice(0, 8)}).\n`);
      if (reverted) process.stdout.write('\n  Tests did not pass: every file the agent touched was restored (use --keep-failed to keep the attempt).\n');
    }
    return result.execution?.final.reason === 'cancelled' ? 130 : result.passed ? 0 : 1;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    await runtime.close();
  }
}
