import { formatUsd } from '../core/formatUsd';
import { routedFromMemoryLine } from '../core/routing/routingRecord';
import type { SolveResult } from '../core/solve';
import { bold, dim, formatBidTable, formatUsage, green, red, yellow } from './bidTable';

const usd = (x: number) => formatUsd(x, 'micro');

/** Prints an auction and what its execution did, for a person at a terminal. */
export function formatSolveReport(r: SolveResult, opts: { simulated: boolean; diffLines?: number }): string {
  const out: string[] = [];
  const routed = r.auction.routing?.mode === 'routed';
  out.push(`${bold(`${routed ? 'Routed from memory' : 'Auction'} for "${r.task.title}"`)}${opts.simulated ? yellow('  [SIMULATED models]') : ''}`);
  if (routed) {
    const d = r.auction.routing!;
    // The line a user reads first: who runs, on what evidence, and that nothing was spent on bidding.
    out.push(`  ${routedFromMemoryLine(d)} ${dim('(sale solve --auction holds it anyway)')}`);
  } else {
    out.push(formatBidTable(r.auction));
  }
  out.push('');
  for (const l of r.auction.explanation) out.push(`  ${l}`);
  const refined = r.auction.refinements.filter((x) => !x.error);
  if (refined.length) {
    out.push(`  Refinement: ${refined.map((x) => `${x.agent} refined from ${x.examples} past auction(s)${x.replacedWinner ? ' and took the win' : ''}`).join('; ')}.`);
  }
  out.push(dim(`  ${formatUsage(r.auction)}`));
  out.push('');
  const ex = r.execution;
  if (!ex) {
    out.push(yellow(r.notExecuted ? `  ${r.notExecuted.message}` : '  Nothing was executed.'));
    return out.join('\n');
  }
  for (const a of ex.attempts) {
    const line = `  ${a.agent} executed: ${a.passed ? 'tests PASSED' : `failed (${a.reason})`} — ${a.turns} turns, ${a.inputTokens + a.outputTokens} tokens, ${usd(a.usd)}`;
    out.push(a.passed ? green(line) : red(line));
  }
  if (ex.escalatedFrom.length) out.push(`  Escalated from ${ex.escalatedFrom.join(' → ')} to ${ex.final.agent}.`);
  if (ex.escalationNote) out.push(dim(`  ${ex.escalationNote}`));
  if (r.overridden) out.push(`  (the user overrode the auction's winner)`);
  const t = ex.final.lastTest;
  if (t) {
    out.push(dim(`  final test run: \`${t.command}\` → exit ${t.exitCode ?? 'none'} (${t.runner}, ${t.durationMs} ms)`));
    const tail = t.output.trim().split('\n').slice(-6).map((l) => `    ${l}`).join('\n');
    if (tail) out.push(dim(tail));
  }
  out.push('');
  out.push(bold('  Cost') + `  auction ${usd(r.totals.auctionUsd)} (${r.totals.auctionTokens} tok) · execution ${usd(r.totals.execUsd)} (${r.totals.execTokens} tok) · total ${usd(r.totals.totalUsd)}` +
    `  · auction share ${(100 * r.totals.auctionTokens / Math.max(1, r.totals.auctionTokens + r.totals.execTokens)).toFixed(1)}% of tokens`);
  const diff = ex.final.diff.trim();
  if (diff) {
    const lines = diff.split('\n');
    const max = opts.diffLines ?? 60;
    out.push('');
    out.push(bold(`  Diff (${ex.final.filesChanged.length} file(s): ${ex.final.filesChanged.join(', ')})`));
    out.push(lines.slice(0, max).map((l) => (l.startsWith('+') && !l.startsWith('+++') ? green(l) : l.startsWith('-') && !l.startsWith('---') ? red(l) : l)).join('\n'));
    if (lines.length > max) out.push(dim(`  … ${lines.length - max} more diff lines`));
  }
  return out.join('\n');
}
