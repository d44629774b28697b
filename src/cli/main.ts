import { CancelledError, SaleError, errorMessage } from '../core/errors';
import { runAuctionCommand } from './auctionCommand';
import { runDemo } from './demoCommand';
import { runSimServerCommand } from './simServerCommand';
import { runSolveCommand } from './solveCommand';
import { guardTerminalOutput } from './terminalGuard';

const USAGE = `sale — strategy auctions for coding agents (SALE)

Usage:
  sale demo [--seed N] [--pool FILE] [--keep]
      Two tasks from the bundled suite on the simulated pool: auction, execution, memory carried over.
  sale auction --task-file F --repo DIR [--pool FILE] [--memory FILE] [--jury per-judge|per-pair] [--seed N] [--json]
      Run one auction and print the bids (no execution).
  sale solve --task-file F --repo DIR [--pool FILE] [--memory FILE] [--budget-usd X] [--yes] [--agent ID]
             [--allow CMD]... [--allow-network] [--no-escalation] [--auction] [--keep-failed] [--branch]
             [--jury per-judge|per-pair] [--seed N] [--json]
      Preflight of the test command; routed from the repository's memory when it is clear (--auction holds the
      auction anyway), else an auction; then the edit–test loop in DIR (escalating by capability on failure), then a
      report with the diff. Commands run in a bubblewrap sandbox where available (no network unless --allow-network);
      --allow patterns match whole arguments (each * stays within one argument). SIGINT, SIGTERM and SIGHUP cancel
      and restore.
  sale recover [--repo DIR] [--dry-run] [--force] [--json]
      Put back what an unfinished run (killed, crashed) left in the repository, from the write-ahead journal.
  sale pool check [--pool FILE] [--json]
      Per agent: reachable and model present, tool calls (native or text fallback), logprobs (top-k), JSON mode,
      thinking, first-token latency, tokens/s, price; and what SALE will leave out without each. Run it first.
  sale sim-server --pool FILE --suite DIR [--port N]
      Serve the simulated pool (OpenAI-compatible) on 127.0.0.1.
  sale bench [--suite DIR] [--pool FILE] [--policies LIST] [--orders N] [--seed S] [--out DIR] [--quick]
             [--reference ID] [--routing FILE] [--weights FILE] [--sim-override JSON] [--tasks LIST] [--workers N] [--from-results FILE]
      Every suite task in N seeded orders under each policy (sale, sale-paper, sale-no-memory, largest (the reference
      agent), smallest, random, router, cascade, oracle, cascade-by-price, and sale's ablation rows); writes
      results.json, report.md and SVG charts. --help for more.
  sale calibrate (--results FILE | --memory FILE) [--out FILE] [--train-orders LIST] [--lambda X]
      Fits the scoring weights from recorded outcomes (min–max over complexity bins) and prints them.

  sale suite mine --repo DIR (--commits A..B | SHA…) --out SUITE_DIR [--family NAME] [--npm-cache DIR]
      Mines commits that changed code and tests together into suite tasks (checked fail-before/pass-after).
  sale warmup --repo DIR [--last N] [--budget-usd X] [--execute] [--pool FILE] [--memory FILE]
      Replays recent qualifying commits through the auction (and execution) to fill the repository's memory;
      estimate first, within the budget, resumable.

Without --pool the simulated default pool (pools/sim-default.json) is used; it is labelled "simulated" in all output.
`;

export type Subcommand = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Subcommand>> = {
  demo: async () => runDemo,
  auction: async () => runAuctionCommand,
  'sim-server': async () => runSimServerCommand,
  solve: async () => runSolveCommand,
  bench: async () => (await import('./benchCommand')).runBenchCommand,
  calibrate: async () => (await import('./calibrateCommand')).runCalibrateCommand,
  suite: async () => (await import('./suiteMineCommand')).runSuiteCommand,
  warmup: async () => (await import('./warmupCommand')).runWarmupCommand,
  recover: async () => (await import('./recoverCommand')).runRecoverCommand,
  pool: async () => (await import('./poolCheckCommand')).runPoolCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`sale: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const restoreOutput = guardTerminalOutput();
  try {
    return await (await load())(rest);
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write(`sale: ${e.message}\n`);
      return 130;
    }
    if (e instanceof SaleError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`sale ${name}: ${errorMessage(e)}\n`);
      return 2;
    }
    process.stderr.write(`sale ${name}: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  } finally {
    restoreOutput();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
