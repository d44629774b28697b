/**
 * report.md for a bench run. Over 300 lines on purpose: it is one document written top to bottom (headline,
 * tables, realism check, charts), and its sections share the same small number formatters.
 */
import { basename, relative } from 'node:path';
import { formatUsd, usdDigits } from '../core/formatUsd';
import type { BenchResults, PolicyName } from './results';
import { type SaleVariantName, describeSaleVariant } from './saleVariants';
import { type PolicySummary, type Spread, auctionDiagnostics, spread, binsOf, curveWindow, learningCurve, overheadByBin, summarise } from './stats';
import { warmStartSection } from './warmReport';
import { economySections } from './economyReport';
import { type LineSeries, type ScatterPoint, renderLines, renderScatter } from './svgChart';

/** Ablation variants of `sale` (saleVariants.ts) share one colour. */
const VARIANT_COLOR = '#8c564b';

export const POLICY_COLORS: Record<PolicyName, string> = {
  sale: '#d62728',
  'sale-paper': '#ff7f0e',
  'sale-no-memory': '#e377c2',
  largest: '#1f77b4',
  smallest: '#17becf',
  random: '#7f7f7f',
  router: '#2ca02c',
  cascade: '#9467bd',
  oracle: '#111111',
  'sale-routing': '#8c564b',
  'sale+sizeKernel': '#ff9896',
  'sale-routedPlan': '#e377c2',
  'sale+planCheck': '#9edae5',
  'sale-capabilityEscalation': '#bcbd22',
  'sale-handoff': '#c49c94',
  'sale+escalationPlan': '#dbdb8d',
  'sale-escalationNeighbours': '#aec7e8',
  'cascade-by-price': '#c5b0d5',
};

export const POLICY_NOTES: Record<PolicyName, string> = {
  sale: 'learned routing from the repository\'s memory (an auction only when uncertain; a routed agent writes its plan from the winning plans of similar past tasks), escalation (1 step) by capability and expected value with a hand-off, outcome-labelled memory, one jury call per judge',
  'sale-paper': 'paper-faithful auction: auction-only memory labels, no escalation, |A|² per-pair jury',
  'sale-no-memory': 'as `sale`, but no refinement from memory',
  largest: 'always the reference agent (pool `reference: true`, `--reference`, or the most expensive)',
  smallest: 'always the cheapest agent',
  random: 'a seeded uniform pick per task',
  router: 'description-only kNN router over TF-IDF, learning online from the outcomes it has seen',
  cascade: 'FrugalGPT-style: cheapest first, then up the capability order learned from its own outcomes (as `sale` escalates) on failed tests, workspace restored between rungs',
  oracle: 'runs every agent, keeps the cheapest that passed (upper bound; cost = that run only)',
  'sale-routing': 'ablation: `sale` with an auction for every task',
  'sale+sizeKernel': 'ablation: `sale` whose routing weighs similar past tasks also by task size (a kernel on ln word count)',
  'sale-routedPlan': 'ablation: `sale` whose routed agent runs without a plan from memory',
  'sale+planCheck': 'ablation: `sale` whose routed plan is checked by a cheap juror before it runs (next agent, then the auction, when rated too low)',
  'sale-capabilityEscalation': 'ablation: `sale` escalating by price (no expected-value gate)',
  'sale-handoff': 'ablation: `sale` without the hand-off to the escalated agent',
  'sale+escalationPlan': 'ablation: `sale` whose escalated agent, when it did not bid, first writes its plan from memory',
  'sale-escalationNeighbours': 'ablation: `sale` whose escalation estimates leave out the failed task\'s BM25 neighbours (the whole repository\'s memory and the jury only)',
  'sale-sameRepoExamples': 'ablation: `sale` whose memory examples (refinement\'s pairs, a routed plan\'s) rank by similarity alone, other repositories\' past tasks with this one\'s',
  'sale-failedExamples': 'ablation: `sale` whose routed plan\'s examples skip similar past tasks whose executed plan failed',
  'cascade-by-price': 'ablation: the cascade climbing the price ladder',
};

const pct = (v: number, d = 1) => (Number.isFinite(v) ? `${(100 * v).toFixed(d)}%` : '—');
const pctPM = (s: Spread, d = 1) => (Number.isFinite(s.mean) ? `${(100 * s.mean).toFixed(d)} ± ${(100 * s.std).toFixed(d)}%` : '—');

