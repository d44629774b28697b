/**
 * Why this bid runs, and the buttons that decide (webview): the auction's explanation, or — for a task routed from
 * memory — the routing line, its evidence and "Hold the auction anyway"; then Run / Cancel while a decision is open.
 */
import type { PanelState } from '../src/vscode/webviewMessages';
import { cancelButtonTitle } from '../src/vscode/webviewMessages';
import { routedFromMemoryLine } from '../src/core/routing/routingRecord';
import { button, h } from './dom';
import { details, fmtUsd, send } from './panelContext';

type Routing = NonNullable<PanelState['routing']>;

const RESTING: readonly PanelState['phase'][] = ['done', 'failed', 'cancelled'];

/** The evidence behind a routing decision: each agent's estimated pass rate and expected dollars on tasks like this. */
function estimatesTable(r: Routing): HTMLElement {
  const rows = [...r.estimates].sort((a, b) => b.ev - a.ev);
  return h('table', { class: 'estimates small' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Agent'), h('th', {}, 'Pass (est.)'), h('th', {}, 'Expected run'))),
    h('tbody', {}, ...rows.map((e) => h('tr', { class: e.agent === r.agent ? 'chosen' : '' },
      h('td', {}, e.agent),
      h('td', { title: `posterior mean ${e.mean} ± ${e.sd} (evidence ${e.evidence})` }, `${Math.round(100 * e.mean)}% ± ${Math.round(100 * e.sd)}`),
      h('td', { title: `$${e.expectedUsd}` }, fmtUsd(e.expectedUsd))))));
}

function holdAuctionButton(s: PanelState): HTMLElement {
  const before = s.phase === 'review';
  return button('Hold the auction anyway', 'hold-auction', () => send({ type: 'holdAuction', session: s.session! }), {
    secondary: true,
    title: before ? 'Let every agent bid instead of running the agent memory chose (costs the auction)'
      : 'Run this task again with a full auction (a change still waiting is accepted or reverted first)',
  });
}

/**
 * Why memory chose this agent, past the first line: the estimate and how sure the choice is. (The decision's own
 * `reason` opens with the same "Routed from memory: …" sentence the block's heading already says.) When the agent
 * is not memory's first choice (a plan check turned that one's plan down), the reason says why, and is shown.
 */
function routedWhy(r: Routing): string {
  const e = r.estimates.find((x) => x.agent === r.agent);
  const first = [...r.estimates].sort((a, b) => b.ev - a.ev)[0];
  const similar = `${r.evidence.similar} similar task${r.evidence.similar === 1 ? '' : 's'} in this repository's memory`;
  if (!e || first?.agent !== r.agent) return r.reason;
  return `From ${similar}: ${r.agent} is estimated to pass ${Math.round(100 * e.mean)}% ± ${Math.round(100 * e.sd)} of tasks like this, ` +
    `and to be the best value in the pool with probability ${Math.round(100 * r.confidence)}%.`;
}

function routedBlock(r: Routing): HTMLElement {
  // The routing line is the block's heading: said once, not under a heading that repeats its first words.
  return h('div', { class: 'routed', 'aria-label': 'Routed from memory', 'data-key': 'routed' },
    h('h3', { class: 'routed-line', role: 'status' }, `${routedFromMemoryLine(r)}.`),
    details('routed-why', 'Why', [h('p', { class: 'small', title: r.reason }, routedWhy(r)), estimatesTable(r)]));
}

export function decisionSection(s: PanelState): HTMLElement | null {
  if (s.phase === 'idle' || !s.task) return null;
  const parts: HTMLElement[] = [];
  const r = s.routing;
  const routed = r?.mode === 'routed';
  if (routed) parts.push(routedBlock(r));
  else if (s.explanation.length) {
    parts.push(h('div', { class: 'explanation', 'aria-label': 'Why the winner won' },
      h('h3', {}, s.winner ? `Why ${s.winner} won` : 'Auction'),
      r ? h('p', { class: 'muted small' }, r.reason) : null,
      h('ul', {}, ...s.explanation.map((line) => h('li', {}, line)))));
  }
  const running = ['bidding', 'jury', 'refining', 'executing', 'review'].includes(s.phase);
  if (running && s.session) {
    const row = h('div', { class: 'actions', 'data-key': 'actions' });
    if (s.phase === 'review' && s.winnerBidIndex !== null) {
      row.append(button(routed ? `Run ${s.winner}` : `Run winner (${s.winner})`, 'run-winner', () => send({ type: 'run', session: s.session!, bidIndex: s.winnerBidIndex! })));
    }
    if (s.phase === 'review' && routed) row.append(holdAuctionButton(s));
    row.append(button('Cancel', 'cancel', () => send({ type: 'cancel', session: s.session! }), { secondary: true, title: cancelButtonTitle(s.phase) }));
    if (s.phase === 'review' && !routed) row.append(h('span', { class: 'muted small hint' }, 'Or pick another bid below to override the winner.'));
    parts.push(row);
  } else if (routed && s.session && RESTING.includes(s.phase)) {
    parts.push(h('div', { class: 'actions', 'data-key': 'routed-actions' }, holdAuctionButton(s)));
  }
  return parts.length ? h('section', { class: 'decision' }, ...parts) : null;
}
