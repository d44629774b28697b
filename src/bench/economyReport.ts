/**
 * Issue 8's figures: does the auction pay for itself? SALE against the reference agent (paired by order), the
 * auction's share of dollars once memory is warm, the learning curve of the auction rate, dollars per solved task
 * against the router, the cascade and the oracle, how often the reference agent executes, the ablation rows and
 * the winner's curse. Markdown sections for report.md, and one row per world for `npm run bench:worlds`.
 */
import { ABLATIONS, type BenchResults, type PolicyName, type TaskRun } from './results';
import { type Spread, auctionDiagnostics, curveWindow, spread, sum, summarisePolicy, usdPerSolved } from './stats';
import { routingSettings } from '../core/routing/routingSettings';
import { binBound } from './binBound';
import { type OutcomeClass, spendByOutcome } from './spendByOutcome';

const pct = (v: number, d = 0) => (Number.isFinite(v) ? `${(100 * v).toFixed(d)}%` : '—');
const pm = (s: Spread, f: (v: number) => string) => (Number.isFinite(s.mean) ? `${f(s.mean)} ± ${f(s.std).replace(/^\$/, '')}` : '—');
const ratio = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const usd = (v: number) => (Number.isFinite(v) ? `$${v.toFixed(v >= 0.01 ? 4 : 5)}` : '—');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? ':--' : '--:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function perOrder(results: BenchResults, policy: PolicyName, f: (rs: TaskRun[]) => number): Spread {
  return spread(results.orders.map((o) => {
    const rs = results.runs.filter((r) => r.policy === policy && r.order === o.order);
    return rs.length ? f(rs) : NaN;
  }));
}

/** Auction dollars (or, with `part` 'routedPlan', routed tasks' plans from memory) over all dollars on the second half of each order's stream (memory warm). */
export function warmAuctionShare(results: BenchResults, policy: PolicyName, part: 'auction' | 'routedPlan' = 'auction'): Spread {
  const half = Math.floor(results.suite.used / 2);
  return perOrder(results, policy, (rs) => {
    const warm = rs.filter((r) => r.position >= half);
    const total = sum(warm.map((r) => r.totalUsd));
    return total > 0 ? sum(warm.map((r) => r[part]?.usd ?? 0)) / total : 0;
  });
}

/** Per-order ratio of a policy's figure to the reference agent's (paired). */
function pairedRatio(results: BenchResults, policy: PolicyName, f: (rs: TaskRun[]) => number): Spread {
  const a = perOrder(results, policy, f);
  const b = perOrder(results, 'largest', f);
  return spread(a.values.map((v, i) => v / b.values[i]));
}

const dollars = (rs: TaskRun[]) => sum(rs.map((r) => r.totalUsd));
const passRate = (rs: TaskRun[]) => rs.filter((r) => r.passed).length / rs.length;
const perSolved = (rs: TaskRun[]) => {
  const n = rs.filter((r) => r.passed).length;
  return n ? dollars(rs) / n : NaN;
};

export interface EconomyFigures {
  policy: PolicyName;
  pass: Spread;
  referencePass: Spread;
  passDiff: Spread;
  dollarsVsReference: Spread;
  warmAuctionShare: Spread;
  /** Routed tasks' plans from memory: no auction, reported beside it so no overhead hides. */
  warmRoutedPlanShare: Spread;
  auctionRate: Spread;
  usdPerSolved: Spread;
  referenceExecuted: Spread;
  escalations: number;
  escalationsPassed: number;
}

/**
 * Whether the task held an auction. A routed task spends on its plan's check (a juror call, counted as auction
 * dollars) without holding one, so the routing decision says it, not the dollars.
 */
export function heldAuction(r: TaskRun): boolean {
  return r.routing ? r.routing.mode !== 'routed' : r.auction.usd > 0;
}