/** Dollars with 4 significant digits (the simulated pool's prices make tasks cost fractions of a cent). */
const usd = (v: number) => formatUsd(v, 'sig4');
/** "$0.01115 ± 0.00130": the spread with the mean's decimals. */
const usdPM = (s: Spread) => (Number.isFinite(s.mean) ? `${usd(s.mean)} ± ${s.mean === 0 ? '0' : s.std.toFixed(usdDigits(s.mean))}` : '—');
/** Axis ticks: as few digits as the value needs ($0.005, $0.015). */
const usdTick = (v: number) => (v === 0 ? '$0' : `$${Number(v.toPrecision(3))}`);
const num = (s: Spread, d = 2) => (Number.isFinite(s.mean) ? `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}` : '—');
const tokens = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0));

function table(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  return [
    `| ${head.join(' | ')} |`,
    `| ${a.map((x) => (x === 'l' ? ':--' : '--:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function policyTable(sums: PolicySummary[], withShares = true): string {
  const head = ['policy', 'pass@1', 'total $', '$ / solved task', 'largest agent executed', 'auction share of tokens', 'auction share of $', 'escalations / task', 'refined bid won'];
  const rows = sums.map((s) => [
    s.policy === 'sale' ? '**sale**' : s.policy,
    pctPM(s.pass),
    usdPM(s.totalUsd),
    usdPM(s.usdPerSolved),
    pctPM(s.largestShare, 0),
    withShares ? pctPM(s.auctionTokenShare) : '',
    withShares ? pctPM(s.auctionUsdShare) : '',
    num(s.escalations),
    pctPM(s.refinedWon, 0),
  ]);
  return table(head, rows);
}

export interface Verdict {
  text: string[];
  saleBeatsLargestOnDollars?: boolean;
  saleAtLeastLargestPass?: boolean;
  saleBeatsRouterPerSolved?: boolean;
  saleBeatsCascadePerSolved?: boolean;
}

/** The claims of issue 5, checked against the numbers (means over orders), in plain words. */
export function verdict(sums: PolicySummary[]): Verdict {
  const get = (p: PolicyName) => sums.find((s) => s.policy === p);
  const sale = get('sale');
  const out: Verdict = { text: [] };
  if (!sale) return out;
  const rel = (a: number, b: number) => `${a < b ? '−' : '+'}${Math.abs(100 * (a / b - 1)).toFixed(0)}%`;
  const largest = get('largest');
  if (largest) {
    out.saleBeatsLargestOnDollars = sale.totalUsd.mean < largest.totalUsd.mean;
    out.saleAtLeastLargestPass = sale.pass.mean >= largest.pass.mean;
    const n = sale.pass.values.length;
    const better = sale.pass.values.filter((v, i) => v >= largest.pass.values[i]).length;
    const cheaper = sale.totalUsd.values.filter((v, i) => v < largest.totalUsd.values[i]).length;
    out.text.push(
      `**sale vs largest:** pass@1 ${pct(sale.pass.mean)} vs ${pct(largest.pass.mean)} (${sale.pass.mean >= largest.pass.mean ? 'equal or better' : 'worse'}${n > 1 ? `; equal or better in ${better} of ${n} orders` : ''}), ` +
      `dollars ${usd(sale.totalUsd.mean)} vs ${usd(largest.totalUsd.mean)} (${rel(sale.totalUsd.mean, largest.totalUsd.mean)}${n > 1 ? `; cheaper in ${cheaper} of ${n} orders` : ''}), ` +
      `largest agent executed on ${pct(sale.largestShare.mean, 0)} of tasks instead of 100% ` +
      `→ ${out.saleBeatsLargestOnDollars && out.saleAtLeastLargestPass ? (n > 1 && (cheaper < n || better < n) ? '**claim holds on the means** (not in every order)' : '**claim holds**') : '**claim does not hold**'}.`,
    );
  }
  for (const p of ['router', 'cascade'] as const) {
    const o = get(p);
    if (!o) continue;
    const beats = sale.usdPerSolved.mean < o.usdPerSolved.mean;
    if (p === 'router') out.saleBeatsRouterPerSolved = beats;
    else out.saleBeatsCascadePerSolved = beats;
    out.text.push(
      `**sale vs ${p}:** dollars per solved task ${usd(sale.usdPerSolved.mean)} vs ${usd(o.usdPerSolved.mean)} (${rel(sale.usdPerSolved.mean, o.usdPerSolved.mean)}), ` +
      `pass@1 ${pct(sale.pass.mean)} vs ${pct(o.pass.mean)}${sale.usdPerSolved.values.length > 1 ? `; sale cheaper per solved task in ${sale.usdPerSolved.values.filter((v, i) => v < o.usdPerSolved.values[i]).length} of ${sale.usdPerSolved.values.length} orders` : ''} ` +
      `→ ${beats ? '**sale is cheaper per solved task**' : `**sale is not cheaper per solved task**`}.`,
    );
  }
  const paper = get('sale-paper');
  if (paper && largest) {
    out.text.push(
      `**sale-paper (paper-faithful) vs largest:** pass@1 ${pct(paper.pass.mean)} vs ${pct(largest.pass.mean)}, dollars ${usd(paper.totalUsd.mean)} vs ${usd(largest.totalUsd.mean)} ` +
      `(${rel(paper.totalUsd.mean, largest.totalUsd.mean)}), largest agent on ${pct(paper.largestShare.mean, 0)} of tasks.`,
    );
  }
  const oracle = get('oracle');
  if (oracle) out.text.push(`**oracle** (upper bound): pass@1 ${pct(oracle.pass.mean)} at ${usd(oracle.totalUsd.mean)}.`);
  return out;
}

export interface ReportFiles {
  markdown: string;
  charts: { name: string; svg: string }[];
}

export interface ReportOptions {
  /** The command that produced the results (shown so anyone can regenerate them). */
  command: string;
  /** Folder the report is written to (paths in it are shown relative to the package root when possible). */
  root?: string;
  /** Extra markdown appended (e.g. notes on the world's realism). */
  notes?: string;
}

export function buildReport(results: BenchResults, opts: ReportOptions): ReportFiles {
  const sums = summarise(results);
  const bins = binsOf(results);
  const orders = results.options.orders;
  const show = (p: string) => (opts.root ? relative(opts.root, p) || '.' : basename(p));
  const L: string[] = [];
  const v = verdict(sums);

  L.push('# SALE benchmark report');
  L.push('');
  if (results.simulated) {
    L.push('> **Simulated model pool.** The agents are the offline simulator (`src/sim`), standing in for paid model APIs; every');
    L.push('> execution is real (a fresh copy of the task repository, real edits through the tools, the task\'s real test command');
    L.push('> decides pass or fail). Numbers describe the simulated world, not real models.');
    L.push('');
  }
  L.push(`Generated by \`${opts.command}\` — pool \`${show(results.pool.path)}\`${results.pool.simOverride ? ` with \`${JSON.stringify(results.pool.simOverride)}\` merged into its world` : ''}, suite \`${show(results.suite.path)}\` ` +
    `(${results.suite.used} of ${results.suite.tasks} tasks${results.options.quick ? ', `--quick` subset' : ''}), ${orders} random order${orders > 1 ? 's' : ''}, seed ${results.options.seed}` +
    `${results.options.weightsFile ? `, weights from \`${show(results.options.weightsFile)}\`` : ', default scoring weights'}. ` +
    `Every figure is a mean over orders ± the standard deviation over orders.`);
  L.push('');
  L.push(...preflightLines(results));
  L.push('## Headline');
  L.push('');
  for (const t of v.text) L.push(`- ${t}`);
  L.push('');
  const ref = sums.find((x) => x.policy === 'largest');
  if (ref && orders > 1) {
    L.push('Paired by order (every policy saw the same stream and the same draws in an order), the differences from `largest` are tighter than the spreads of the table below:');
    L.push('');
    const diff = (a: Spread, b: Spread, f: (v: number) => number) => {
      const d = a.values.map((v, i) => f(v) - f(b.values[i]));
      const { mean: m, std: sd } = spread(d);
      return { m, sd, wins: d.filter((x) => x > 0).length };
    };
    L.push(table(['policy', 'pass@1 − largest (points)', 'orders better', 'dollars vs largest', 'orders cheaper'], sums.filter((x) => x.policy !== 'largest').map((x) => {
      const dp = diff(x.pass, ref.pass, (v) => 100 * v);
      const dc = diff(x.totalUsd, ref.totalUsd, (v) => v);
      const rel = (100 * dc.m) / ref.totalUsd.mean;
      const cheaper = x.totalUsd.values.filter((v, i) => v < ref.totalUsd.values[i]).length;
      return [x.policy === 'sale' ? '**sale**' : x.policy, `${dp.m >= 0 ? '+' : '−'}${Math.abs(dp.m).toFixed(1)} ± ${dp.sd.toFixed(1)}`, `${dp.wins} of ${orders}`,
        `${rel >= 0 ? '+' : '−'}${Math.abs(rel).toFixed(0)}% ± ${((100 * dc.sd) / ref.totalUsd.mean).toFixed(0)}%`, `${cheaper} of ${orders}`];
    })));
    L.push('');
  }
  L.push('![Cost versus pass@1](cost-vs-pass.svg)');
  L.push('');
  L.push('## All policies');
  L.push('');
  L.push(policyTable(sums));
  L.push('');
  L.push(`"largest agent executed": share of tasks on which the reference agent (\`${results.pool.largest}\`) ran at least once (escalations and cascade rungs included). ` +
    '"auction share": auction tokens (bids, jury, refinement; input and output) and dollars over the task\'s total. ' +
    'Single-agent policies, the router, the cascade and the oracle hold no auction, so their share is 0 and they pay only their executions — the oracle only its pick\'s run.');
  L.push('');
  L.push('Policies:');
  L.push('');
  for (const p of results.options.policies) L.push(`- \`${p}\`: ${POLICY_NOTES[p] ?? describeSaleVariant(p as SaleVariantName)}.`);
  L.push('');
  L.push(...economySections(results));
  L.push(...warmStartSection(results));

  L.push('## Per complexity bin');
  L.push('');
  L.push('Bins by the estimated human minutes of the task: 1: <5, 2: 5–15, 3: 15–30, 4: 30–60, 5: ≥60.');
  L.push('');
  const passByBin = table(['policy', ...bins.map((b) => `bin ${b}`)], results.options.policies.map((p) => [p, ...bins.map((b) => pctPM(summarise(results, (r) => r.bin === b).find((s) => s.policy === p)!.pass, 0))]));
  L.push('### pass@1');
  L.push('');
  L.push(passByBin);
  L.push('');
  L.push('![pass@1 per complexity bin](pass-by-bin.svg)');
  L.push('');
  const binTables: [string, (s: PolicySummary) => string][] = [
    ['dollars per task', (s) => usdPM(s.usdPerTask)],
    ['dollars per solved task', (s) => usdPM(s.usdPerSolved)],
    ['largest agent executed', (s) => pctPM(s.largestShare, 0)],
  ];
  for (const [title, f] of binTables) {
    L.push(`### ${title}`);
    L.push('');
    L.push(table(['policy', ...bins.map((b) => `bin ${b}`)], results.options.policies.map((p) => [p, ...bins.map((b) => f(summarise(results, (r) => r.bin === b).find((s) => s.policy === p)!))])));
    L.push('');
  }
  for (const b of bins) {
    L.push(`<details><summary>Bin ${b}: every column</summary>`);
    L.push('');
    L.push(policyTable(summarise(results, (r) => r.bin === b)));
    L.push('');
    L.push('</details>');
    L.push('');
  }

  const auctionPolicies = results.options.policies.filter((p) => p.startsWith('sale'));
  if (auctionPolicies.length) {
    L.push('## Auction versus execution: tokens and dollars');
    L.push('');
    L.push('Pooled over every order\'s tasks of the bin (sum of auction over sum of auction + execution). The paper reports the auction under 1% of tokens.');
    L.push('');
    for (const p of auctionPolicies) {
      L.push(`### ${p}`);
      L.push('');
      L.push(table(
        ['bin', 'auction tokens / task', 'execution tokens / task', 'auction share of tokens', 'auction $ / task', 'execution $ / task', 'auction share of $'],
        overheadByBin(results, p).map((r) => [String(r.bin), tokens(r.auctionTokensPerTask), tokens(r.executionTokensPerTask), pct(r.auctionTokenShare), usd(r.auctionUsdPerTask), usd(r.executionUsdPerTask), pct(r.auctionUsdShare)]),
      ));
      L.push('');
    }
  }

  if (auctionPolicies.length) {
    const largestRuns = results.runs.filter((r) => r.policy === 'largest');
    L.push('## What the auction\'s parts did');
    L.push('');
    L.push('From the paired draws: within an order every policy gets the same success draw for an agent on a task, so the outcome an agent *would* have had ' +
      'is known from the runs of unrefined plans (single-agent policies, cascade rungs, the oracle\'s runs). "Provisional winner" is the lowest C − V among the original bids — ' +
      'the auction without refinement and without escalation.' + (largestRuns.length ? ` For comparison, the largest agent passed ${pct(largestRuns.filter((r) => r.passed).length / largestRuns.length)} of the same tasks.` : ''));
    L.push('');
    const diag = auctionPolicies.map((p) => auctionDiagnostics(results, p));
    const frac = (a: number, b: number) => (b ? `${a} / ${b} (${pct(a / b, 0)})` : '—');
    L.push(table(
      ['policy', 'provisional winner would pass', 'refined bid replaced it', 'refined winner passed', 'provisional would have passed', 'escalations run', 'escalations passed', 'escalation $'],
      diag.map((d) => [d.policy, frac(d.provisional.passed, d.provisional.labelled), String(d.refinedWon), frac(d.refinedWinnerPassed, d.refinedWon), frac(d.provisionalWouldHavePassed, d.refinedLabelled),
        String(d.escalations), frac(d.escalationsPassed, d.escalations), usd(d.escalationUsd)]),
    ));
    L.push('');
  }

  const window = curveWindow(results.suite.used);
  const curvePolicies = results.options.policies.filter((p) => ['sale', 'sale-paper', 'sale-no-memory', 'router', 'random'].includes(p));
  if (curvePolicies.length) {
    L.push('## Learning curve');
    L.push('');
    L.push(`Share of tasks whose first pick (auction winner, router pick) was one of the small agents (${results.pool.small.map((s) => `\`${s}\``).join(', ')}: the cheaper half of the pool), ` +
      `in consecutive windows of ${window} tasks along each order's stream; memory (or the router's experience) grows along the stream. Mean ± std over orders.`);
    L.push('');
    const curves = curvePolicies.map((p) => ({ p, pts: learningCurve(results, p, window) }));
    L.push(table(['policy', ...curves[0].pts.map((c) => `tasks ${c.from}–${c.to}`)], curves.map(({ p, pts }) => [p, ...pts.map((c) => pctPM(c.share, 0))])));
    L.push('');
    L.push('![Learning curve](learning-curve.svg)');
    L.push('');
  }

  L.push('## How this was measured');
  L.push('');
  L.push(`- **Same stream for every policy.** Order *k* shuffles the suite with seed (${results.options.seed}, *k*) and gives every model call the same request seed, ` +
    'so a given agent on a given task gets the same success draw under every policy (draws are paired across policies); memory grows along the order.');
  L.push('- **Nothing shared between policies.** Each policy has its own memory (a fresh in-memory store per policy and order), its own router state, ' +
    'its own simulator server (the simulator remembers the plans it wrote, so two policies must not share one) and its own copies of the task repositories.');
  L.push('- **Real executions.** Each execution runs the edit–test loop of `src/core/execution/editLoop.ts` in a fresh copy of the task repository; the task\'s test command ' +
    'decides pass or fail. Single-agent policies get no plan (no auction) and pay only their executions. The cascade restores the workspace (file journal) between rungs.');
  L.push(`- **Test runs are memoised by content**${results.options.testCache ? '' : ' (off in this run)'}: the key is the command and the exact bytes of every file in the workspace, ` +
    `so a byte-identical state is tested once for real and its result reused (${results.timing.realTestRuns} real runs, ${results.timing.cachedTestRuns} reused in this run). ` +
    'Timings and the temporary folder\'s path are masked in the test output the agent sees, so token counts do not depend on the machine. `--no-test-cache` turns memoising off.');
  L.push(`- **Budget** per task (auction included): ${results.options.budget.maxTurns} turns per attempt, ${results.options.budget.maxTokens.toLocaleString('en-US')} tokens, $${results.options.budget.maxUsd}.`);
  L.push('- **The oracle** runs every agent; its pass@1 is "some agent passed" and its cost is only the cheapest passing run (the cheapest agent\'s run when none passed).');
  L.push('- **The router** sees only the task text; it starts knowing nothing and learns only from the executions it chose (bandit feedback), as a deployed router would.');
  L.push(`- **Wall clock** of this run: ${(results.timing.wallMs / 1000).toFixed(0)} s.`);
  L.push('');
  const realism = realismCheck(results);
  if (realism.length) {
    L.push('## Realism check');
    L.push('');
    for (const r of realism) L.push(`- ${r}`);
    L.push('');
  }
  if (opts.notes) {
    L.push(opts.notes.trim());
    L.push('');
  }
  L.push('Raw numbers: [`results.json`](results.json) (per order, task and policy: agent chosen, pass, tokens and dollars of auction and execution, refinement, escalations, every attempt, every bid\'s score inputs).');
  L.push('');

  return { markdown: L.join('\n'), charts: charts(results, sums) };
}

/** What in this world is far from the paper's measurements, computed from the results (never hidden). */
export function realismCheck(results: BenchResults): string[] {
  const out: string[] = [];
  const sale = results.runs.filter((r) => r.policy === 'sale' || r.policy === 'sale-paper');
  if (sale.length) {
    const at = sale.reduce((s, r) => s + r.auction.tokens, 0);
    const tt = sale.reduce((s, r) => s + r.totalTokens, 0);
    const execs = sale.flatMap((r) => r.attempts);
    const perExec = execs.length ? execs.reduce((s, a) => s + a.tokens, 0) / execs.length : 0;
    const perAuction = at / sale.length;
    if (tt > 0 && at / tt > 0.05) {
      out.push(`The auction is ${pct(at / tt)} of the auction policies' tokens here; the paper reports under 1%. An execution averages ${tokens(perExec)} tokens ` +
        `against ${tokens(perAuction)} for an auction (bids, jury, refinement). Agentic coding traces of real models run to hundreds of thousands of tokens and more, ` +
        `so this world's execution traces are short, and every auction policy's dollars are inflated by its auction relative to the policies that hold none.`);
    }
  }
  // Per-judge (sale) and per-pair (sale-paper) juries on the same original bids: do they score differently at all?
  const pair = new Map(results.runs.filter((r) => r.policy === 'sale-paper').map((r) => [`${r.order}/${r.taskId}`, r]));
  let same = 0, compared = 0;
  for (const r of results.runs.filter((x) => x.policy === 'sale')) {
    const p = pair.get(`${r.order}/${r.taskId}`);
    if (!p?.bids || !r.bids) continue;
    for (const b of r.bids.filter((x) => x.round === 0)) {
      const q = p.bids.find((x) => x.round === 0 && x.agent === b.agent && x.tokens === b.tokens);
      if (!q) continue;
      compared++;
      if (JSON.stringify(q.jury) === JSON.stringify(b.jury)) same++;
    }
  }
  if (compared && same / compared > 0.95) {
    out.push(`The per-pair jury (|A|² calls, \`sale-paper\`) gave exactly the same scores as one call per judge (\`sale\`) on ${pct(same / compared)} of the ${compared} original bids both saw: ` +
      'in this world a judge\'s score depends only on the plan\'s text, so rating plans together or one at a time cannot differ and the per-pair form only adds cost. Real judges can differ; measure it on a real pool.');
  }
  const oracle = results.runs.filter((r) => r.policy === 'oracle');
  const largest = results.runs.filter((r) => r.policy === 'largest');
  if (oracle.length && largest.length) {
    const op = oracle.filter((r) => r.passed).length / oracle.length;
    const lp = largest.filter((r) => r.passed).length / largest.length;
    out.push(`Calibration of the world: largest agent ${pct(lp)} pass@1 and oracle ${pct(op)} over this suite (the paper's coding figures: about 58% and 68%).`);
  }
  return out;
}

