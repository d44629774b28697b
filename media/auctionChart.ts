/**
 * The auction as a picture, as pure geometry (no DOM, unit-tested): each bid a point of cost C (x) against value
 * V (y); lines of equal score C − V run at 45° in data units, and since lower scores win, the best trade is the
 * point on the line furthest up and to the left. A refined bid is joined to the bid it replaced. The panel turns
 * this into inline SVG with theme colours (panel.ts); no chart library, since a few lines and circles are all it takes.
 */
import type { Bid } from '../src/core/auction/auctionRecord';
import { type MeasureText, type PlacedLabel, estimateTextWidth, markerBox, placeFittedLabels, shortNames } from './labelLayout';

export interface ChartPoint {
  index: number;
  agent: string;
  cx: number;
  cy: number;
  kind: 'winner' | 'refined' | 'bid';
  label: string;
  /** Exact figures for the hover tooltip. */
  title: string;
}
export interface ChartLine { x1: number; y1: number; x2: number; y2: number; kind: 'iso-winner' | 'iso' | 'link'; title?: string }
export interface ChartTick { pos: number; text: string }
export interface AuctionChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  points: ChartPoint[];
  lines: ChartLine[];
  xTicks: ChartTick[];
  yTicks: ChartTick[];
  /** One label per point (same order), clear of each other and of the points. */
  labels: PlacedLabel[];
  /** The name prefix every label leaves out ('' when none), said in the caption. */
  labelPrefix: string;
  /** Text alternative for screen readers. */
  summary: string;
  /** The winner is not the best score (routing's `auctionWinner: 'value'` picked it): points above its line scored better. */
  byValue: boolean;
}

/** A figure for people: at most 3 significant digits, no trailing zeros. */
export function roundForPeople(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return String(Number(x.toFixed(digits)));
}

/** About `n` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

/** [lo, hi] widened by 12% each side (a single value gets a span of its own), so no point sits on the frame. */
export const padRange = (lo: number, hi: number): [number, number] => {
  const span = hi - lo || Math.max(Math.abs(hi), 1) * 0.2;
  return [lo - span * 0.12, hi + span * 0.12];
};

export function auctionChart(bids: Bid[], winnerIdx: number | null, size = { width: 320, height: 190 }, measure: MeasureText = estimateTextWidth): AuctionChart | null {
  const valid = bids.map((b, index) => ({ b, index })).filter(({ b }) => !b.error && Number.isFinite(b.score));
  if (!valid.length) return null;
  const plot = { left: 40, top: 10, right: size.width - 10, bottom: size.height - 32 };
  const [x0, x1] = padRange(Math.min(...valid.map(({ b }) => b.cost)), Math.max(...valid.map(({ b }) => b.cost)));
  const [y0, y1] = padRange(Math.min(...valid.map(({ b }) => b.value)), Math.max(...valid.map(({ b }) => b.value)));
  const sx = (c: number) => plot.left + ((c - x0) / (x1 - x0)) * (plot.right - plot.left);
  const sy = (v: number) => plot.bottom - ((v - y0) / (y1 - y0)) * (plot.bottom - plot.top);

  /** The segment of the line V = C − score inside the plot (clipped to its data box). */
  const isoLine = (score: number, kind: ChartLine['kind']): ChartLine | null => {
    const pts: [number, number][] = [];
    const add = (c: number, v: number) => {
      if (c >= x0 - 1e-12 && c <= x1 + 1e-12 && v >= y0 - 1e-12 && v <= y1 + 1e-12) pts.push([c, v]);
    };
    add(x0, x0 - score);
    add(x1, x1 - score);
    add(y0 + score, y0);
    add(y1 + score, y1);
    if (pts.length < 2) return null;
    pts.sort((a, b) => a[0] - b[0]);
    const [a, b] = [pts[0], pts[pts.length - 1]];
    return { x1: sx(a[0]), y1: sy(a[1]), x2: sx(b[0]), y2: sy(b[1]), kind, title: `score C − V = ${roundForPeople(score)}` };
  };

  const lines: ChartLine[] = [];
  for (const { b, index } of valid) {
    if (index === winnerIdx) continue;
    const l = isoLine(b.score, 'iso');
    if (l) lines.push(l);
  }
  const win = valid.find(({ index }) => index === winnerIdx);
  const byValue = !!win && valid.some(({ b }) => b.score < win.b.score);
  if (win) {
    const l = isoLine(win.b.score, 'iso-winner');
    const says = byValue ? 'the points above this line scored better; it won by expected value' : 'every point above this line would beat it';
    if (l) lines.push({ ...l, title: `winner's score ${roundForPeople(win.b.score)}: ${says}` });
  }
  // A refined bid replaced its agent's original bid.
  for (const { b } of valid) {
    if (!b.refined) continue;
    const orig = valid.find((o) => o.b.agent === b.agent && !o.b.refined);
    if (orig) lines.push({ x1: sx(orig.b.cost), y1: sy(orig.b.value), x2: sx(b.cost), y2: sy(b.value), kind: 'link', title: `${b.agent} refined its bid from memory` });
  }
  const names = shortNames([...new Set(valid.map(({ b }) => b.agent))]);
  const points: ChartPoint[] = valid.map(({ b, index }) => ({
    index,
    agent: b.agent,
    cx: sx(b.cost),
    cy: sy(b.value),
    kind: index === winnerIdx ? 'winner' : b.refined ? 'refined' : 'bid',
    label: `${names.short.get(b.agent)}${b.refined ? ' (refined)' : ''}`,
    title: `${b.agent}${b.refined ? ' (refined)' : ''}${index === winnerIdx ? ' — winner' : ''}\n` +
      `C (cost) ${b.cost}\nV (value) ${b.value} = jury ${b.valueJury} + entropy ${b.valueEntropy}\nscore C − V ${b.score}`,
  }));
  const xTicks = niceTicks(x0, x1).map((v) => ({ pos: sx(v), text: roundForPeople(v) }));
  const yTicks = niceTicks(y0, y1).map((v) => ({ pos: sy(v), text: roundForPeople(v) }));
  const summary = `Cost against value for ${valid.length} bid${valid.length === 1 ? '' : 's'}` +
    (!win ? '.' : byValue
      ? `; ${win.b.agent} won by expected value with score C − V ${roundForPeople(win.b.score)}, not the lowest.`
      : `; ${win.b.agent} has the lowest score C − V (${roundForPeople(win.b.score)}).`);
  // The winner's label is placed first, so it gets the spot beside its point.
  const order = [...points].sort((a, b) => Number(b.kind === 'winner') - Number(a.kind === 'winner'));
  const placed = placeFittedLabels(order.map((p) => ({ key: String(p.index), x: p.cx, y: p.cy, text: p.label })),
    { left: plot.left + 1, top: 0, right: size.width - 1, bottom: plot.bottom - 1 },
    points.map((p) => markerBox(p.cx, p.cy, p.kind === 'winner' ? 6.5 : 5)), plot.right - plot.left, measure);
  const labels = points.map((p) => placed.find((l) => l.key === String(p.index))!);
  return { ...size, plot, points, lines, xTicks, yTicks, labels, labelPrefix: names.prefix, summary, byValue };
}
