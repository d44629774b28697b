import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simpleGit } from 'simple-git';
import { AuctionMemory } from '../core/memory/auctionMemory';
import { allowListApprover, ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { SaleError } from '../core/errors';
import { formatUsd } from '../core/formatUsd';
import { JsonlMemoryStore } from '../core/memory/jsonlMemoryStore';
import { describeAgentStats, describeEscalations, routingStats } from '../core/memory/routingStats';
import { solveTask } from '../core/solve';
import { type SuiteEntry, copyDir, loadSuite, suiteRepoName } from '../core/suite';
import { type CodingTask, complexityBin } from '../core/task';
import { parseSeed, progressPrinter } from './auctionCommand';
import { bold, dim, green, red, yellow } from './bidTable';
import { openPool } from './poolRuntime';
import { defaultSuiteDir } from './resources';
import { defaultSolveSettings } from './solveDefaults';
import { formatSolveReport } from './solveReport';

/** The demo's task stream: one family, easiest first, so the later tasks find the earlier ones in memory. */
export const DEMO_FAMILY = 'dates';
export const DEMO_SEED = 7;

export function demoTasks(suite: SuiteEntry[], family: string): SuiteEntry[] {
  const inFamily = suite.filter((e) => e.task.family === family).sort((a, b) => a.task.minutes - b.task.minutes || a.task.id.localeCompare(b.task.id));
  if (inFamily.length < 2) throw new SaleError(`The demo needs two tasks of family "${family}" in the suite.`);
  return inFamily;
}

async function initRepo(dir: string): Promise<void> {
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.name', 'SALE demo', false, 'local');
  await git.addConfig('user.email', 'demo@sale.invalid', false, 'local');
  await git.add('.');
  await git.commit('starting point (tests failing)');
}

/**
 * `sale demo`: tasks from one family of the bundled suite, each in a fresh git copy, on the simulated pool.
 * Memory is carried from task to task; the demo goes on (at most 4 tasks) until a task's auction included a
 * refinement from memory, and reports the real test runs.
 */
export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string' }, pool: { type: 'string' }, keep: { type: 'boolean' }, family: { type: 'string' }, quiet: { type: 'boolean' } } });
  const seed = parseSeed(values.seed) ?? DEMO_SEED;
  const suite = loadSuite(defaultSuiteDir());
  const tasks = demoTasks(suite, values.family ?? DEMO_FAMILY);
  const work = mkdtempSync(join(tmpdir(), 'sale-demo-'));
  const runtime = await openPool({ poolPath: values.pool, seed });
  const out = (s = '') => process.stdout.write(s + '\n');
  try {
    out(bold('SALE demo — strategy auction over a pool of coding agents'));
    if (runtime.simulated) {
      out(yellow(`SIMULATED model pool (${runtime.pool.agents.map((a) => a.id).join(', ')}): an OpenAI-compatible server on ${runtime.simUrl},`));
      out(yellow('standing in for paid model APIs. Everything else is real: git, files, and the test runs that decide pass or fail.'));
    }
    out(dim(`pool: ${runtime.poolPath} · seed ${seed} · work folder ${work}`));
    const memory = await AuctionMemory.open(new JsonlMemoryStore(join(work, 'memory.jsonl')));
    let refinedAt = -1;
    let lastPassed = false;
    const summary: string[] = [];
    for (let i = 0; i < Math.min(4, tasks.length); i++) {
      const entry = tasks[i];
      const repo = join(work, `${i + 1}-${entry.task.id}`);
      copyDir(entry.repoDir, repo);
      await initRepo(repo);
      const task: CodingTask = {
        id: entry.task.id, title: entry.task.title, body: entry.task.body, source: 'suite', repo: `demo/${suiteRepoName(entry.repoDir)}`,
        testCommand: entry.task.testCommand,
      };
      out('');
      out(bold(`━━ Task ${i + 1}: ${task.title}`) + dim(`  (family ${entry.task.family}, complexity bin ${complexityBin(entry.task.minutes)}, memory: ${memory.size} past auction(s))`));
      out(dim(`   repository copy: ${repo}`));
      const r = await solveTask({
        task, root: repo, models: runtime.models, memory, settings: defaultSolveSettings({ seed }),
        runner: new ChildProcessCommandRunner(), approver: allowListApprover([]), simulated: runtime.simulated,
        onEvent: progressPrinter(!!values.quiet),
      });
      if (r.passed) await r.accept();
      else await r.revert();
      out(formatSolveReport(r, { simulated: runtime.simulated, diffLines: 40 }));
      const refined = r.auction.refinements.some((x) => !x.error);
      summary.push(`  task ${i + 1} ${entry.task.id}: winner ${r.auction.winner}${refined ? ' (after refinement)' : ''}, executed by ${r.execution?.final.agent ?? '—'}, ` +
        `${r.passed ? green('tests passed') : red('tests failed')}, ${formatUsd(r.totals.totalUsd, 'micro')}`);
      lastPassed = r.passed;
      if (refined && i > 0) {
        refinedAt = i;
        break;
      }
    }
    out('');
    out(bold('━━ Summary'));
    for (const s of summary) out(s);
    out(refinedAt > 0 ? `  Refinement from memory happened on task ${refinedAt + 1}: cheaper agents learned from the earlier auctions.` : yellow('  No refinement happened in this run (the cheapest agent kept winning outright).'));
    out(bold('  Routing learned for this repository:'));
    const routing = routingStats(memory.records());
    for (const s of routing.agents) out(`    ${s.agent.padEnd(16)} ${describeAgentStats(s)}`);
    out(`    ${describeEscalations(routing.escalations)}`);
    if (routing.usdPerSolved !== null) out(`    dollars per solved task: ${formatUsd(routing.usdPerSolved, 'micro')} (auction included)`);
    out(lastPassed ? green('  The last task\'s tests pass in its repository copy (a real test run).') : red('  The last task\'s tests did not pass.'));
    // The demo's job is to show the whole flow; an agent failing its tests is an outcome it reports, not a failure of
    // the command (errors — a dead pool, a broken task — still throw and exit non-zero).
    return 0;
  } finally {
    await runtime.close();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else out(dim(`kept ${work}`));
  }
}
