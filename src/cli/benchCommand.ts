import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildReport } from '../bench/report';
import { type BenchResults, BenchResultsSchema, DEFAULT_POLICIES, POLICIES, type PolicyName, formatResultsJson, isPolicyName } from '../bench/results';
import { SALE_OPTIONS } from '../bench/saleVariants';
import type { PreflightResult } from '../bench/suitePreflight';
import { type BenchOptions, mergeResults, runBench } from '../bench/runBench';
import { loadWeightsFile } from '../bench/calibrationData';
import { MEASURED_PER_REPO, WARM_MODES, type WarmMode } from '../bench/warmStart';
import { loadRoutingFile } from '../bench/routingCalibration';
import { SaleError } from '../core/errors';
import { parseSeed } from './auctionCommand';
import { bold, dim, yellow } from './bidTable';
import { defaultPoolPath, defaultSuiteDir, packageRoot } from './resources';

export const BENCH_USAGE = `sale bench [--suite DIR] [--pool FILE] [--policies LIST] [--orders N] [--seed S] [--out DIR] [--quick]
           [--reference ID] [--routing FILE] [--weights FILE] [--sim-override JSON] [--workers N] [--no-test-cache] [--tasks ID,ID,...] [--from-results FILE]
           [--history-split | --warm-memory auction|execute]
  Runs every task of the suite in N seeded random orders under each policy (${POLICIES.join(', ')};
  ablations of sale's options as sale-OPTION / sale+OPTION, options: ${SALE_OPTIONS.join(', ')}; by default every base policy and issue 8's ablation rows ${DEFAULT_POLICIES.filter((p) => !(POLICIES as readonly string[]).includes(p)).join(', ')}),
  each execution for real in a fresh copy of the task's repository, and writes results.json, report.md and
  SVG charts to --out (default ./bench-out). Defaults: the bundled suite, the simulated default pool, all
  policies, 5 orders (--quick: 10 tasks, 2 orders), seed 1, one worker process per CPU.
  --reference names the reference agent (default: the pool's "reference": true agent, else the most expensive);
  --routing FILE takes sale's routing thresholds from \`sale calibrate --routing\`'s output.
  --sim-override deep-merges JSON into the pool's top-level "sim" block (another world without a new file);
  Before any task runs, each task is checked on this machine (its starting repository fails its tests, its hidden
  solution passes them); one that does not is named on stderr and at the top of report.md.
  --from-results re-renders report.md and the charts from an earlier results.json without running anything.
  --history-split measures only each repository's later tasks (the later half, at most ${MEASURED_PER_REPO}; its earlier ones are
  its history), every memory starting empty; --warm-memory MODE does the same but first fills each auction policy's
  memory from every repository's history, as \`sale warmup\` does (auction: auctions only; execute: whole solves),
  its cost reported apart. Run both with the same seed to pair cold and warm by order.`;

function parsePolicies(s: string | undefined): PolicyName[] {
  if (!s) return [...DEFAULT_POLICIES];
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((p) => !isPolicyName(p));
  if (bad.length) throw new SaleError(`--policies: unknown ${bad.join(', ')} (known: ${POLICIES.join(', ')}, and \`sale\` variants such as sale-${SALE_OPTIONS[0]} or sale+${SALE_OPTIONS[0]}; options: ${SALE_OPTIONS.join(', ')})`);
  return [...new Set(list)] as PolicyName[];
}

function parseWarmMode(s: string): WarmMode {
  if (!(WARM_MODES as readonly string[]).includes(s)) throw new SaleError(`--warm-memory must be one of ${WARM_MODES.join(', ')}, got "${s}"`);
  return s as WarmMode;
}

function positiveInt(name: string, s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new SaleError(`--${name} must be a positive integer, got "${s}"`);
  return n;
}

