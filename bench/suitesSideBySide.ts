/**
 * Two bench results side by side — the hand-written fixture suite and the real-history suite (issue 13 item 4):
 * tokens per execution and per auction, the auction's share of tokens and dollars, and every policy's pass@1 and
 * dollars per task. Reads the results.json files `sale bench` writes; runs nothing.
 *
 * When a cold (`--history-split`) and a warm (`--warm-memory`) run of a suite are in docs/bench/warm-start/{fixture,real-history}-{cold,warm,warm-auction}/,
 * it adds what the warm start changes over each repository's first tasks (src/bench/warmReport.ts). Anything below
 * the NOTES marker in the existing output is hand-written and kept.
 *
 *   npx tsx bench/suitesSideBySide.ts [--fixture docs/bench/results.json] [--history docs/bench/real-history/results.json] [--warm-dir docs/bench/warm-start] [--out docs/bench/suites-side-by-side.md]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchResultsSchema } from '../src/bench/results';
import { compareWarmStart, warmComparisonMarkdown } from '../src/bench/warmReport';

/** Lines from this marker on are hand-written notes, kept when the file is regenerated. */
export const NOTES_MARKER = '<!-- notes below are hand-written; bench/suitesSideBySide.ts keeps them -->';

interface Run {
  policy: string;
  taskId: string;
  passed: boolean;
  auction?: { tokens: number; usd: number };
  execution?: { tokens: number; usd: number };
  totalUsd: number;
  totalTokens: number;
  routing?: { mode?: string };
}
interface Results {
  simulated: boolean;
  command?: string;
  suite: { path: string; tasks: number; used: number };
  options: { orders: number; seed: number };
  pool: { path: string };
  runs: Run[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const pct = (n: number) => (Number.isFinite(n) ? `${(100 * n).toFixed(1)}%` : '—');
const usd = (n: number) => (Number.isFinite(n) ? `$${n.toFixed(5)}` : '—');

export interface SuiteFigures {
  tasks: number;
  orders: number;
  execTokens: number;
  auctionTokens: number;
  auctionShareTokens: number;
  auctionShareUsd: number;
  auctionRate: number;
  policies: Map<string, { pass: number; usd: number; runs: number }>;
}

/** Figures of one results file; the auction's share and rate are sale's (the policy that holds auctions by default). */
export function suiteFigures(r: Results, salePolicy = 'sale'): SuiteFigures {
  const execs = r.runs.filter((x) => x.execution && x.execution.tokens > 0);
  const sale = r.runs.filter((x) => x.policy === salePolicy);
  const auctions = r.runs.filter((x) => x.auction && x.auction.tokens > 0);
  const policies = new Map<string, { pass: number; usd: number; runs: number }>();
  for (const p of [...new Set(r.runs.map((x) => x.policy))]) {
    const rs = r.runs.filter((x) => x.policy === p);
    policies.set(p, { pass: mean(rs.map((x) => (x.passed ? 1 : 0))), usd: mean(rs.map((x) => x.totalUsd)), runs: rs.length });
  }
  return {
    tasks: r.suite.used,
    orders: r.options.orders,
    execTokens: mean(execs.map((x) => x.execution!.tokens)),
    auctionTokens: mean(auctions.map((x) => x.auction!.tokens)),
    auctionShareTokens: sum(sale.map((x) => x.auction?.tokens ?? 0)) / sum(sale.map((x) => x.totalTokens)),
    auctionShareUsd: sum(sale.map((x) => x.auction?.usd ?? 0)) / sum(sale.map((x) => x.totalUsd)),
    auctionRate: mean(sale.map((x) => (x.routing?.mode === undefined || x.routing.mode === 'auction' ? 1 : 0))),
    policies,
  };
}

export function sideBySide(a: { label: string; results: Results }, b: { label: string; results: Results }): string {
  const fa = suiteFigures(a.results);
  const fb = suiteFigures(b.results);
  const lines: string[] = [];
  lines.push(`| | ${a.label} | ${b.label} |`, '| :-- | --: | --: |');
  lines.push(`| tasks × orders | ${fa.tasks} × ${fa.orders} | ${fb.tasks} × ${fb.orders} |`);
  lines.push(`| tokens per execution (all policies) | ${int(fa.execTokens)} | ${int(fb.execTokens)} |`);
  lines.push(`| tokens per auction (auction-holding policies) | ${int(fa.auctionTokens)} | ${int(fb.auctionTokens)} |`);
  lines.push(`| auction's share of sale's tokens | ${pct(fa.auctionShareTokens)} | ${pct(fb.auctionShareTokens)} |`);
  lines.push(`| auction's share of sale's dollars | ${pct(fa.auctionShareUsd)} | ${pct(fb.auctionShareUsd)} |`);
  lines.push(`| sale: tasks that held an auction | ${pct(fa.auctionRate)} | ${pct(fb.auctionRate)} |`);
  lines.push('', `| policy | ${a.label}: pass@1 | ${a.label}: $ / task | ${b.label}: pass@1 | ${b.label}: $ / task |`, '| :-- | --: | --: | --: | --: |');
  for (const p of [...new Set([...fa.policies.keys(), ...fb.policies.keys()])]) {
    const x = fa.policies.get(p);
    const y = fb.policies.get(p);
    lines.push(`| ${p} | ${x ? pct(x.pass) : '—'} | ${x ? usd(x.usd) : '—'} | ${y ? pct(y.pass) : '—'} | ${y ? usd(y.usd) : '—'} |`);
  }
  return lines.join('\n');
}

/** The warm-start section of one suite: its cold run against each warm run present (`-warm`: execute, `-warm-auction`). */
export function warmStartSection(label: string, dir: string): string[] {
  const coldFile = `${dir}-cold/results.json`;
  if (!existsSync(coldFile)) return [];
  const cold = BenchResultsSchema.parse(JSON.parse(readFileSync(coldFile, 'utf8')));
  const out: string[] = [];
  for (const warmFile of [`${dir}-warm/results.json`, `${dir}-warm-auction/results.json`].filter((f) => existsSync(f))) {
    const warm = BenchResultsSchema.parse(JSON.parse(readFileSync(warmFile, 'utf8')));
    const mode = warm.options.memoryStart ?? '';
    out.push(`### ${label}, warm-up by ${mode === 'execute' ? 'whole solves (`--warm-memory execute`)' : 'auctions only (`--warm-memory auction`)'}`, '',
      `Cold: \`${coldFile}\` (${cold.command ?? 'sale bench'}); warm: \`${warmFile}\` (${warm.command ?? 'sale bench'}).`, '',
      warmComparisonMarkdown(compareWarmStart(cold, warm), mode), '');
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({ options: { fixture: { type: 'string' }, history: { type: 'string' }, 'warm-dir': { type: 'string' }, out: { type: 'string' } } });
  const warmDir = values['warm-dir'] ?? 'docs/bench/warm-start';
  const fixtureFile = values.fixture ?? 'docs/bench/results.json';
  const historyFile = values.history ?? 'docs/bench/real-history/results.json';
  const out = values.out ?? 'docs/bench/suites-side-by-side.md';
  const fixture = JSON.parse(readFileSync(fixtureFile, 'utf8')) as Results;
  const history = JSON.parse(readFileSync(historyFile, 'utf8')) as Results;
  const simulated = fixture.simulated || history.simulated;
  const md = [
    '# The two suites side by side',
    '',
    simulated ? '> **Simulated model pool** (src/sim stands in for paid model APIs); every execution and test run is real. Numbers describe the simulated world.\n' : '',
    `Generated by \`npx tsx bench/suitesSideBySide.ts\` from \`${fixtureFile}\` (${fixture.command ?? 'sale bench'}) and \`${historyFile}\` (${history.command ?? 'sale bench'}).`,
    'Pass@1 and dollars are means over every task run of the policy; tokens per execution count the winner\'s execution and any escalation.',
    '',
    sideBySide({ label: 'fixture suite', results: fixture }, { label: 'real-history suite', results: history }),
    '',
  ];
  const warm = [...warmStartSection('fixture suite', join(warmDir, 'fixture')), ...warmStartSection('real-history suite', join(warmDir, 'real-history'))];
  if (warm.length) {
    md.push('## A warmed-up memory over a repository\'s first tasks', '',
      'Each repository\'s tasks are split once, from the suite alone: its earlier tasks are its history, its later ones ' +
      '(the later half, at most 10) are measured. The cold run measures them with an empty memory (`--history-split`); the ' +
      'warm run first replays the history into the memory of `sale` (`--warm-memory`, the step `sale warmup` takes) and ' +
      'then measures the same tasks in the same orders with the same draws. The warm-up never sees a measured task; its ' +
      'cost is paid once per repository and shown apart from the measured dollars. As in every bench run, one memory ' +
      'serves an order\'s whole stream, so a repository\'s task also meets records of other repositories (weighed less, ' +
      '`otherRepoWeight`): cold ones from earlier in the stream, warm ones from every repository\'s history too.', '', ...warm);
  }
  const notes = existsSync(out) ? readFileSync(out, 'utf8').split(NOTES_MARKER)[1] : undefined;
  const text = `${md.join('\n')}${notes !== undefined ? `\n${NOTES_MARKER}${notes}` : ''}`;
  writeFileSync(out, text);
  process.stdout.write(text);
}

if (require.main === module) main();
