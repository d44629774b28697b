/*
 * What a warm start changes (issue 13 item 4), in words for report.md and docs/bench: the history split and the
 * warm-up's cost of one run, and a cold run against a warm run of the same tasks, paired by order.
 */
import { SaleError } from '../core/errors';
import type { BenchResults, TaskRun } from './results';
import { heldAuction } from './economyReport';
import { type Spread, spread } from './stats';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const usd = (x: number) => `$${x.toFixed(5)}`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const pm = (s: Spread, f: (x: number) => string) => `${f(s.mean)} ± ${f(s.std)}`;
const signed = (s: Spread, f: (x: number) => string) => `${s.mean >= 0 ? '+' : '−'}${f(Math.abs(s.mean))} ± ${f(s.std)}`;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| :-- | ${head.slice(1).map(() => '--:').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** report.md's section for a run with a history split: which tasks were history, and what warming up cost. */
export function warmStartSection(r: BenchResults): string[] {
  const start = r.options.memoryStart;
  if (!start || !r.historySplit) return [];
  const L = ['## Warm start', ''];
  L.push(start === 'cold'
    ? 'Run with `--history-split`: only each repository\'s later tasks are measured, every memory starts empty (the cold run a `--warm-memory` run pairs with).'
    : `Run with \`--warm-memory ${start}\`: before each order's stream, every auction policy's memory was filled from each repository's earlier tasks ` +
      `(${start === 'execute' ? 'whole solves: auction, execution, outcome' : 'auctions only, no outcome'}), as \`sale warmup\` does; the measured runs' dollars exclude it.`);
  L.push('');
  const ws = r.warmups ?? [];
  const orders = r.options.orders;
  L.push(table(['repository', 'history (replayed)', 'measured', ...(ws.length ? ['warm-up $ / order', 'warm-up tokens / order', 'replays passed'] : [])], r.historySplit.map((s) => {
    const mine = ws.filter((w) => w.repo === s.repo);
    const policies = new Set(mine.map((w) => w.policy)).size || 1;
    const per = (f: (w: (typeof ws)[number]) => number) => mine.reduce((a, w) => a + f(w), 0) / (orders * policies);
    return [s.repo, String(s.history.length), String(s.measured.length),
      ...(ws.length ? mine.length ? [usd(per((w) => w.usd)), Math.round(per((w) => w.tokens)).toLocaleString('en'), `${mine.reduce((a, w) => a + w.passed, 0)} of ${mine.reduce((a, w) => a + w.tasks.length, 0)}`] : ['—', '—', '—'] : [])];
  })));
  L.push('');
  return L;
}

export interface WarmComparison {
  policy: string;
  orders: number;
  tasksPerOrder: number;
  /** `auctions`: share of measured tasks that held an auction (the rest were routed from memory). */
  cold: { pass: Spread; usd: Spread; auctions: Spread };
  warm: { pass: Spread; usd: Spread; auctions: Spread };
  /** warm − cold, per order. */
  dPass: Spread;
  dUsd: Spread;
  /** The warm-up's dollars per order (all repositories), paid once. */
  warmupUsd: Spread;
  perRepo: { repo: string; history: number; measured: number; coldPass: number; warmPass: number; coldUsd: number; warmUsd: number; warmupUsd: number }[];
}

/**
 * A cold run (`--history-split`) against a warm one (`--warm-memory`) of the same tasks, orders and seed: pass@1
 * and dollars per measured task of `policy`, per order, and their paired differences.
 */
export function compareWarmStart(cold: BenchResults, warm: BenchResults, policy = 'sale'): WarmComparison {
  if (cold.options.memoryStart !== 'cold') throw new SaleError('the cold results were not run with --history-split');
  if (!warm.options.memoryStart || warm.options.memoryStart === 'cold') throw new SaleError('the warm results were not run with --warm-memory');
  if (JSON.stringify(cold.orders) !== JSON.stringify(warm.orders) || JSON.stringify(cold.historySplit) !== JSON.stringify(warm.historySplit)) {
    throw new SaleError('cold and warm results measured different tasks or orders (run both with the same suite, --tasks and --seed)');
  }
  const orders = cold.orders.map((o) => o.order);
  const of = (r: BenchResults, o: number) => r.runs.filter((x) => x.policy === policy && x.order === o);
  const passRate = (rs: TaskRun[]) => mean(rs.map((x) => (x.passed ? 1 : 0)));
  const dollars = (rs: TaskRun[]) => mean(rs.map((x) => x.totalUsd));
  const auctions = (rs: TaskRun[]) => mean(rs.map((x) => (heldAuction(x) ? 1 : 0)));
  const per = (r: BenchResults, f: (rs: TaskRun[]) => number) => spread(orders.map((o) => f(of(r, o))));
  const diff = (f: (rs: TaskRun[]) => number) => spread(orders.map((o) => f(of(warm, o)) - f(of(cold, o))));
  const ws = (warm.warmups ?? []).filter((w) => w.policy === policy);
  const perRepo = (cold.historySplit ?? []).map((s) => {
    const ids = new Set(s.measured);
    const pick = (r: BenchResults) => r.runs.filter((x) => x.policy === policy && ids.has(x.taskId));
    return {
      repo: s.repo, history: s.history.length, measured: s.measured.length,
      coldPass: passRate(pick(cold)), warmPass: passRate(pick(warm)), coldUsd: dollars(pick(cold)), warmUsd: dollars(pick(warm)),
      warmupUsd: ws.filter((w) => w.repo === s.repo).reduce((a, w) => a + w.usd, 0) / orders.length,
    };
  });
  return {
    policy, orders: orders.length, tasksPerOrder: of(cold, orders[0]).length,
    cold: { pass: per(cold, passRate), usd: per(cold, dollars), auctions: per(cold, auctions) },
    warm: { pass: per(warm, passRate), usd: per(warm, dollars), auctions: per(warm, auctions) },
    dPass: diff(passRate), dUsd: diff(dollars),
    warmupUsd: spread(orders.map((o) => ws.filter((w) => w.order === o).reduce((a, w) => a + w.usd, 0))),
    perRepo,
  };
}

/** The comparison as Markdown: the paired figures, then one row per repository. */
export function warmComparisonMarkdown(c: WarmComparison, mode: string): string {
  const L: string[] = [];
  L.push(table(['`' + c.policy + '`, measured tasks', 'cold (empty memory)', `warm (--warm-memory ${mode})`, 'warm − cold, paired by order'], [
    ['pass@1', pm(c.cold.pass, pct), pm(c.warm.pass, pct), `${signed({ ...c.dPass, mean: 100 * c.dPass.mean, std: 100 * c.dPass.std }, (x) => x.toFixed(1))} points`],
    ['$ / task', pm(c.cold.usd, usd), pm(c.warm.usd, usd), signed(c.dUsd, usd)],
    ['tasks that held an auction (the rest routed from memory)', pm(c.cold.auctions, pct), pm(c.warm.auctions, pct), '—'],
    ['warm-up $ (once per repository, all repositories) / order', '—', pm(c.warmupUsd, usd), '—'],
  ]));
  L.push('');
  L.push(`${c.tasksPerOrder} measured task runs per order × ${c.orders} order(s); ± is the standard deviation over orders.`);
  L.push('');
  L.push(table(['repository', 'history', 'measured', 'pass@1 cold', 'pass@1 warm', '$ / task cold', '$ / task warm', 'warm-up $ / order'], c.perRepo.map((r) => [
    r.repo, String(r.history), String(r.measured), pct(r.coldPass), pct(r.warmPass), usd(r.coldUsd), usd(r.warmUsd), r.history ? usd(r.warmupUsd) : '—',
  ])));
  return L.join('\n');
}