function charts(results: BenchResults, sums: PolicySummary[]): { name: string; svg: string }[] {
  const out: { name: string; svg: string }[] = [];
  const largest = sums.find((s) => s.policy === 'largest');
  const points: ScatterPoint[] = sums.filter((s) => Number.isFinite(s.usdPerTask.mean)).map((s) => ({
    label: s.policy,
    x: s.usdPerTask.mean,
    y: s.pass.mean,
    xErr: s.usdPerTask.std,
    yErr: s.pass.std,
    color: POLICY_COLORS[s.policy] ?? VARIANT_COLOR,
    emphasis: s.policy === 'sale' || s.policy === 'sale-paper',
  }));
  const orders = results.options.orders;
  out.push({
    name: 'cost-vs-pass.svg',
    svg: renderScatter({
      title: 'Cost versus pass@1 per policy',
      subtitle: `${results.simulated ? 'simulated pool · ' : ''}${results.pool.simOverride ? `world ${JSON.stringify(results.pool.simOverride)} · ` : ''}${results.suite.used} tasks × ${orders} order${orders > 1 ? 's' : ''} · bars: ± std over orders`,
      xLabel: 'dollars per task (auction + execution)',
      yLabel: 'pass@1',
      points,
      formatX: usdTick,
      formatY: (v) => `${Math.round(v * 100)}%`,
      yBounds: [0, 1],
      ...(largest ? { region: { x0: largest.usdPerTask.mean, y0: largest.pass.mean, label: 'cheaper than largest, pass@1 at least as high' } } : {}),
    }),
  });

  const bins = binsOf(results);
  const binPolicies = results.options.policies.filter((p) => ['sale', 'sale-paper', 'largest', 'smallest', 'router', 'cascade', 'oracle'].includes(p));
  const binSeries: LineSeries[] = binPolicies.map((p) => ({
    label: p,
    color: POLICY_COLORS[p] ?? VARIANT_COLOR,
    emphasis: p === 'sale',
    dashed: p === 'oracle' || p === 'smallest',
    points: bins.map((b) => ({ x: b, y: summarise(results, (r) => r.bin === b).find((s) => s.policy === p)!.pass.mean })),
  }));
  out.push({
    name: 'pass-by-bin.svg',
    svg: renderLines({
      title: 'pass@1 per complexity bin',
      subtitle: 'bin 1: under 5 human minutes … bin 5: an hour or more',
      xLabel: 'complexity bin',
      yLabel: 'pass@1',
      series: binSeries,
      formatX: (v) => String(v),
      formatY: (v) => `${Math.round(v * 100)}%`,
      xTicks: bins,
      yDomain: [0, 1],
      height: 460,
      dodge: 0.035,
    }),
  });

  const window = curveWindow(results.suite.used);
  const curvePolicies = results.options.policies.filter((p) => ['sale', 'sale-paper', 'sale-no-memory', 'router', 'random'].includes(p));
  if (curvePolicies.length) {
    const series: LineSeries[] = curvePolicies.map((p) => ({
      label: p,
      color: POLICY_COLORS[p] ?? VARIANT_COLOR,
      emphasis: p === 'sale',
      dashed: p === 'random',
      points: learningCurve(results, p, window).map((c) => ({ x: (c.from + c.to) / 2, y: c.share.mean, err: c.share.std })),
    }));
    out.push({
      name: 'learning-curve.svg',
      svg: renderLines({
        title: `Small agents' share of picks along the stream`,
        subtitle: `${results.pool.small.join(' + ')} · windows of ${window} tasks · band: ± std of sale over ${orders} order${orders > 1 ? 's' : ''}`,
        xLabel: 'position in the task stream (window centre)',
        yLabel: 'tasks picked for a small agent',
        series,
        formatX: (v) => String(Math.round(v)),
        formatY: (v) => `${Math.round(v * 100)}%`,
        yDomain: [0, 1],
        dodge: 0.3,
        bandsForEmphasisOnly: true,
      }),
    });
  }
  return out;
}

/** The suite's check on the machine that ran the bench (suitePreflight.ts); nothing for results that predate it. */
function preflightLines(results: BenchResults): string[] {
  const p = results.preflight;
  if (!p) return [];
  if (!p.problems.length) return [`Preflight: on the machine that ran this bench, each of the ${p.tasks} tasks' starting repositories failed its tests and passed them with the task's hidden solution.`, ''];
  return [
    `> **Check the machine.** On the machine that ran this bench, ${p.problems.length} of ${p.tasks} tasks did not check out (fail before, pass with the hidden solution). Their runs measure the machine, not the policies:`,
    ...p.problems.map((x) => `> - \`${x.taskId}\`: ${x.why.replace(/\s+/g, ' ').slice(0, 400)}`),
    '',
  ];
}
