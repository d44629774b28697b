/**
 * The bid review panel (webview). It receives the whole PanelState from the host, validates it with the shared
 * zod schema, and renders it. Every piece of text from models, tasks or files is set with textContent — never
 * as HTML — so a plan containing <script> shows as those characters. Actions go back as typed messages that the
 * host validates again.
 * Over 300 lines: the panel's phases (review, execution, done) render from one state in one pass; the element
 * builders (dom.ts), the protocol inbox (hostInbox.ts) and the auction picture (auctionChart.ts) live apart.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { Bid } from '../src/core/auction/auctionRecord';
import { type ExecView, type PanelState, type WebviewMessage, NO_SANDBOX_HEADLINE, cancelButtonTitle, initialPanelState, WebviewMessageSchema } from '../src/vscode/webviewMessages';
import { type Child, button, h, svg } from './dom';
import { auctionChart, roundForPeople } from './auctionChart';
import { receiveHostMessage } from './hostInbox';
import { formatUsd } from '../src/core/formatUsd';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PanelState = initialPanelState();
const openDetails = new Set<string>((vscode.getState() as { open?: string[] } | undefined)?.open ?? []);

function send(msg: WebviewMessage): void {
  // Validate our own messages too: a bug here should show up in the log, not as a refused action.
  const r = WebviewMessageSchema.safeParse(msg);
  if (!r.success) {
    console.error('SALE panel: refusing to send an invalid message', r.error.issues);
    return;
  }
  vscode.postMessage(r.data);
}

// ------------------------------------------------------------------------------------------------ DOM helpers

function details(key: string, summary: Child | Child[], body: Child | Child[], className = ''): HTMLElement {
  const d = h('details', { 'data-key': key, class: className, open: openDetails.has(key) },
    h('summary', {}, summary), body) as HTMLDetailsElement;
  d.addEventListener('toggle', () => {
    if (d.open) openDetails.add(key);
    else openDetails.delete(key);
    vscode.setState({ open: [...openDetails] });
  });
  return d;
}

/** Dollars for people (the one 'ui' formatter); the exact figure is in the element's tooltip (see usd()). */
const fmtUsd = (usd: number): string => formatUsd(usd, 'ui');
const usd = (v: number): HTMLElement => h('span', { title: formatUsd(v, 'micro') }, fmtUsd(v));

/** A figure for people (3 significant digits); the exact one is in the metric's tooltip. */
const people = (n: number): string => (Number.isFinite(n) ? roundForPeople(n) : '–');

function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function fmt(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toFixed(digits);
}

// ------------------------------------------------------------------------------------------------ sections

function phaseText(s: PanelState): string {
  if (s.phase !== 'done') return PHASE_TEXT[s.phase];
  const e = s.exec[s.exec.length - 1];
  if (!e?.done) return 'Done';
  return e.done.passed ? 'Done: tests passed' : 'Done: tests failed';
}

