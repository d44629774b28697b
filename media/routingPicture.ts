/**
 * The Routing Picture view (webview): what the repository's memory taught SALE, drawn from the host's data
 * (validated with routingPictureMessages' schema) — pass rate with its uncertainty against cost, each agent's pass
 * rate over the repository's history, and why the last tasks were routed or auctioned. Geometry: routingChart.ts;
 * axes: chartSvg.ts; text via textContent only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { type RoutingPicture, type RoutingWebviewMessage, RoutingWebviewMessageSchema, parseRoutingHostMessage } from '../src/vscode/routingPictureMessages';
import { unknownMessageText } from '../src/vscode/webviewMessages';
import { formatUsd } from '../src/core/formatUsd';
import { button, h, svg } from './dom';
import { axesSvg, chartWidth, placedLabel, svgTitle as t } from './chartSvg';
import { measureLabel } from './measureLabel';
import { routingScatter, sparklines } from './routingChart';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

function send(msg: RoutingWebviewMessage): void {
  const r = RoutingWebviewMessageSchema.safeParse(msg);
  if (r.success) vscode.postMessage(r.data);
}

const app = document.getElementById('app')!;
let picture: RoutingPicture | null = null;
let note = 'Reading what SALE learned in this repository…';

function scatterFigure(p: RoutingPicture, width: number): HTMLElement | null {
  const c = routingScatter(p, { width, height: Math.round(Math.max(170, Math.min(240, width * 0.55))) }, measureLabel());
  if (!c) return null;
  const pic = svg('svg', { viewBox: `0 0 ${c.width} ${c.height}`, width: c.width, height: c.height, role: 'img', 'aria-label': c.summary, class: 'auction-chart routing-chart' },
    t(c.summary),
    ...axesSvg(c.plot, c.height, c.xTicks, c.yTicks, 'mean cost of a run →', 'passed →'),
    ...c.points.map((pt, i) => svg('g', { class: 'pt', tabindex: '0', 'data-key': `agent-${pt.agent}` },
      t(pt.title),
      svg('line', { x1: pt.cx, y1: pt.yHigh, x2: pt.cx, y2: pt.yLow, class: 'interval' }),
      svg('line', { x1: pt.cx - 4, y1: pt.yHigh, x2: pt.cx + 4, y2: pt.yHigh, class: 'interval' }),
      svg('line', { x1: pt.cx - 4, y1: pt.yLow, x2: pt.cx + 4, y2: pt.yLow, class: 'interval' }),
      svg('circle', { cx: pt.cx, cy: pt.cy, r: 4.5 }),
      ...placedLabel(c.labels[i]))));
  return h('figure', { class: 'chart', 'aria-label': 'Pass rate against cost' }, pic,
    h('figcaption', { class: 'muted small' },
      `Up and to the left is better: passes more often, costs less. Bars: ${Math.round(100 * p.level)}% credible interval of the pass rate (wide = little evidence yet).`,
      c.labelPrefix ? ` Labels drop the shared name prefix “${c.labelPrefix}”.` : '',
      ' Hover a point for its figures.',
      c.notRun.length ? ` Not run here yet: ${c.notRun.join(', ')}.` : ''));
}

function historyFigure(p: RoutingPicture, width: number): HTMLElement | null {
  const lines = sparklines(p, { width, height: 40 });
  if (!lines.length) return null;
  return h('figure', { class: 'chart history', 'aria-label': 'Pass rate over this repository\'s history' },
    h('figcaption', { class: 'small' }, `Pass rate over this repository's ${p.records} task${p.records === 1 ? '' : 's'}, in order`),
    // Each agent's full name above its chart, as text that wraps in a narrow side bar (never cut).
    ...lines.map((l) => h('div', { class: 'spark-row' },
      h('div', { class: 'spark-agent small', title: l.title }, l.agent),
      svg('svg', { viewBox: `0 0 ${l.width} ${l.height}`, width: l.width, height: l.height, role: 'img', 'aria-label': l.title, class: 'auction-chart spark' },
        t(l.title),
        svg('line', { x1: l.plot.left, y1: l.midY, x2: l.plot.right, y2: l.midY, class: 'grid' }),
        svg('rect', { x: l.plot.left, y: l.plot.top, width: l.plot.right - l.plot.left, height: l.plot.bottom - l.plot.top, class: 'frame' }),
        svg('polyline', { points: l.points, class: 'spark-line' }),
        l.last ? svg('circle', { cx: l.last.cx, cy: l.last.cy, r: 3, class: 'spark-last' }) : null,
        l.last ? svg('text', { x: l.plot.right + 4, y: l.last.cy + 4, class: 'spark-value' }, l.last.text) : null))));
}

function decisionsSection(p: RoutingPicture): HTMLElement | null {
  if (!p.decisions.length) return null;
  return h('section', { class: 'decisions', 'aria-label': 'Last routing decisions' },
    h('h3', {}, `Routed without an auction: ${p.routed} of ${p.decided} task${p.decided === 1 ? '' : 's'}`),
    h('ul', { class: 'small' }, ...p.decisions.map((d) => h('li', { class: d.mode },
      h('b', {}, d.mode === 'routed' ? `Routed to ${d.agent}` : 'Auction held'), ` · task ${d.at}: `, h('span', { class: 'muted' }, d.task),
      h('div', {}, d.reason)))));
}

function render(): void {
  const width = chartWidth(app.clientWidth);
  const p = picture;
  const costs = p?.agents.filter((a) => a.avgExecUsd !== null).map((a) => `${a.agent} ${formatUsd(a.avgExecUsd!)}`) ?? [];
  app.replaceChildren(h('div', { class: 'panel routing-picture' },
    p ? h('header', { class: 'top' }, h('div', { class: 'row' }, h('span', { class: 'phase' }, `Learned in ${p.repo}`),
      h('span', { class: 'spent muted small', title: costs.join('\n') }, `${p.records} task${p.records === 1 ? '' : 's'}`))) : null,
    !p ? h('p', { class: 'muted' }, note) : null,
    p && !p.records ? h('p', { class: 'muted' }, 'No task in this repository\'s memory yet: solve one with SALE and the picture starts here.') : null,
    p ? scatterFigure(p, width) : null,
    p ? historyFigure(p, width) : null,
    p ? decisionsSection(p) : null,
    h('footer', {}, button('Figures, pin and exclude', 'figures', () => send({ type: 'showFigures' }), { secondary: true }))));
}

window.addEventListener('message', (event: MessageEvent) => {
  const r = parseRoutingHostMessage(event.data);
  if (!r.ok) {
    send({ type: 'problem', message: `The routing picture refused a message from the host (${r.error})`.slice(0, 2000) });
    return;
  }
  const msg = r.message;
  switch (msg.type) {
    case 'picture':
      picture = msg.picture;
      note = msg.note ?? note;
      render();
      return;
    default: {
      // One message type today: the check is on the discriminant, so a second type without a branch fails the typecheck.
      const type: never = msg.type;
      send({ type: 'problem', message: `The routing picture dropped a message: ${unknownMessageText({ type } as never)}`.slice(0, 2000) });
    }
  }
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 100);
});

render();
send({ type: 'ready' });
