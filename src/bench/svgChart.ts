/**
 * Two small hand-written SVG charts for the benchmark report (a scatter with error bars and a line chart
 * with ± bands). Self-contained SVG 1.1: white background, system sans-serif font, no scripts, no external
 * references — readable on GitHub in light and dark mode and convertible to PNG by rsvg-convert or chromium.
 */

export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
  xErr?: number;
  yErr?: number;
  color: string;
  /** Drawn larger, label in bold. */
  emphasis?: boolean;
}

export interface ScatterChart {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  /** Shaded region: x ≤ x0 and y ≥ y0 (e.g. "cheaper than and at least as good as the largest agent"). */
  region?: { x0: number; y0: number; label: string };
  /** The y axis never leaves these bounds (e.g. [0, 1] for rates). */
  yBounds?: [number, number];
  width?: number;
  height?: number;
}

export interface LineSeries {
  label: string;
  color: string;
  points: { x: number; y: number; err?: number }[];
  dashed?: boolean;
  emphasis?: boolean;
}

export interface LineChart {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  /** Tick positions on x (default: every x of the first series). */
  xTicks?: number[];
  yDomain?: [number, number];
  /** Shift series i by (i − (n−1)/2)·dodge on x, so identical series stay visible (categorical x only). */
  dodge?: number;
  /** Draw ± bands only for emphasised series (several overlapping bands are unreadable). */
  bandsForEmphasisOnly?: boolean;
  width?: number;
  height?: number;
}

const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 0.5 + 1e-12; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi - 1e-12) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Rough text width in px for the chart font (good enough for placing labels). */
export function textWidth(s: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of s) w += /[il.,:;'|!()\[\] ]/.test(ch) ? 0.3 : /[mwMW@%]/.test(ch) ? 0.9 : /[A-Z0-9$±]/.test(ch) ? 0.68 : 0.56;
  return w * size * (bold ? 1.08 : 1);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function frame(width: number, height: number, title: string, subtitle: string | undefined, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="13">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold" fill="#111">${escapeXml(title)}</text>`,
    subtitle ? `<text x="${width / 2}" y="46" text-anchor="middle" font-size="12.5" fill="#555">${escapeXml(subtitle)}</text>` : '',
    ...body,
    '</svg>',
  ].filter(Boolean).join('\n') + '\n';
}

interface Axes {
  px: (v: number) => number;
  py: (v: number) => number;
  plot: Box;
  parts: string[];
}

function axes(o: { width: number; height: number; xs: number[]; ys: number[]; xLabel: string; yLabel: string; formatX: (v: number) => string; formatY: (v: number) => string; xTicks?: number[]; yDomain?: [number, number]; yBounds?: [number, number]; top: number; right: number }): Axes {
  const left = 78;
  const bottom = 58;
  const plot: Box = { x: left, y: o.top, w: o.width - left - o.right, h: o.height - o.top - bottom };
  const xt = o.xTicks ?? niceTicks(Math.min(...o.xs), Math.max(...o.xs));
  const yt = o.yDomain ? niceTicks(o.yDomain[0], o.yDomain[1]).filter((t, i, all) => (t >= o.yBounds![0] - 1e-9 && t <= o.yBounds![1] + 1e-9) || all.length <= 2) : niceTicks(Math.min(...o.ys), Math.max(...o.ys));
  const [x0, x1] = o.xTicks ? [Math.min(...xt) - 0.5 * ((Math.max(...xt) - Math.min(...xt)) / Math.max(1, xt.length - 1) || 1), Math.max(...xt) + 0.5 * ((Math.max(...xt) - Math.min(...xt)) / Math.max(1, xt.length - 1) || 1)] : [xt[0], xt[xt.length - 1]];
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const px = (v: number) => plot.x + ((v - x0) / (x1 - x0 || 1)) * plot.w;
  const py = (v: number) => plot.y + plot.h - ((v - y0) / (y1 - y0 || 1)) * plot.h;
  const parts: string[] = [];
  parts.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="#fcfcfc" stroke="#bbb"/>`);
  for (const t of yt) {
    const y = r2(py(t));
    parts.push(`<line x1="${plot.x}" y1="${y}" x2="${plot.x + plot.w}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${plot.x - 8}" y="${y + 4.5}" text-anchor="end" fill="#333">${escapeXml(o.formatY(t))}</text>`);
  }
  for (const t of xt) {
    const x = r2(px(t));
    parts.push(`<line x1="${x}" y1="${plot.y}" x2="${x}" y2="${plot.y + plot.h}" stroke="#ececec"/>`);
    parts.push(`<text x="${x}" y="${plot.y + plot.h + 19}" text-anchor="middle" fill="#333">${escapeXml(o.formatX(t))}</text>`);
  }
  parts.push(`<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h + 44}" text-anchor="middle" font-size="13.5" fill="#111">${escapeXml(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(20 ${plot.y + plot.h / 2}) rotate(-90)" text-anchor="middle" font-size="13.5" fill="#111">${escapeXml(o.yLabel)}</text>`);
  return { px, py, plot, parts };
}

