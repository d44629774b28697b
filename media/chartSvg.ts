/**
 * The parts every inline-SVG picture shares (webview): the frame, grid lines with tick labels, axis titles and the
 * hover title, so the auction picture and the routing picture look alike. Colours come from the theme (CSS).
 */
import { svg } from './dom';
import type { ChartTick } from './auctionChart';
import type { PlacedLabel } from './labelLayout';

export interface PlotBox { left: number; top: number; right: number; bottom: number }

/** A `<title>` child: the hover tooltip of its parent (and its text for screen readers). */
export const svgTitle = (text: string): SVGElement => svg('title', {}, text);

/** Width for a picture drawn at the view's own width (never scaled, so its text keeps the editor's size). */
export function chartWidth(viewWidth: number, max = 560): number {
  return Math.round(Math.max(240, Math.min(max, (viewWidth || 300) - 4)));
}

/** Grid, tick labels, frame and axis titles of a plot; `yLabel` is written upwards along the left edge. */
export function axesSvg(plot: PlotBox, height: number, xTicks: ChartTick[], yTicks: ChartTick[], xLabel: string, yLabel: string): SVGElement[] {
  const midY = (plot.top + plot.bottom) / 2;
  return [
    ...xTicks.map((k) => svg('g', { class: 'tick' },
      svg('line', { x1: k.pos, y1: plot.top, x2: k.pos, y2: plot.bottom, class: 'grid' }),
      svg('text', { x: k.pos, y: plot.bottom + 12, 'text-anchor': 'middle' }, k.text))),
    ...yTicks.map((k) => svg('g', { class: 'tick' },
      svg('line', { x1: plot.left, y1: k.pos, x2: plot.right, y2: k.pos, class: 'grid' }),
      svg('text', { x: plot.left - 4, y: k.pos + 3, 'text-anchor': 'end' }, k.text))),
    svg('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, class: 'frame' }),
    svg('text', { x: (plot.left + plot.right) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis' }, xLabel),
    svg('text', { x: 10, y: midY, 'text-anchor': 'middle', class: 'axis', transform: `rotate(-90 10 ${midY})` }, yLabel),
  ];
}

/** A point's label where labelLayout placed it, with its leader line when it sits away from the point. */
export function placedLabel(l: PlacedLabel): SVGElement[] {
  return [
    ...(l.leader ? [svg('line', { x1: l.leader.x1, y1: l.leader.y1, x2: l.leader.x2, y2: l.leader.y2, class: 'leader' })] : []),
    svg('text', { x: l.x, y: l.y, 'text-anchor': l.anchor }, l.text),
  ];
}
