/**
 * What the repository has learned, as pure geometry (no DOM, unit-tested), drawn as inline SVG by the Routing
 * Picture view (routingPicture.ts): per agent its pass rate (posterior mean, with a Beta credible interval as a
 * vertical bar) against its mean execution dollars, and one small line chart per agent of its running pass rate
 * over the memory's records in order. Ticks and rounding are the auction picture's (auctionChart.ts).
 */
import type { RoutingPicture as RoutingPictureData } from '../src/vscode/routingPictureMessages';
import { formatUsd } from '../src/core/formatUsd';
import { type ChartTick, niceTicks, padRange, roundForPeople } from './auctionChart';
import { type Box, type MeasureText, type PlacedLabel, estimateTextWidth, markerBox, placeFittedLabels, shortNames } from './labelLayout';

type AgentPicture = RoutingPictureData['agents'][number];

export interface Plot { left: number; top: number; right: number; bottom: number }

export interface ScatterPoint {
  agent: string;
  cx: number;
  cy: number;
  /** The credible interval's ends (y of high, y of low). */
  yHigh: number;
  yLow: number;
  /** What tells the agent apart (its label may be cut shorter to fit; the full name is in `title`). */
  label: string;
  /** Exact figures for the hover tooltip. */
  title: string;
}

export interface RoutingScatter {
  width: number;
  height: number;
  plot: Plot;
  points: ScatterPoint[];
  xTicks: ChartTick[];
  yTicks: ChartTick[];
  /** Agents with no costed execution yet (not on the picture). */
  notRun: string[];
  /** One label per point (same order), placed clear of each other, the points and the bars. */
  labels: PlacedLabel[];
  /** The name prefix every label leaves out ('' when none), said in the caption. */
  labelPrefix: string;
  summary: string;
}

export interface Sparkline {
  agent: string;
  width: number;
  height: number;
  plot: Plot;
  /** SVG polyline points, "x,y x,y …". */
  points: string;
  last: { cx: number; cy: number; text: string } | null;
  /** The 50% line. */
  midY: number;
  title: string;
}

const pct = (p: number) => `${Math.round(100 * p)}%`;

/** Pass rate (0–1, y) against mean execution dollars (x); null when no agent has a costed execution. */
export function routingScatter(data: RoutingPictureData, size = { width: 320, height: 200 }, measure: MeasureText = estimateTextWidth): RoutingScatter | null {
  const ran = data.agents.filter((a): a is AgentPicture & { avgExecUsd: number } => a.executions > 0 && a.avgExecUsd !== null);
  const notRun = data.agents.filter((a) => !ran.includes(a as AgentPicture & { avgExecUsd: number })).map((a) => a.agent);
  if (!ran.length) return null;
  const plot = { left: 40, top: 10, right: size.width - 12, bottom: size.height - 32 };
  const [x0, x1] = padRange(Math.min(...ran.map((a) => a.avgExecUsd)), Math.max(...ran.map((a) => a.avgExecUsd)));
  const lo = Math.max(0, x0);
  const sx = (c: number) => plot.left + ((c - lo) / (x1 - lo)) * (plot.right - plot.left);
  const sy = (p: number) => plot.bottom - p * (plot.bottom - plot.top);
  const names = shortNames(ran.map((a) => a.agent));
  const points = ran.map((a) => ({
    agent: a.agent,
    cx: sx(a.avgExecUsd),
    cy: sy(a.mean),
    yHigh: sy(a.high),
    yLow: sy(a.low),
    label: names.short.get(a.agent)!,
    title: `${a.agent}: passed ${a.passes} of ${a.executions} run${a.executions === 1 ? '' : 's'} here\n` +
      `pass rate ${pct(a.mean)} (${Math.round(100 * data.level)}% interval ${pct(a.low)}–${pct(a.high)})\n` +
      `mean execution cost ${formatUsd(a.avgExecUsd)} (${formatUsd(a.avgExecUsd, 'micro')})`,
  }));
  const best = [...ran].sort((a, b) => b.mean - a.mean || a.avgExecUsd - b.avgExecUsd)[0];
  // Labels keep off every marker and every interval bar (whiskers included), and stay inside the picture.
  const obstacles: Box[] = points.flatMap((p) => [markerBox(p.cx, p.cy), { left: p.cx - 5, right: p.cx + 5, top: p.yHigh - 1, bottom: p.yLow + 1 }]);
  const labels = placeFittedLabels(points.map((p) => ({ key: p.agent, x: p.cx, y: p.cy, text: p.label })),
    { left: plot.left + 1, top: 0, right: size.width - 1, bottom: plot.bottom - 1 }, obstacles, plot.right - plot.left, measure);
  return {
    ...size,
    plot,
    points,
    labels,
    labelPrefix: names.prefix,
    xTicks: niceTicks(lo, x1, 3).map((v) => ({ pos: sx(v), text: v === 0 ? '$0' : `$${roundForPeople(v)}` })),
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ pos: sy(v), text: pct(v) })),
    notRun,
    summary: `Pass rate against mean execution cost for ${ran.length} agent${ran.length === 1 ? '' : 's'} over ${data.records} task${data.records === 1 ? '' : 's'}; ` +
      `${best.agent} passes most often (${pct(best.mean)}, ${best.passes} of ${best.executions}).`,
  };
}

/** One small line chart per agent that ran: its running pass rate after each record it ran in (x: the record's position). */
export function sparklines(data: RoutingPictureData, size = { width: 320, height: 40 }): Sparkline[] {
  // The agent's name is written above the chart (routingPicture.ts), so the plot starts at the left edge; the room
  // on the right is for the last value.
  const plot = { left: 4, top: 4, right: size.width - 40, bottom: size.height - 6 };
  const n = Math.max(2, data.records);
  const sx = (at: number) => plot.left + ((at - 1) / (n - 1)) * (plot.right - plot.left);
  const sy = (p: number) => plot.bottom - p * (plot.bottom - plot.top);
  // In the scatter's left-to-right order (cheapest first), so the two pictures read alike.
  const byCost = (a: AgentPicture, b: AgentPicture) => (a.avgExecUsd ?? Infinity) - (b.avgExecUsd ?? Infinity) || a.agent.localeCompare(b.agent, 'en', { numeric: true });
  return data.agents.filter((a) => a.history.length).sort(byCost).map((a) => {
    const pts = a.history.map((h) => [sx(h.at), sy(h.passes / h.executions)] as const);
    const last = a.history[a.history.length - 1];
    const [lx, ly] = pts[pts.length - 1];
    return {
      agent: a.agent,
      ...size,
      plot,
      points: pts.map(([x, y]) => `${round1(x)},${round1(y)}`).join(' '),
      last: { cx: lx, cy: ly, text: pct(last.passes / last.executions) },
      midY: sy(0.5),
      title: `${a.agent}: running pass rate over this repository's tasks — ` +
        a.history.map((h) => `after task ${h.at}: ${h.passes}/${h.executions}`).slice(-8).join(', '),
    };
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;