const PHASE_TEXT: Record<PanelState['phase'], string> = {
  idle: 'Idle',
  bidding: 'Bidding',
  jury: 'Jury scoring',
  refining: 'Refining',
  review: 'Waiting for your review',
  executing: 'Executing',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function header(s: PanelState): HTMLElement {
  const spent = `${fmtUsd(s.totalUsd)}${s.budgetUsd ? ` of ${fmtUsd(s.budgetUsd)} budget` : ''}`;
  return h('header', { class: 'top' },
    h('div', { class: 'row' },
      h('span', { class: `phase phase-${s.phase}${s.phase === 'done' && !s.exec[s.exec.length - 1]?.done?.passed ? ' not-passed' : ''}`, role: 'status', 'aria-live': 'polite' }, phaseText(s)),
      s.simulated ? h('vscode-badge', { class: 'sim-badge', title: 'The pool is the built-in simulator, not real models.' }, 'simulated models') : null,
      h('span', { class: 'spent', title: `Dollars spent on this task (auction + execution): ${formatUsd(s.totalUsd, 'micro')}` }, spent)),
    s.poolLabel ? h('div', { class: 'muted small' }, `Pool: ${s.poolLabel}${s.reviewMode === 'auto' ? ' · runs the winner without review' : ''}`) : null,
    ['bidding', 'jury', 'refining', 'executing'].includes(s.phase) ? h('vscode-progress-bar', { 'aria-label': PHASE_TEXT[s.phase] }) : null,
  );
}

function taskSection(s: PanelState): HTMLElement | null {
  if (!s.task) {
    return h('section', { class: 'empty' },
      h('p', {}, 'No task yet. Select text, put the cursor on a TODO comment, or type a task.'),
      button('Solve with SALE…', 'solve', () => send({ type: 'solve' })));
  }
  return h('section', { class: 'task', 'aria-label': 'Task' },
    h('h2', {}, s.task.title),
    h('div', { class: 'muted small' },
      `From ${s.task.source} · ${s.task.repo}${s.task.testCommand ? ` · tests: ${s.task.testCommand}` : ''}`));
}

function juryLine(b: Bid): HTMLElement {
  if (!b.jury.length) return h('span', { class: 'muted' }, 'no jury scores');
  return h('span', { class: 'jurors' }, ...b.jury.map((j) =>
    h('span', { class: 'juror', title: j.note ?? '' }, `${j.judge}: `, h('b', {}, j.score === null ? '?' : String(j.score)))));
}

function bidCard(s: PanelState, b: Bid, index: number): HTMLElement {
  const isWinner = s.winnerBidIndex === index;
  const isChosen = s.chosenBidIndex === index;
  const isProvisional = !s.winner && s.provisionalWinner === b.agent && b.round === 0;
  const key = `bid-${b.agent}-${b.round}`;
  const tags = [
    b.refined ? h('span', { class: 'tag refined' }, 'refined') : null,
    isWinner ? h('span', { class: 'tag winner' }, 'winner') : null,
    isProvisional ? h('span', { class: 'tag provisional' }, 'provisional winner') : null,
    isChosen && !isWinner ? h('span', { class: 'tag chosen' }, 'your choice') : null,
    b.error ? h('span', { class: 'tag error' }, 'failed') : null,
  ];
  const canRun = s.phase === 'review' && !!s.session && !b.error;
  const metric = (label: string, value: Child, title?: string) => h('div', { class: 'metric', title }, h('dt', {}, label), h('dd', {}, value));
  const metrics = h('dl', { class: 'metrics' },
    metric('Tokens', String(b.tokens)),
    metric('Entropy', b.entropy === null ? h('span', { class: 'muted' }, 'no logprobs') : fmt(b.entropy),
      b.entropy === null ? 'The endpoint returned no logprobs: the entropy term is left out.' : 'Mean per-token entropy of the plan (nats)'),
    metric('C (cost)', people(b.cost), `w_c · price · plan tokens = ${b.cost}`),
    metric('V (value)', people(b.value), `entropy part ${b.valueEntropy} + jury part ${b.valueJury} = ${b.value}`),
    metric('Score C−V', h('span', { class: isWinner ? 'best' : '' }, people(b.score)), `Lowest wins: ${b.score}`),
    metric('Jury mean', b.juryMean === null ? '–' : `${fmt(b.juryMean, 2)} / 5`),
    metric('Est. run', usd(b.estimatedExecUsd), 'Rough estimate of executing this plan'),
    metric('Bid cost', usd(b.bidUsd), 'What writing this bid cost'),
  );
  return h('article', { class: `bid${isWinner ? ' is-winner' : ''}${isChosen ? ' is-chosen' : ''}${b.error ? ' is-error' : ''}`, 'data-key': key, 'aria-label': `Bid of ${b.agent}${b.refined ? ' (refined)' : ''}` },
    h('div', { class: 'bid-head' },
      h('span', { class: 'agent' }, b.agent), b.model !== b.agent ? h('span', { class: 'muted small model' }, b.model) : null, ...tags),
    b.error ? h('div', { class: 'error-text' }, b.error) : null,
    metrics,
    h('div', { class: 'small' }, 'Jurors: ', juryLine(b)),
    details(`${key}-plan`, `Plan (${b.plan.sectionsFound.length} sections)`, h('pre', { class: 'plan', tabindex: '0', 'aria-label': `Plan of ${b.agent}` }, b.raw)),
    // Thoughts stay folded: billed (in Bid cost) but not part of the plan, its tokens or its entropy.
    b.thoughts || b.thinkingTokens ? details(`${key}-thoughts`, `Thoughts (${b.thinkingTokens ?? 0} thinking tokens, billed, not scored)`,
      b.thoughts ? h('pre', { class: 'plan thoughts', tabindex: '0', 'aria-label': `Thoughts of ${b.agent}` }, b.thoughts) : h('div', { class: 'muted small' }, 'The server billed thinking tokens but did not send the thoughts.')) : null,
    canRun ? h('div', { class: 'bid-actions' },
      button(isWinner ? 'Run winner' : 'Run this bid instead', `run-${index}`, () => send({ type: 'run', session: s.session!, bidIndex: index }),
        { secondary: !isWinner, title: isWinner ? `Run ${b.agent}'s plan` : `Override: run ${b.agent}'s plan instead of the winner's` })) : null,
  );
}

/** The auction as a picture: cost against value, lines of equal score; hover a point for its exact figures. */
function chartSection(s: PanelState): HTMLElement | null {
  // Drawn at the panel's own width (not scaled), so text stays the same size in a narrow and a wide side bar.
  const width = Math.round(Math.max(240, Math.min(560, (app.clientWidth || 300) - 4)));
  const c = s.bids.length >= 1 ? auctionChart(s.bids, s.winnerBidIndex, { width, height: Math.round(Math.max(170, Math.min(260, width * 0.55))) }) : null;
  if (!c) return null;
  const { plot } = c;
  const mid = (plot.left + plot.right) / 2;
  const t = (text: string) => svg('title', {}, text);
  const pic = svg('svg', { viewBox: `0 0 ${c.width} ${c.height}`, width: c.width, height: c.height, role: 'img', 'aria-label': c.summary, class: 'auction-chart' },
    t(c.summary),
    ...c.xTicks.map((k) => svg('g', { class: 'tick' },
      svg('line', { x1: k.pos, y1: plot.top, x2: k.pos, y2: plot.bottom, class: 'grid' }),
      svg('text', { x: k.pos, y: plot.bottom + 12, 'text-anchor': 'middle' }, k.text))),
    ...c.yTicks.map((k) => svg('g', { class: 'tick' },
      svg('line', { x1: plot.left, y1: k.pos, x2: plot.right, y2: k.pos, class: 'grid' }),
      svg('text', { x: plot.left - 4, y: k.pos + 3, 'text-anchor': 'end' }, k.text))),
    svg('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, class: 'frame' }),
    svg('text', { x: (plot.left + plot.right) / 2, y: c.height - 4, 'text-anchor': 'middle', class: 'axis' }, 'C: cost →'),
    svg('text', { x: 10, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle', class: 'axis', transform: `rotate(-90 10 ${(plot.top + plot.bottom) / 2})` }, 'V: value →'),
    ...c.lines.map((l) => svg('line', { x1: l.x1, y1: l.y1, x2: l.x2, y2: l.y2, class: l.kind }, l.title ? t(l.title) : null)),
    ...c.points.map((p) => svg('g', { class: `pt ${p.kind}`, tabindex: '0', 'data-key': `pt-${p.index}` },
      t(p.title),
      svg('circle', { cx: p.cx, cy: p.cy, r: p.kind === 'winner' ? 6 : 4.5 }),
      svg('text', { x: p.cx + (p.cx > mid ? -8 : 8), y: p.cy - 6, 'text-anchor': p.cx > mid ? 'end' : 'start' }, p.label))));
  return h('figure', { class: 'chart', 'aria-label': 'Auction picture' }, pic,
    h('figcaption', { class: 'muted small' }, 'Up and to the left is better: score C − V is lower. Dashed lines join equal scores; the solid one runs through the winner. Hover a point for its exact figures.'));
}

function streamingCard(agent: string, round: number, text: string): HTMLElement {
  return h('article', { class: 'bid streaming', 'data-key': `stream-${agent}-${round}`, 'aria-busy': 'true' },
    h('div', { class: 'bid-head' }, h('span', { class: 'agent' }, agent), h('span', { class: 'tag' }, round ? 'refining…' : 'bidding…')),
    h('pre', { class: 'plan live' }, text));
}

function bidsSection(s: PanelState): HTMLElement | null {
  if (!s.task || (s.bids.length === 0 && Object.keys(s.streaming).length === 0 && s.agents.length === 0)) return null;
  const waiting = s.agents.filter((a) => !s.bids.some((b) => b.agent === a && b.round === 0) && !(`${a}#0` in s.streaming));
  const count = s.bids.filter((b) => b.round === 0).length;
  return h('section', { class: 'bids', 'aria-label': 'Bids' },
    h('h3', {}, `Bids (${count}/${s.agents.length || count})`,
      s.jury && s.phase === 'jury' ? h('span', { class: 'muted small' }, ` · jury ${s.jury.done}/${s.jury.total}`) : null,
      s.refining.length ? h('span', { class: 'muted small' }, ` · refining: ${s.refining.join(', ')}`) : null),
    chartSection(s),
    ...s.bids.map((b, i) => bidCard(s, b, i)),
    ...Object.entries(s.streaming).map(([k, text]) => {
      const [agent, round] = k.split('#');
      return streamingCard(agent, Number(round), text);
    }),
    waiting.length && ['bidding', 'jury'].includes(s.phase) ? h('p', { class: 'muted small' }, `Waiting for: ${waiting.join(', ')}`) : null,
  );
}

function decisionSection(s: PanelState): HTMLElement | null {
  if (s.phase === 'idle' || !s.task) return null;
  const parts: HTMLElement[] = [];
  if (s.explanation.length) {
    parts.push(h('div', { class: 'explanation', 'aria-label': 'Why the winner won' },
      h('h3', {}, s.winner ? `Why ${s.winner} won` : 'Auction'),
      h('ul', {}, ...s.explanation.map((line) => h('li', {}, line)))));
  }
  const running = ['bidding', 'jury', 'refining', 'executing', 'review'].includes(s.phase);
  if (running && s.session) {
    const row = h('div', { class: 'actions', 'data-key': 'actions' });
    if (s.phase === 'review' && s.winnerBidIndex !== null) {
      row.append(button(`Run winner (${s.winner})`, 'run-winner', () => send({ type: 'run', session: s.session!, bidIndex: s.winnerBidIndex! })));
    }
    row.append(button('Cancel', 'cancel', () => send({ type: 'cancel', session: s.session! }), { secondary: true, title: cancelButtonTitle(s.phase) }));
    if (s.phase === 'review') row.append(h('span', { class: 'muted small hint' }, 'Or pick another bid below to override the winner.'));
    parts.push(row);
  }
  return parts.length ? h('section', { class: 'decision' }, ...parts) : null;
}

function execCard(s: PanelState, e: ExecView, i: number): HTMLElement {
  const last = e.tests[e.tests.length - 1];
  return h('article', { class: 'exec', 'data-key': `exec-${i}` },
    h('div', { class: 'bid-head' },
      h('span', { class: 'agent' }, e.agent),
      e.escalation ? h('span', { class: 'tag' }, `escalation ${e.escalation}`) : null,
      e.done ? h('span', { class: `tag ${e.done.passed ? 'pass' : 'fail'}` }, e.done.passed ? 'tests passed' : 'not solved') : h('span', { class: 'tag' }, 'running')),
    h('div', { class: 'small' },
      `Turn ${e.turn} · ${e.tokens} tokens · ${fmtUsd(e.usd)}`,
      e.lastTool ? ` · last: ${e.lastTool}${e.lastDetail ? ` ${clip(e.lastDetail, 140)}` : ''}` : ''),
    last ? h('div', { class: `small test ${last.passed ? 'pass' : 'fail'}` },
      `Last test run: ${last.passed ? 'passed' : 'failed'} (exit ${last.exitCode ?? 'unknown'}, ${last.runner})`) : h('div', { class: 'small muted' }, 'No test run yet.'),
    last ? details(`exec-${i}-out`, 'Test output (tail)', h('pre', { class: 'output', tabindex: '0' }, last.outputTail)) : null,
    e.done ? h('div', { class: 'small muted' }, `Ended: ${e.done.reason}`) : null,
  );
}

function execSection(s: PanelState): HTMLElement | null {
  if (!s.exec.length) return null;
  // Persistent while commands run without a sandbox (src/vscode/noSandboxView.ts says what and how to fix it).
  const ns = s.noSandbox;
  const warn = ns ? h('div', { class: 'notice warn no-sandbox', role: 'note', 'data-key': 'no-sandbox' }, `${NO_SANDBOX_HEADLINE} (${ns.reason}.)`, ns.install ? h('div', { class: 'small' }, ns.install) : null) : null;
  return h('section', { class: 'execution', 'aria-label': 'Execution' }, h('h3', {}, 'Execution'), warn, ...s.exec.map((e, i) => execCard(s, e, i)));
}

function resultSection(s: PanelState): HTMLElement | null {
  if (s.phase !== 'done' && !(s.phase === 'failed' && s.changes.length)) return null;
  const parts: HTMLElement[] = [h('h3', {}, `Changes (${s.changes.length} file${s.changes.length === 1 ? '' : 's'})`)];
  if (!s.changes.length) parts.push(h('p', { class: 'muted' }, 'The agent changed no files.'));
  else {
    parts.push(h('ul', { class: 'changes' }, ...s.changes.map((c) => h('li', {},
      h('a', { href: '#', role: 'button', 'data-key': `diff-${c.path}`, title: `Open ${c.path} in the diff editor`, onclick: (ev: Event) => {
        ev.preventDefault();
        if (s.session) send({ type: 'openDiff', session: s.session, path: c.path });
      } }, c.path),
      h('span', { class: `muted small status-${c.status}` }, ` ${c.status} `),
      h('span', { class: 'add' }, `+${c.additions}`), ' ', h('span', { class: 'del' }, `−${c.deletions}`)))));
  }
  if (s.outcome === 'pending' && s.session) {
    parts.push(h('div', { class: 'actions', 'data-key': 'outcome-actions' },
      button('Accept', 'accept', () => send({ type: 'accept', session: s.session! }), { title: 'Keep the changes' }),
      button('Revert', 'revert', () => send({ type: 'revert', session: s.session! }), { secondary: true, title: 'Restore every file the agent touched, byte for byte' })));
  } else if (s.outcome === 'accepted') {
    parts.push(h('p', { class: 'outcome accepted', role: 'status' }, `Accepted${s.outcomeDetail ? `: ${s.outcomeDetail}` : '.'}`));
  } else if (s.outcome === 'reverted') {
    parts.push(h('p', { class: 'outcome reverted', role: 'status' }, `Reverted${s.outcomeDetail ? `: ${s.outcomeDetail}` : '.'}`));
  }
  if (s.diff) parts.push(details('diff', 'Diff', h('pre', { class: 'diff', tabindex: '0', 'aria-label': 'Unified diff' }, ...diffLines(s.diff))));
  return h('section', { class: 'result', 'aria-label': 'Result' }, ...parts);
}

function diffLines(diff: string): HTMLElement[] {
  return diff.split('\n').map((line) => {
    const cls = line.startsWith('+++') || line.startsWith('---') ? 'meta' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
    return h('span', { class: `line ${cls}` }, `${line}\n`);
  });
}

function noticesSection(s: PanelState): HTMLElement | null {
  const items = [...(s.error ? [{ level: 'error' as const, message: s.error }] : []), ...s.notices.slice(-6)];
  if (!items.length) return null;
  return h('section', { class: 'notices', 'aria-label': 'Messages' },
    ...items.map((n) => h('div', { class: `notice ${n.level}`, role: n.level === 'error' ? 'alert' : 'note' }, n.message)));
}

let lastPoolCheckAt: string | null = null;

/** The last pool check: the same table `sale pool check` prints, then what each agent lacks. Folded while a task runs. */
function poolCheckSection(s: PanelState): HTMLElement | null {
  const c = s.poolCheck;
  if (!c) return null;
  // A new check opens itself once; after that the user's fold/unfold is kept.
  if (c.at !== lastPoolCheckAt) {
    lastPoolCheckAt = c.at;
    openDetails.add('pool-check');
  }
  const table = h('table', { class: 'pool-check small' },
    h('thead', {}, h('tr', {}, ...c.columns.map((col) => h('th', {}, col)))),
    h('tbody', {}, ...c.rows.map((r) => h('tr', {}, ...r.map((cell) => h('td', {}, cell))))));
  const notes = c.notes.length ? h('ul', { class: 'small' }, ...c.notes.map((n) => h('li', {}, n))) : h('div', { class: 'small muted' }, 'Every agent has everything SALE uses.');
  return h('section', { class: 'pool-check', 'aria-label': 'Pool check' },
    details('pool-check', `Pool check: ${c.label} (${new Date(c.at).toLocaleTimeString()})`, [table, notes]));
}

function footer(s: PanelState): HTMLElement {
  return h('footer', {},
    s.task && !['bidding', 'jury', 'refining', 'review', 'executing'].includes(s.phase) ? button('New task…', 'new-task', () => send({ type: 'solve' }), { secondary: true }) : null,
    button('Show log', 'log', () => send({ type: 'showLog' }), { secondary: true }),
    button('Settings', 'settings', () => send({ type: 'openSettings' }), { secondary: true }));
}

// ------------------------------------------------------------------------------------------------ render loop

const app = document.getElementById('app')!;

function render(): void {
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.closest('[data-key]')?.getAttribute('data-key') ?? null;
  const scroll = window.scrollY;
  const view = h('div', { class: 'panel' },
    header(state), noticesSection(state), poolCheckSection(state), taskSection(state), decisionSection(state), bidsSection(state), execSection(state), resultSection(state), footer(state));
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