export function renderScatter(c: ScatterChart): string {
  const width = c.width ?? 820;
  const height = c.height ?? 520;
  const xs = c.points.flatMap((p) => [p.x - (p.xErr ?? 0), p.x + (p.xErr ?? 0)]);
  const ys = c.points.flatMap((p) => [p.y - (p.yErr ?? 0), p.y + (p.yErr ?? 0)]);
  if (c.region) {
    xs.push(c.region.x0);
    ys.push(c.region.y0);
  }
  xs.push(0);
  const [blo, bhi] = c.yBounds ?? [-Infinity, Infinity];
  const ylo = Math.max(blo, Math.min(...ys));
  const yhi = Math.min(bhi, Math.max(...ys));
  const pad = (yhi - ylo) * 0.05;
  const yDomain: [number, number] = [Math.max(blo, ylo - pad), Math.min(bhi, yhi + pad)];
  const a = axes({ width, height, xs, ys, yDomain, yBounds: [blo, bhi], xLabel: c.xLabel, yLabel: c.yLabel, formatX: c.formatX, formatY: c.formatY, top: c.subtitle ? 62 : 48, right: 44 });
  const { px, py, plot } = a;
  const body = [...a.parts];
  if (c.region) {
    const x = px(c.region.x0);
    const y = py(c.region.y0);
    body.push(`<rect x="${plot.x}" y="${plot.y}" width="${r2(x - plot.x)}" height="${r2(y - plot.y)}" fill="#2ca02c" fill-opacity="0.07"/>`);
    body.push(`<line x1="${r2(x)}" y1="${plot.y}" x2="${r2(x)}" y2="${plot.y + plot.h}" stroke="#2ca02c" stroke-dasharray="5 4" stroke-opacity="0.7"/>`);
    body.push(`<line x1="${plot.x}" y1="${r2(y)}" x2="${plot.x + plot.w}" y2="${r2(y)}" stroke="#2ca02c" stroke-dasharray="5 4" stroke-opacity="0.7"/>`);
    body.push(`<text x="${plot.x + 8}" y="${plot.y + 17}" font-size="12" fill="#2a7a2a">${escapeXml(c.region.label)}</text>`);
  }
  const placed: Box[] = [];
  if (c.region) placed.push({ x: plot.x + 4, y: plot.y + 4, w: textWidth(c.region.label, 12) + 8, h: 18 });
  const marks = c.points.map((p) => ({ p, x: px(p.x), y: py(p.y), r: p.emphasis ? 7 : 5.5 }));
  for (const m of marks) placed.push({ x: m.x - m.r - 1, y: m.y - m.r - 1, w: 2 * m.r + 2, h: 2 * m.r + 2 });
  // Error bars are obstacles for labels too (a thin box around each bar).
  for (const { p, x, y } of marks) {
    if (p.xErr) placed.push({ x: px(p.x - p.xErr), y: y - 1.5, w: px(p.x + p.xErr) - px(p.x - p.xErr), h: 3 });
    if (p.yErr) placed.push({ x: x - 1.5, y: py(p.y + p.yErr), w: 3, h: py(p.y - p.yErr) - py(p.y + p.yErr) });
  }
  for (const { p, x, y } of marks) {
    const stroke = `stroke="${p.color}" stroke-width="1.3" stroke-opacity="0.75"`;
    if (p.xErr) body.push(`<line x1="${r2(px(p.x - p.xErr))}" y1="${r2(y)}" x2="${r2(px(p.x + p.xErr))}" y2="${r2(y)}" ${stroke}/>`);
    if (p.yErr) body.push(`<line x1="${r2(x)}" y1="${r2(py(p.y - p.yErr))}" x2="${r2(x)}" y2="${r2(py(p.y + p.yErr))}" ${stroke}/>`);
  }
  for (const { p, x, y, r } of marks) {
    body.push(`<circle cx="${r2(x)}" cy="${r2(y)}" r="${r}" fill="${p.color}" stroke="#fff" stroke-width="1.5"/>`);
  }
  // Labels: first free spot among candidates around the point, inside the plot.
  const order = [...marks].sort((m, n) => Number(!!n.p.emphasis) - Number(!!m.p.emphasis));
  for (const { p, x, y, r } of order) {
    const size = p.emphasis ? 13.5 : 12.5;
    const w = textWidth(p.label, size, p.emphasis);
    const h = size + 3;
    const cands: [number, number][] = [
      [x + r + 5, y - h / 2], [x - r - 5 - w, y - h / 2], [x - w / 2, y - r - 4 - h], [x - w / 2, y + r + 4],
      [x + r + 4, y - h - 3], [x + r + 4, y + 3], [x - r - 4 - w, y - h - 3], [x - r - 4 - w, y + 3],
      [x + r + 5, y - 1.6 * h], [x + r + 5, y + 0.6 * h], [x - w / 2, y - r - 6 - 2 * h], [x - w / 2, y + r + 6 + h],
    ];
    const inside = (b: Box) => b.x >= plot.x + 2 && b.x + b.w <= plot.x + plot.w - 2 && b.y >= plot.y + 2 && b.y + b.h <= plot.y + plot.h - 2;
    let best: Box | undefined;
    for (const [bx, by] of cands) {
      const b = { x: bx, y: by, w, h };
      if (inside(b) && !placed.some((q) => overlaps(q, b))) {
        best = b;
        break;
      }
    }
    best ??= { x: Math.min(Math.max(plot.x + 2, x + r + 5), plot.x + plot.w - w - 2), y: y - h / 2, w, h };
    placed.push(best);
    const far = Math.hypot(best.x + w / 2 - x, best.y + h / 2 - y) > r + w / 2 + h;
    if (far) body.push(`<line x1="${r2(x)}" y1="${r2(y)}" x2="${r2(best.x + (best.x > x ? 0 : w))}" y2="${r2(best.y + h / 2)}" stroke="#999" stroke-width="0.8"/>`);
    body.push(`<text x="${r2(best.x)}" y="${r2(best.y + h - 4)}" font-size="${size}"${p.emphasis ? ' font-weight="bold"' : ''} fill="#111">${escapeXml(p.label)}</text>`);
  }
  return frame(width, height, c.title, c.subtitle, body);
}

