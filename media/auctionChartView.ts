/**
 * The auction picture as inline SVG (webview): the geometry is auctionChart.ts', the axes chartSvg.ts'; colours
 * come from the theme (panel.css).
 */
import type { Bid } from '../src/core/auction/auctionRecord';
import { h, svg } from './dom';
import { auctionChart } from './auctionChart';
import { axesSvg, chartWidth, placedLabel, svgTitle as t } from './chartSvg';
import { measureLabel } from './measureLabel';

/** The auction as a picture: cost against value, lines of equal score; hover a point for its exact figures. */
export function auctionChartFigure(bids: Bid[], winnerBidIndex: number | null, panelWidth: number): HTMLElement | null {
  // Drawn at the panel's own width (not scaled), so text stays the same size in a narrow and a wide side bar.
  const width = chartWidth(panelWidth);
  const c = bids.length >= 1 ? auctionChart(bids, winnerBidIndex, { width, height: Math.round(Math.max(170, Math.min(260, width * 0.55))) }, measureLabel()) : null;
  if (!c) return null;
  const { plot } = c;
  const pic = svg('svg', { viewBox: `0 0 ${c.width} ${c.height}`, width: c.width, height: c.height, role: 'img', 'aria-label': c.summary, class: 'auction-chart' },
    t(c.summary),
    ...axesSvg(plot, c.height, c.xTicks, c.yTicks, 'C: cost →', 'V: value →'),
    ...c.lines.map((l) => svg('line', { x1: l.x1, y1: l.y1, x2: l.x2, y2: l.y2, class: l.kind }, l.title ? t(l.title) : null)),
    ...c.points.map((p, i) => svg('g', { class: `pt ${p.kind}`, tabindex: '0', 'data-key': `pt-${p.index}` },
      t(p.title),
      svg('circle', { cx: p.cx, cy: p.cy, r: p.kind === 'winner' ? 6 : 4.5 }),
      ...placedLabel(c.labels[i]))));
  return h('figure', { class: 'chart', 'aria-label': 'Auction picture' }, pic,
    h('figcaption', { class: 'muted small' }, 'Up and to the left is better: score C − V is lower. Dashed lines join equal scores; the solid one runs through the winner' +
      (c.byValue ? ', which won by expected value, not by the best score (see above).' : '.') +
      (c.labelPrefix ? ` Labels drop the shared name prefix “${c.labelPrefix}”.` : '') + ' Hover a point for its exact figures.'));
}