/** Runs the orders in `workers` child processes (each re-runs this CLI with --worker-orders), then merges. */
async function runInWorkers(opts: BenchOptions, args: string[], workers: number, progress: (done: number, total: number) => void): Promise<BenchResults> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sale-bench-workers-'));
  const groups: number[][] = Array.from({ length: workers }, () => []);
  for (let o = 0; o < opts.orders; o++) groups[o % workers].push(o);
  const done = new Array<number>(workers).fill(0);
  const totals = new Array<number>(workers).fill(0);
  try {
    const parts = await Promise.all(groups.map((orders, w) => new Promise<BenchResults>((resolvePart, reject) => {
      const out = join(dir, `part-${w}.json`);
      const child = fork(process.argv[1], ['bench', ...args, '--worker-orders', orders.join(','), '--worker-out', out, '--test-cache-dir', join(dir, 'test-cache')], {
        execArgv: process.execArgv,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      child.on('message', (m: { done: number; total: number }) => {
        done[w] = m.done;
        totals[w] = m.total;
        progress(done.reduce((a, b) => a + b, 0), totals.reduce((a, b) => a + b, 0));
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) return reject(new SaleError(`bench worker ${w} (orders ${orders.join(',')}) exited with code ${code}`));
        try {
          resolvePart(BenchResultsSchema.parse(JSON.parse(readFileSync(out, 'utf8'))));
        } catch (e) {
          reject(e);
        }
      });
    })));
    return mergeResults(parts, Date.now() - started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBenchCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      suite: { type: 'string' },
      pool: { type: 'string' },
      policies: { type: 'string' },
      reference: { type: 'string' },
      routing: { type: 'string' },
      orders: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean' },
      weights: { type: 'string' },
      'sim-override': { type: 'string' },
      workers: { type: 'string' },
      'no-test-cache': { type: 'boolean' },
      'test-concurrency': { type: 'string' },
      tasks: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
      'from-results': { type: 'string' },
      'history-split': { type: 'boolean' },
      'warm-memory': { type: 'string' },
      // Internal: set when this process is one of the parallel workers.
      'worker-orders': { type: 'string' },
      'worker-out': { type: 'string' },
      'test-cache-dir': { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const quick = !!values.quick;
  const weightsFile = values.weights ? resolve(values.weights) : undefined;
  const opts: BenchOptions = {
    suiteDir: resolve(values.suite ?? defaultSuiteDir()),
    poolPath: resolve(values.pool ?? defaultPoolPath()),
    policies: parsePolicies(values.policies),
    ...(values.reference ? { reference: values.reference } : {}),
    ...(values.routing ? { routing: loadRoutingFile(resolve(values.routing)) } : {}),
    orders: positiveInt('orders', values.orders, quick ? 2 : 5),
    seed: parseSeed(values.seed) ?? 1,
    quick,
    testCache: !values['no-test-cache'],
    ...(values['test-concurrency'] ? { testConcurrency: positiveInt('test-concurrency', values['test-concurrency'], 1) } : {}),
    ...(values.tasks ? { taskIds: values.tasks.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
    ...(weightsFile ? { weights: loadWeightsFile(weightsFile), weightsFile } : {}),
    ...(values['sim-override'] ? { simOverride: parseOverride(values['sim-override']) } : {}),
    // Also outside worker mode: a cold and a warm run of the same tasks may share one test-result cache.
    ...(values['test-cache-dir'] ? { testCacheDir: resolve(values['test-cache-dir']) } : {}),
    ...(values['history-split'] ? { historySplit: true } : {}),
    ...(values['warm-memory'] !== undefined ? { warmMemory: parseWarmMode(values['warm-memory']) } : {}),
  };

  // Worker mode: run some orders, write the partial results, report progress to the parent.
  if (values['worker-orders'] !== undefined) {
    // A worker whose parent died (killed, Ctrl-C) has no one to report to: it stops instead of running on for minutes.
    process.on('disconnect', () => process.exit(130));
    const subset = values['worker-orders'].split(',').filter(Boolean).map(Number);
    const part = await runBench({
      ...opts, orderSubset: subset, ...(values['test-cache-dir'] ? { testCacheDir: values['test-cache-dir'] } : {}),
      // Each worker shares the machine with the others.
      testConcurrency: opts.testConcurrency ?? 1,
      onProgress: (done, total) => process.send?.({ done, total }),
      // The worker holding order 0 makes the preflight; its stderr is the parent's.
      onPreflight: warnPreflight,
    });
    writeFileSync(values['worker-out']!, JSON.stringify(part));
    return 0;
  }

  const outDir = resolve(values.out ?? 'bench-out');
  const root = packageRoot();
  if (values['from-results']) {
    // Re-render report.md and the charts from an earlier run's results.json (no tasks are run).
    const file = resolve(values['from-results']);
    const results = BenchResultsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const abs = (p: string) => resolve(root, p);
    const full = { ...results, pool: { ...results.pool, path: abs(results.pool.path) }, suite: { ...results.suite, path: abs(results.suite.path) },
      options: { ...results.options, ...(results.options.weightsFile ? { weightsFile: abs(results.options.weightsFile) } : {}) } };
    writeReport(outDir, full, commandOf(results), root);
    process.stdout.write(`Re-rendered ${join(outDir, 'report.md')} from ${file}.\n`);
    return 0;
  }
  const workers = Math.min(opts.orders, positiveInt('workers', values.workers, Math.max(1, cpus().length)));
  const err = (s: string) => process.stderr.write(s);
  err(bold(`sale bench: ${opts.policies.length} policies × ${opts.orders} order(s)${quick ? ' (quick subset)' : ''}, seed ${opts.seed}, ${workers} worker(s)\n`));
  let last = 0;
  const progress = (done: number, total: number) => {
    if (values.quiet) return;
    const now = Date.now();
    if (done === total || now - last > 2000) {
      last = now;
      err(dim(`  ${done}/${total} task runs\n`));
    }
  };
  const passthrough = args.filter((a, i) => !['--out', '--workers'].includes(a) && !['--out', '--workers'].includes(args[i - 1] ?? ''));
  const results = workers > 1
    ? await runInWorkers(opts, passthrough, workers, progress)
    : await runBench({ ...opts, onProgress: (d, t) => progress(d, t), onPreflight: warnPreflight });

  mkdirSync(outDir, { recursive: true });
  const command = `sale bench ${args.filter((a) => a !== '--quiet').map(shellQuote).join(' ')}`.trim();
  const shown = { ...results, command, pool: { ...results.pool, path: relOrAbs(root, results.pool.path) }, suite: { ...results.suite, path: relOrAbs(root, results.suite.path) },
    options: { ...results.options, ...(results.options.weightsFile ? { weightsFile: relOrAbs(root, results.options.weightsFile) } : {}) } };
  writeFileSync(join(outDir, 'results.json'), formatResultsJson(shown));
  const report = writeReport(outDir, results, command, root);
  const errors = results.runs.filter((r) => r.error);
  if (errors.length) err(yellow(`warning: ${errors.length} task run(s) ended in an error, e.g. ${errors[0].policy} on ${errors[0].taskId}: ${errors[0].error}\n`));
  process.stdout.write(`${report.markdown.split('\n## All policies')[0].split('## Headline')[1]?.trim() ?? ''}\n\n`);
  process.stdout.write(`Wrote ${join(outDir, 'report.md')}, results.json and ${report.charts.length} charts in ${(results.timing.wallMs / 1000).toFixed(0)} s.\n`);
  return 0;
}

/** A task that does not check out on this machine is said before its runs can mislead (suitePreflight.ts). */
function warnPreflight(p: PreflightResult): void {
  for (const x of p.problems) process.stderr.write(yellow(`warning: suite task ${x.taskId} does not check out on this machine, so its runs measure the machine, not the policies: ${x.why}\n`));
}

/** An argument as a POSIX shell would need it (so the report's command line can be pasted). */
export function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

function parseOverride(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SaleError(`--sim-override must be a JSON object, e.g. '{"trace":{"tokensPerTurn":2000}}': ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SaleError('--sim-override must be a JSON object');
  return v as Record<string, unknown>;
}

function commandOf(results: BenchResults): string {
  return results.command ?? 'sale bench';
}

function writeReport(outDir: string, results: BenchResults, command: string, root: string) {
  mkdirSync(outDir, { recursive: true });
  const report = buildReport(results, { command, root });
  writeFileSync(join(outDir, 'report.md'), report.markdown);
  for (const c of report.charts) writeFileSync(join(outDir, c.name), c.svg);
  return report;
}

function relOrAbs(root: string, p: string): string {
  const r = relative(root, p);
  return r && !r.startsWith('..') ? r : p;
}
