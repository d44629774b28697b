/**
 * The bid review panel (webview): receives the whole PanelState from the host (validated with the shared zod schema
 * by hostInbox.ts) and renders it in one pass, keeping keyboard focus and scroll across updates. Every piece of text
 * from models, tasks or files is set with textContent — never as HTML — so a plan containing <script> shows as
 * those characters. The sections live apart: the frame (panelFrame.ts), the decision (decisionSection.ts), the bids
 * and their picture (bidsSection.ts, auctionChartView.ts), execution and result (resultSection.ts); actions go back
 * as typed messages (panelContext.ts) that the host validates again.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import { type PanelState, initialPanelState } from '../src/vscode/webviewMessages';
import { h } from './dom';
import { receiveHostMessage } from './hostInbox';
import { send } from './panelContext';
import { footer, header, noticesSection, poolCheckSection, taskSection } from './panelFrame';
import { decisionSection } from './decisionSection';
import { bidsSection } from './bidsSection';
import { execSection, resultSection } from './resultSection';

let state: PanelState = initialPanelState();

// ------------------------------------------------------------------------------------------------ render loop

const app = document.getElementById('app')!;

function render(): void {
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.closest('[data-key]')?.getAttribute('data-key') ?? null;
  const scroll = window.scrollY;
  const view = h('div', { class: 'panel' },
    header(state), noticesSection(state), poolCheckSection(state), taskSection(state), decisionSection(state), bidsSection(state, app.clientWidth), execSection(state), resultSection(state), footer(state));
  app.replaceChildren(view);
  window.scrollTo(0, scroll);
  if (focusKey) {
    const el = app.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`);
    if (el && el.tagName !== 'DETAILS') el.focus();
    else if (el) el.querySelector<HTMLElement>('summary')?.focus();
  }
}

function focusTarget(target: 'actions' | 'bids' | 'diff'): void {
  const sel = target === 'actions' ? '.actions vscode-button' : target === 'bids' ? 'article.bid' : 'details[data-key="diff"] summary';
  const el = app.querySelector<HTMLElement>(sel);
  if (el) {
    if (!el.hasAttribute('tabindex') && el.tagName === 'ARTICLE') el.setAttribute('tabindex', '-1');
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
  }
}

window.addEventListener('message', (event: MessageEvent) => receiveHostMessage(event.data, {
  state: (next) => {
    state = next;
    render();
  },
  focus: focusTarget,
}, (message) => send({ type: 'problem', message })));

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
// The picture is drawn at the panel's width: redraw when the side bar is resized.
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 100);
});

render();
send({ type: 'ready' });