export function economyFigures(results: BenchResults, policy: PolicyName): EconomyFigures | undefined {
  if (!results.runs.some((r) => r.policy === policy) || !results.runs.some((r) => r.policy === 'largest')) return undefined;
  const pass = perOrder(results, policy, passRate);
  const referencePass = perOrder(results, 'largest', passRate);
  const runs = results.runs.filter((r) => r.policy === policy);
  return {
    policy,
    pass,
    referencePass,
    passDiff: spread(pass.values.map((v, i) => v - referencePass.values[i])),
    dollarsVsReference: pairedRatio(results, policy, dollars),
    warmAuctionShare: warmAuctionShare(results, policy),
    warmRoutedPlanShare: warmAuctionShare(results, policy, 'routedPlan'),
    auctionRate: perOrder(results, policy, (rs) => rs.filter(heldAuction).length / rs.length),
    usdPerSolved: perOrder(results, policy, perSolved),
    referenceExecuted: perOrder(results, policy, (rs) => rs.filter((r) => r.largestExecuted).length / rs.length),
    escalations: sum(runs.map((r) => r.attempts.length - 1).filter((n) => n > 0)),
    escalationsPassed: runs.filter((r) => r.attempts.length > 1 && r.passed).length,
  };
}

/** Auction rate and auction share of dollars in windows along the stream (memory grows along it). */
export function auctionCurve(results: BenchResults, policy: PolicyName): { from: number; to: number; rate: Spread; share: Spread }[] {
  const n = results.suite.used;
  const w = curveWindow(n);
  const out = [];
  for (let from = 0; from < n; from += w) {
    const to = Math.min(n, from + w) - 1;
    const inWindow = (rs: TaskRun[]) => rs.filter((r) => r.position >= from && r.position <= to);
    out.push({
      from: from + 1, to: to + 1,
      rate: perOrder(results, policy, (rs) => inWindow(rs).filter(heldAuction).length / Math.max(1, inWindow(rs).length)),
      share: perOrder(results, policy, (rs) => {
        const total = sum(inWindow(rs).map((r) => r.totalUsd));
        return total > 0 ? sum(inWindow(rs).map((r) => r.auction.usd)) / total : 0;
      }),
    });
  }
  return out;
}

export interface TargetCheck {
  text: string;
  met: boolean;
}

export function targetChecks(results: BenchResults): TargetCheck[] {
  const e = economyFigures(results, 'sale');
  if (!e) return [];
  const solved = (p: PolicyName) => (results.runs.some((r) => r.policy === p) ? summarisePolicy(results, p).usdPerSolved.mean : NaN);
  const s = e.usdPerSolved.mean;
  const router = solved('router');
  const cascade = solved('cascade');
  const oracle = solved('oracle');
  const checks: (TargetCheck | undefined)[] = [
    { met: e.dollarsVsReference.mean <= 0.5 && e.passDiff.mean >= 0, text: `dollars ≤ 0.5× the reference agent's at pass@1 ≥ its: ${ratio(e.dollarsVsReference.mean)} (± ${e.dollarsVsReference.std.toFixed(2)}), pass@1 ${pct(e.pass.mean, 1)} vs ${pct(e.referencePass.mean, 1)} (${e.passDiff.mean >= 0 ? '+' : '−'}${Math.abs(100 * e.passDiff.mean).toFixed(1)} ± ${(100 * e.passDiff.std).toFixed(1)} points, paired)` },
    { met: e.warmAuctionShare.mean <= 0.05, text: `auction ≤ 5% of dollars over the second half of each stream: ${pct(e.warmAuctionShare.mean, 1)} ± ${pct(e.warmAuctionShare.std, 1)} (routed tasks' plans from memory, no auction, add ${pct(e.warmRoutedPlanShare.mean, 1)})` },
    // A baseline that was not run is not a target missed: its line is left out.
    Number.isFinite(router) ? { met: s < router, text: `$/solved below the router's: ${usd(s)} vs ${usd(router)}` } : undefined,
    Number.isFinite(cascade) ? { met: s < cascade, text: `$/solved below the cascade's: ${usd(s)} vs ${usd(cascade)}` } : undefined,
    Number.isFinite(oracle) ? { met: s <= 1.5 * oracle, text: `$/solved ≤ 1.5× the oracle's: ${usd(s)} vs ${usd(oracle)} (${ratio(s / oracle)})` } : undefined,
    { met: e.referenceExecuted.mean <= 0.3, text: `the reference agent executes on ≤ 30% of tasks: ${pct(e.referenceExecuted.mean)} ± ${pct(e.referenceExecuted.std)}` },
  ];
  return checks.filter((c): c is TargetCheck => !!c);
}

