import { formatUsd } from '../core/formatUsd';
import type { AuctionRecord, Bid } from '../core/auction/auctionRecord';

const useColor = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
const c = (code: string, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s: string) => c('1', s);
export const dim = (s: string) => c('2', s);
export const green = (s: string) => c('32', s);
export const red = (s: string) => c('31', s);
export const yellow = (s: string) => c('33', s);

function num(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return x.toFixed(digits);
}

function excerpt(b: Bid, width: number): string {
  const src = b.error ? `(failed: ${b.error})` : (b.plan.approach || b.plan.steps.join('; ') || b.raw).replace(/\s+/g, ' ').trim();
  return src.length > width ? src.slice(0, width - 1) + '…' : src;
}

function pad(s: string, w: number, right = false): string {
  const len = [...s].length;
  if (len >= w) return s;
  return right ? ' '.repeat(w - len) + s : s + ' '.repeat(w - len);
}

/** The bids as a fixed-width table: one row per bid, the winner marked. */
export function formatBidTable(rec: AuctionRecord, excerptWidth = 44): string {
  const head = ['agent', 'plan (excerpt)', 'tok', 'entropy', 'jury', 'C', 'V', 'score', 'refined', 'winner'];
  const rows = rec.bids.map((b, i) => [
    b.agent,
    excerpt(b, excerptWidth),
    String(b.tokens),
    num(b.entropy),
    b.jury.length ? b.jury.map((j) => (j.score === null ? '?' : String(j.score))).join(' ') : '—',
    b.error ? '—' : num(b.cost),
    b.error ? '—' : num(b.value),
    b.error ? '—' : num(b.score),
    b.refined ? 'yes' : '',
    i === rec.winnerBidIndex ? '★' : b.agent === rec.provisionalWinner && !b.refined && rec.provisionalWinner !== rec.winner ? '(prov.)' : '',
  ]);
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]].length)));
  const right = new Set([2, 3, 5, 6, 7]);
  const line = (r: string[]) => r.map((cell, i) => pad(cell, widths[i], right.has(i))).join('  ');
  const out = [bold(line(head)), dim(widths.map((w) => '─'.repeat(w)).join('  '))];
  rec.bids.forEach((b, i) => {
    const l = line(rows[i]);
    out.push(i === rec.winnerBidIndex ? green(l) : b.error ? red(l) : l);
  });
  return out.join('\n');
}

export function formatUsage(rec: AuctionRecord): string {
  const u = rec.usage;
  const part = (name: string, t: { inputTokens: number; outputTokens: number; usd: number; calls: number }) =>
    `${name} ${t.calls} calls, ${t.inputTokens + t.outputTokens} tok, ${formatUsd(t.usd, 'micro')}`;
  return `${part('bids', u.bids)} · ${part('jury', u.jury)} · ${part('refinement', u.refinement)} · ${(rec.durationMs / 1000).toFixed(2)} s`;
}