export function renderLines(c: LineChart): string {
  const width = c.width ?? 820;
  const height = c.height ?? 500;
  const legendW = Math.max(...c.series.map((s) => textWidth(s.label, 12.5, s.emphasis))) + 46;
  const xs = c.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = c.series.flatMap((s) => s.points.flatMap((p) => [p.y - (p.err ?? 0), p.y + (p.err ?? 0)]));
  const a = axes({
    width, height, xs, ys, xLabel: c.xLabel, yLabel: c.yLabel, formatX: c.formatX, formatY: c.formatY,
    xTicks: c.xTicks ?? [...new Set(c.series[0]?.points.map((p) => p.x) ?? [])], yDomain: c.yDomain, yBounds: c.yDomain, top: c.subtitle ? 62 : 48, right: legendW + 20,
  });
  const { py, plot } = a;
  const body = [...a.parts];
  const n = c.series.length;
  const dx = new Map(c.series.map((s, i) => [s, (i - (n - 1) / 2) * (c.dodge ?? 0)]));
  let current: LineSeries = c.series[0];
  const px = (v: number) => a.px(v + (dx.get(current) ?? 0));
  // Emphasised series last, so they are drawn on top.
  const drawOrder = [...c.series].sort((p, q) => Number(!!p.emphasis) - Number(!!q.emphasis));
  const clampY = (v: number) => Math.min(plot.y + plot.h, Math.max(plot.y, py(v)));
  for (const s of drawOrder) {
    current = s;
    if (!s.points.some((p) => p.err) || (c.bandsForEmphasisOnly && !s.emphasis)) continue;
    const upper = s.points.map((p) => `${r2(px(p.x))},${r2(clampY(p.y + (p.err ?? 0)))}`);
    const lower = [...s.points].reverse().map((p) => `${r2(px(p.x))},${r2(clampY(p.y - (p.err ?? 0)))}`);
    body.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.color}" fill-opacity="${s.emphasis ? 0.13 : 0.07}" stroke="none"/>`);
  }
  for (const s of drawOrder) {
    current = s;
    const pts = s.points.filter((p) => Number.isFinite(p.y)).map((p) => `${r2(px(p.x))},${r2(py(p.y))}`).join(' ');
    body.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="${s.emphasis ? 3 : 2}"${s.dashed ? ' stroke-dasharray="6 4"' : ''} stroke-linejoin="round"/>`);
    for (const p of s.points) if (Number.isFinite(p.y)) body.push(`<circle cx="${r2(px(p.x))}" cy="${r2(py(p.y))}" r="${s.emphasis ? 4 : 3.2}" fill="${s.color}" stroke="#fff" stroke-width="1"/>`);
  }
  // Legend, right of the plot.
  const lx = plot.x + plot.w + 16;
  let ly = plot.y + 8;
  body.push(`<rect x="${lx - 8}" y="${ly - 6}" width="${legendW}" height="${c.series.length * 22 + 8}" fill="#fff" stroke="#ddd"/>`);
  for (const s of c.series) {
    body.push(`<line x1="${lx}" y1="${ly + 8}" x2="${lx + 24}" y2="${ly + 8}" stroke="${s.color}" stroke-width="${s.emphasis ? 3 : 2}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    body.push(`<circle cx="${lx + 12}" cy="${ly + 8}" r="3.2" fill="${s.color}"/>`);
    body.push(`<text x="${lx + 30}" y="${ly + 12.5}" font-size="12.5"${s.emphasis ? ' font-weight="bold"' : ''} fill="#111">${escapeXml(s.label)}</text>`);
    ly += 22;
  }
  return frame(width, height, c.title, c.subtitle, body);
}