/** Report.md sections: the targets, the learning curve of the auction, the ablations, the winner's curse. */
export function economySections(results: BenchResults): string[] {
  const e = economyFigures(results, 'sale');
  if (!e) return [];
  const L: string[] = [];
  const ref = results.pool.largest;
  const source = results.pool.referenceSource === 'pool' ? 'marked `reference: true` in the pool' : results.pool.referenceSource === 'flag' ? 'named with `--reference`' : 'by default: the most expensive agent';
  L.push('## Does the auction pay for itself? (issue 8)');
  L.push('');
  L.push(`Reference agent: **\`${ref}\`** (${source}); the \`largest\` policy always runs it. Means over orders ± std, paired by order where a ratio or difference is shown.`);
  L.push('');
  for (const t of targetChecks(results)) L.push(`- ${t.met ? '**met**' : '**not met**'} — ${t.text}`);
  L.push('');
  L.push(...boundSection(results));
  L.push(...spendSection(results));
  L.push('### Learning curve of the auction');
  L.push('');
  L.push('Share of tasks on which `sale` held an auction (the rest were routed from memory), and the auction\'s share of `sale`\'s dollars, in windows along each stream.');
  L.push('');
  const curve = auctionCurve(results, 'sale');
  L.push(table(['', ...curve.map((c) => `tasks ${c.from}–${c.to}`)], [
    ['auction rate', ...curve.map((c) => pm(c.rate, (v) => pct(v)))],
    ['auction share of $', ...curve.map((c) => pm(c.share, (v) => pct(v)))],
  ]));
  L.push('');
  const causes = new Map<string, number>();
  for (const r of results.runs.filter((x) => x.policy === 'sale')) causes.set(r.routing?.cause ?? 'none', (causes.get(r.routing?.cause ?? 'none') ?? 0) + 1);
  L.push(`Routing decisions over all orders: ${[...causes].map(([c, n]) => `${c} ${n}`).join(', ')} ("routed": no auction (with the plan check on, the routed plan passed it); "empty"/"thin": memory too thin; "uncertain": the auction's information was worth its price; "explore": the bounded exploration; "check", with the plan check on: the routed plans were rated too low, so the auction was held among the other agents).`);
  L.push('');
  const esc = escalationCalibration(results, 'sale');
  if (esc.escalations > 0) {
    L.push(`Escalation against its discount: \`sale\` escalated ${esc.escalations} times and ${esc.passed} passed; the escalated agents' own first attempts in these runs pass often enough to predict ${esc.predicted.toFixed(1)}, so a second attempt passed ${(esc.passed / esc.predicted).toFixed(2)}× as often as a first (routing's \`escalationDiscount\` assumes ${routingSettings().escalationDiscount} by default).`);
    L.push('');
  }
  const rows = (['sale', ...Object.keys(ABLATIONS)] as PolicyName[]).map((p) => economyFigures(results, p)).filter((x): x is EconomyFigures => !!x);
  if (rows.length > 1) {
    L.push('### Ablations');
    L.push('');
    L.push(table(['policy', 'what is off', 'pass@1', 'pass@1 − reference (points)', 'dollars vs reference', '$ / solved', 'auction share of $ (warm half)', 'reference executes', 'escalations (passed)'], rows.map((x) => [
      x.policy === 'sale' ? '**sale**' : x.policy,
      x.policy === 'sale' ? 'nothing' : ABLATIONS[x.policy] ?? '',
      pm(x.pass, (v) => pct(v, 1)),
      `${x.passDiff.mean >= 0 ? '+' : '−'}${Math.abs(100 * x.passDiff.mean).toFixed(1)} ± ${(100 * x.passDiff.std).toFixed(1)}`,
      `${x.dollarsVsReference.mean.toFixed(2)}× ± ${x.dollarsVsReference.std.toFixed(2)}`,
      usd(x.usdPerSolved.mean),
      pm(x.warmAuctionShare, (v) => pct(v, 1)),
      pm(x.referenceExecuted, (v) => pct(v)),
      `${x.escalations} (${x.escalationsPassed})`,
    ])));
    L.push('');
    if (results.runs.some((r) => r.policy === 'cascade-by-price') && results.runs.some((r) => r.policy === 'cascade')) {
      const c = summarisePolicy(results, 'cascade');
      const cp = summarisePolicy(results, 'cascade-by-price');
      L.push(`Item 4 (the cascade climbs the capability order): \`cascade\` ${pct(c.pass.mean, 1)} pass@1 at ${usd(c.usdPerSolved.mean)} per solved task, \`cascade-by-price\` ${pct(cp.pass.mean, 1)} at ${usd(cp.usdPerSolved.mean)}.`);
      L.push('');
    }
  }
  L.push('### Winner\'s curse');
  L.push('');
  L.push('When a refined bid replaced the provisional winner (auctions only; routed tasks have no refinement), did the replacing pick pass more often than the replaced one would have (paired draws)?');
  L.push('');
  const diag = (['sale', 'sale-routing', 'sale-paper'] as PolicyName[]).filter((p) => results.runs.some((r) => r.policy === p)).map((p) => auctionDiagnostics(results, p));
  L.push(table(['policy', 'auctions', 'refined bid replaced the winner', 'replacing pick passed', 'replaced pick would have passed'], diag.map((d) => [
    d.policy, String(d.tasks), String(d.refinedWon), `${d.refinedWinnerPassed} / ${d.refinedWon}`, `${d.provisionalWouldHavePassed} / ${d.refinedLabelled}`,
  ])));
  L.push('');
  return L;
}

