/**
 * Execution figures from one or more bench results.json files, side by side: per policy, pass@1, tokens and
 * turns per execution attempt, how attempts ended, and the auction's share of tokens and dollars.
 *
 *   npx tsx bench/execStats.ts LABEL=path/results.json [LABEL=path/results.json …]
 */
import { readFileSync } from 'node:fs';

interface Run {
  policy: string;
  passed: boolean;
  auction?: { tokens: number; usd: number };
  execution?: { tokens: number; usd: number };
  totalUsd: number;
  totalTokens: number;
  attempts: { reason: string; turns: number; tokens: number }[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.includes('=') ? arg.split('=', 2) : [arg, arg];
  const runs = (JSON.parse(readFileSync(file, 'utf8')) as { runs: Run[] }).runs;
  process.stdout.write(`\n### ${label}\n\n| policy | runs | pass@1 | tokens / execution attempt | turns / attempt | attempts ended by | auction share of tokens | auction share of $ | $ / task |\n| :-- | --: | --: | --: | --: | :-- | --: | --: | --: |\n`);
  for (const policy of [...new Set(runs.map((r) => r.policy))]) {
    const rs = runs.filter((r) => r.policy === policy);
    const attempts = rs.flatMap((r) => r.attempts);
    const reasons = new Map<string, number>();
    for (const a of attempts) reasons.set(a.reason, (reasons.get(a.reason) ?? 0) + 1);
    const auctionTok = rs.reduce((n, r) => n + (r.auction?.tokens ?? 0), 0);
    const auctionUsd = rs.reduce((n, r) => n + (r.auction?.usd ?? 0), 0);
    const totTok = rs.reduce((n, r) => n + r.totalTokens, 0);
    const totUsd = rs.reduce((n, r) => n + r.totalUsd, 0);
    process.stdout.write(`| ${policy} | ${rs.length} | ${(100 * mean(rs.map((r) => (r.passed ? 1 : 0)))).toFixed(1)}% | ${Math.round(mean(attempts.map((a) => a.tokens))).toLocaleString('en')} | ` +
      `${mean(attempts.map((a) => a.turns)).toFixed(1)} | ${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')} | ${totTok ? ((100 * auctionTok) / totTok).toFixed(1) : '0.0'}% | ` +
      `${totUsd ? ((100 * auctionUsd) / totUsd).toFixed(1) : '0.0'}% | $${(totUsd / rs.length).toFixed(5)} |\n`);
  }
}
