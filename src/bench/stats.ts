import type { BenchResults, PolicyName, TaskRun } from './results';

/** A figure measured once per order, summarised over orders. */
export interface Spread {
  mean: number;
  /** Sample standard deviation over orders (0 with one order). */
  std: number;
  /** One value per order (NaN where undefined, e.g. dollars per solved task with nothing solved). */
  values: number[];
}

export interface PolicySummary {
  policy: PolicyName;
  /** Tasks per order in this slice. */
  tasks: number;
  pass: Spread;
  totalUsd: Spread;
  usdPerTask: Spread;
  usdPerSolved: Spread;
  /** Share of tasks on which the largest agent executed (in any attempt). */
  largestShare: Spread;
  /** Share of tasks whose first pick was a small agent (the cheaper half of the pool). */
  smallShare: Spread;
  auctionTokenShare: Spread;
  auctionUsdShare: Spread;
  /** Mean escalations (sale) or extra cascade rungs per task. */
  escalations: Spread;
  /** Share of tasks on which a refined bid was written / won. */
  refined: Spread;
  refinedWon: Spread;
  errors: number;
}

export function spread(values: number[]): Spread {
  const xs = values.filter((v) => Number.isFinite(v));
  const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, values };
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Dollars per solved task of some runs (all their dollars over the tasks they solved); NaN when none passed. */
export function usdPerSolved(rs: readonly TaskRun[]): number {
  const solved = rs.filter((r) => r.passed).length;
  return solved ? sum(rs.map((r) => r.totalUsd)) / solved : NaN;
}

function perOrder(runs: TaskRun[], orders: number[], f: (rs: TaskRun[]) => number): Spread {
  return spread(orders.map((o) => {
    const rs = runs.filter((r) => r.order === o);
    return rs.length ? f(rs) : NaN;
  }));
}

export function summarisePolicy(results: BenchResults, policy: PolicyName, filter: (r: TaskRun) => boolean = () => true): PolicySummary {
  const runs = results.runs.filter((r) => r.policy === policy && filter(r));
  const orders = results.orders.map((o) => o.order);
  const small = new Set(results.pool.small);
  const share = (pred: (r: TaskRun) => boolean) => (rs: TaskRun[]) => rs.filter(pred).length / rs.length;
  return {
    policy,
    tasks: runs.length / Math.max(1, orders.length),
    pass: perOrder(runs, orders, share((r) => r.passed)),
    totalUsd: perOrder(runs, orders, (rs) => sum(rs.map((r) => r.totalUsd))),
    usdPerTask: perOrder(runs, orders, (rs) => sum(rs.map((r) => r.totalUsd)) / rs.length),
    usdPerSolved: perOrder(runs, orders, usdPerSolved),
    largestShare: perOrder(runs, orders, share((r) => r.largestExecuted)),
    smallShare: perOrder(runs, orders, share((r) => r.chosen !== null && small.has(r.chosen))),
    auctionTokenShare: perOrder(runs, orders, (rs) => sum(rs.map((r) => r.auction.tokens)) / Math.max(1, sum(rs.map((r) => r.totalTokens)))),
    auctionUsdShare: perOrder(runs, orders, (rs) => {
      const total = sum(rs.map((r) => r.totalUsd));
      return total > 0 ? sum(rs.map((r) => r.auction.usd)) / total : 0;
    }),
    escalations: perOrder(runs, orders, (rs) => sum(rs.map((r) => r.escalations)) / rs.length),
    refined: perOrder(runs, orders, share((r) => r.refined)),
    refinedWon: perOrder(runs, orders, share((r) => r.refinedWon)),
    errors: runs.filter((r) => r.error).length,
  };
}

export function summarise(results: BenchResults, filter?: (r: TaskRun) => boolean): PolicySummary[] {
  return results.options.policies.map((p) => summarisePolicy(results, p, filter));
}

export function binsOf(results: BenchResults): number[] {
  return [...new Set(results.runs.map((r) => r.bin))].sort((a, b) => a - b);
}

/** Auction versus execution, pooled over every order's tasks of a bin (issue 3's figures). */
export interface OverheadRow {
  bin: number | 'all';
  tasks: number;
  auctionTokensPerTask: number;
  executionTokensPerTask: number;
  auctionUsdPerTask: number;
  executionUsdPerTask: number;
  auctionTokenShare: number;
  auctionUsdShare: number;
}