/** How low $/solved could go without seeing outcomes (binBound.ts), next to `sale`'s, pooled over orders. */
function boundSection(results: BenchResults): string[] {
  const b = binBound(results);
  const saleUsdPerSolved = usdPerSolved(results.runs.filter((r) => r.policy === 'sale'));
  const row = b?.rows.find((x) => x.floor === b.referencePass);
  if (!b || !row || !Number.isFinite(saleUsdPerSolved)) return [];
  const saleRatio = saleUsdPerSolved / b.oracleUsdPerSolved;
  const seqs = row.sequences.map((s) => `bin ${s.bin}: ${s.agents.map((a) => `\`${a}\``).join(' → ')}`).join('; ');
  return [
    '### How low can $/solved go without seeing outcomes?',
    '',
    `A bound from the oracle's runs (\`src/bench/binBound.ts\`): a policy *told each task's difficulty bin*, which no real signal gives, that tries per bin one fixed sequence of agents chosen with hindsight on these very runs. ` +
      `At the reference's pass@1 (${pct(b.referencePass, 1)}) it pays **${ratio(row.usdPerSolved / b.oracleUsdPerSolved)}** the oracle's dollars per solved task (pooled over orders; \`sale\` ${ratio(saleRatio)} on the same footing), with ${seqs}. ` +
      'The oracle pays only for the cheapest passing run; a policy that does not know the outcome also pays for the runs that fail. (The bound can still fall below 1× where the floor lets it leave unsolved the tasks that only a dear agent solves, which the oracle pays for.) ' +
      'Memory\'s in-context boost is not in this bound: `npx tsx bench/binBound.bench.ts <results.json>` adds the world\'s largest boost to every attempt, a generous allowance.',
    '',
  ];
}

const OUTCOME_LABEL: Record<OutcomeClass, string> = {
  solved: 'solved by `sale`',
  missed: 'another agent passed it, `sale` did not',
  unsolved: 'no agent passed it',
};

