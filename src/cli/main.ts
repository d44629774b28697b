import { CancelledError, SaleError, errorMessage } from '../core/errors';
import { runAuctionCommand } from './auctionCommand';
import { runDemo } from './demoCommand';
import { runSimServerCommand } from './simServerCommand';
import { runSolveCommand } from './solveCommand';

const USAGE = `sale — strategy auctions for coding agents (SALE)

Usage:
  sale demo [--seed N] [--pool FILE] [--keep]
      Two tasks from the bundled suite on the simulated pool: auction, execution, memory carried over.
  sale auction --task-file F --repo DIR [--pool FILE] [--memory FILE] [--jury per-judge|per-pair] [--seed N] [--json]
      Run one auction and print the bids (no execution).
  sale solve --task-file F --repo DIR [--pool FILE] [--memory FILE] [--budget-usd X] [--yes] [--agent ID]
             [--allow CMD]... [--no-escalation] [--keep-failed] [--branch] [--jury per-judge|per-pair] [--seed N] [--json]
      Auction, then the winner's edit–test loop in DIR, then a report with the diff.
  sale pool check [--pool FILE] [--json]
      Per agent: reachable and model present, tool calls (native or text fallback), logprobs (top-k), JSON mode,
      thinking, first-token latency, tokens/s, price; and what SALE will leave out without each. Run it first.
  sale sim-server --pool FILE --suite DIR [--port N]
      Serve the simulated pool (OpenAI-compatible) on 127.0.0.1.
  sale bench [--suite DIR] [--pool FILE] [--policies LIST] [--orders N] [--seed S] [--out DIR] [--quick]
             [--weights FILE] [--sim-override JSON] [--tasks LIST] [--workers N] [--from-results FILE]
      Every suite task in N seeded orders under each policy (sale, sale-paper, sale-no-memory, largest,
      smallest, random, router, cascade, oracle); writes results.json, report.md and SVG charts. --help for more.
  sale calibrate (--results FILE | --memory FILE) [--out FILE] [--train-orders LIST] [--lambda X]
      Fits the scoring weights from recorded outcomes (min–max over complexity bins) and prints them.

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
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