export function overheadByBin(results: BenchResults, policy: PolicyName): OverheadRow[] {
  const runs = results.runs.filter((r) => r.policy === policy);
  const row = (bin: number | 'all', rs: TaskRun[]): OverheadRow => {
    const at = sum(rs.map((r) => r.auction.tokens));
    const et = sum(rs.map((r) => r.execution.tokens));
    const au = sum(rs.map((r) => r.auction.usd));
    const eu = sum(rs.map((r) => r.execution.usd));
    const n = Math.max(1, rs.length);
    return {
      bin, tasks: rs.length,
      auctionTokensPerTask: at / n, executionTokensPerTask: et / n, auctionUsdPerTask: au / n, executionUsdPerTask: eu / n,
      auctionTokenShare: at + et > 0 ? at / (at + et) : 0, auctionUsdShare: au + eu > 0 ? au / (au + eu) : 0,
    };
  };
  return [...binsOf(results).map((b) => row(b, runs.filter((r) => r.bin === b))), row('all', runs)];
}

export interface CurvePoint {
  /** Window: positions [from, to] (1-based, inclusive). */
  from: number;
  to: number;
  share: Spread;
}

/** Learning curve: share of tasks whose pick was a small agent, in consecutive windows of the stream. */
export function learningCurve(results: BenchResults, policy: PolicyName, window: number): CurvePoint[] {
  const runs = results.runs.filter((r) => r.policy === policy);
  const small = new Set(results.pool.small);
  const n = results.suite.used;
  const points: CurvePoint[] = [];
  for (let from = 0; from < n; from += window) {
    const to = Math.min(n, from + window) - 1;
    const share = spread(results.orders.map((o) => {
      const rs = runs.filter((r) => r.order === o.order && r.position >= from && r.position <= to);
      return rs.length ? rs.filter((r) => r.chosen !== null && small.has(r.chosen)).length / rs.length : NaN;
    }));
    points.push({ from: from + 1, to: to + 1, share });
  }
  return points;
}

export function curveWindow(tasks: number): number {
  return Math.max(2, Math.round(tasks / 7));
}

/** Per (order, task): every agent's pass/fail from attempts of unrefined plans (the paired base draws). */
export function baseLabels(results: BenchResults): Map<string, Record<string, boolean>> {
  const out = new Map<string, Record<string, boolean>>();
  for (const r of results.runs) {
    const k = `${r.order}/${r.taskId}`;
    const l = out.get(k) ?? {};
    out.set(k, l);
    for (const a of r.attempts) if (!a.refinedPlan) l[a.agent] ??= a.passed;
  }
  return out;
}

export interface AuctionDiagnostics {
  policy: PolicyName;
  tasks: number;
  /** The auction's provisional winner (original bids only, lowest C − V) would have passed: known / passed. */
  provisional: { labelled: number; passed: number };
  /** Tasks where a refined bid replaced the provisional winner. */
  refinedWon: number;
  /** … of which the refined winner's first attempt passed. */
  refinedWinnerPassed: number;
  /** … of which the provisional winner would have passed (known labels only). */
  provisionalWouldHavePassed: number;
  refinedLabelled: number;
  /** Escalations run, how many of them passed, what they cost. */
  escalations: number;
  escalationsPassed: number;
  escalationUsd: number;
  /** Dollars spent on refinement rounds is not separated in results; auction dollars overall. */
  auctionUsd: number;
}

/** What the auction's parts did, from the paired labels (explains the headline; needs the oracle or enough base runs). */
export function auctionDiagnostics(results: BenchResults, policy: PolicyName): AuctionDiagnostics {
  const labels = baseLabels(results);
  const runs = results.runs.filter((r) => r.policy === policy && r.bids?.length);
  const d: AuctionDiagnostics = {
    policy, tasks: runs.length, provisional: { labelled: 0, passed: 0 }, refinedWon: 0, refinedWinnerPassed: 0, provisionalWouldHavePassed: 0,
    refinedLabelled: 0, escalations: 0, escalationsPassed: 0, escalationUsd: 0, auctionUsd: 0,
  };
  for (const r of runs) {
    const l = labels.get(`${r.order}/${r.taskId}`) ?? {};
    const prov = [...r.bids!].filter((b) => b.round === 0).sort((a, b) => a.score - b.score || a.price - b.price)[0];
    const provOk = prov ? l[prov.agent] : undefined;
    if (provOk !== undefined) {
      d.provisional.labelled++;
      if (provOk) d.provisional.passed++;
    }
    if (r.refinedWon) {
      d.refinedWon++;
      if (r.attempts[0]?.passed) d.refinedWinnerPassed++;
      if (provOk !== undefined) {
        d.refinedLabelled++;
        if (provOk) d.provisionalWouldHavePassed++;
      }
    }
    for (const a of r.attempts.slice(1)) {
      d.escalations++;
      if (a.passed) d.escalationsPassed++;
      d.escalationUsd += a.usd;
    }
    d.auctionUsd += r.auction.usd;
  }
  return d;
}