/** Where `sale`'s dollars went, by what hindsight knows of each task (spendByOutcome.ts). */
function spendSection(results: BenchResults): string[] {
  const s = spendByOutcome(results, 'sale');
  if (!s || !s.solved || !Number.isFinite(s.oracleUsdPerSolved)) return [];
  const unsolved = s.classes.find((c) => c.outcome === 'unsolved')!;
  const x = (usd: number) => ratio(usd / s.solved / s.oracleUsdPerSolved);
  return [
    '### Where `sale`\'s dollars go',
    '',
    'Each task by what hindsight knows of it: the oracle ran every agent on it with the draws `sale` saw. Pooled over orders.',
    '',
    table(['tasks', 'count', 'share of `sale`\'s $', 'bidding and plans', 'first attempts', 'escalations (passed)', 'on escalations', 'the oracle\'s $ on them'], s.classes.map((c) => [
      OUTCOME_LABEL[c.outcome], String(c.tasks), pct(s.usd ? c.usd / s.usd : NaN, 1), usd(c.overheadUsd), usd(c.firstAttemptUsd), `${c.escalations} (${c.escalationsPassed})`, usd(c.escalationUsd), usd(c.oracleUsd),
    ])),
    '',
    `On tasks no agent passed, \`sale\` spent ${pct(s.usd ? unsolved.usd / s.usd : NaN, 1)} of its dollars, ${usd(unsolved.escalationUsd)} of it on ${unsolved.escalations} escalations; the oracle paid ${usd(unsolved.oracleUsd)} there (the cheapest agent's run). ` +
      `\`sale\`'s $/solved is ${x(s.usd)} the oracle's; without those escalations (a stop rule only hindsight has) it would be ${x(s.usd - unsolved.escalationUsd)}, and paying there only what the oracle paid, ${x(s.usd - unsolved.usd + unsolved.oracleUsd)}.`,
    '',
  ];
}

/**
 * How often an escalation passed against what its agents' first attempts predict: each escalated attempt counts its
 * agent's first-attempt pass rate over the policy's runs (Laplace-smoothed). Their ratio is what routing's
 * `escalationDiscount` stands for (a failure makes the task look harder for everyone).
 */
export function escalationCalibration(results: BenchResults, policy: PolicyName): { escalations: number; passed: number; predicted: number } {
  const runs = results.runs.filter((r) => r.policy === policy);
  const first = new Map<string, { n: number; passed: number }>();
  for (const r of runs) {
    const a = r.attempts[0];
    if (!a) continue;
    const t = first.get(a.agent) ?? { n: 0, passed: 0 };
    t.n++;
    if (a.passed) t.passed++;
    first.set(a.agent, t);
  }
  let escalations = 0;
  let passed = 0;
  let predicted = 0;
  for (const r of runs) {
    for (const a of r.attempts.slice(1)) {
      const t = first.get(a.agent) ?? { n: 0, passed: 0 };
      escalations++;
      if (a.passed) passed++;
      predicted += (t.passed + 1) / (t.n + 2);
    }
  }
  return { escalations, passed, predicted };
}

/** One row per world for the combined table of `npm run bench:worlds`. */
export function worldRow(name: string, results: BenchResults): string[] {
  const e = economyFigures(results, 'sale');
  const solved = (p: PolicyName) => (results.runs.some((r) => r.policy === p) ? summarisePolicy(results, p).usdPerSolved.mean : NaN);
  if (!e) return [name, '—', '—', '—', '—', '—', '—', '—', '—'];
  return [
    name,
    `\`${results.pool.largest}\``,
    `${pct(e.pass.mean, 1)} vs ${pct(e.referencePass.mean, 1)}`,
    ratio(e.dollarsVsReference.mean),
    pct(e.warmAuctionShare.mean, 1),
    usd(e.usdPerSolved.mean),
    `${usd(solved('router'))} / ${usd(solved('cascade'))} / ${usd(solved('oracle'))}`,
    pct(e.referenceExecuted.mean),
    targetChecks(results).filter((t) => !t.met).map((t) => t.text.split(':')[0]).join('; ') || 'none',
  ];
}

export const WORLD_HEAD = ['world', 'reference agent', 'sale pass@1 vs reference', 'dollars vs reference', 'auction share (warm half)', 'sale $ / solved', 'router / cascade / oracle $ / solved', 'reference executes', 'targets not met'];
