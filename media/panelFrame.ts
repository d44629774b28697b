/**
 * The bid panel's frame (webview): the header (phase, pool, spend), the task, messages, the last pool check and
 * the footer's buttons.
 */
import { type PanelState, lastAttemptPassed } from '../src/vscode/webviewMessages';
import { button, h } from './dom';
import { details, fmtUsd, openDetails, send } from './panelContext';
import { formatUsd } from '../src/core/formatUsd';

function phaseText(s: PanelState): string {
  if (s.phase !== 'done') return PHASE_TEXT[s.phase];
  const passed = lastAttemptPassed(s);
  if (passed === undefined) return 'Done';
  return passed ? 'Done: tests passed' : 'Done: tests failed';
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

export function header(s: PanelState): HTMLElement {
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

export function taskSection(s: PanelState): HTMLElement | null {
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

export function noticesSection(s: PanelState): HTMLElement | null {
  const items = [...(s.error ? [{ level: 'error' as const, message: s.error }] : []), ...s.notices.slice(-6)];
  if (!items.length) return null;
  return h('section', { class: 'notices', 'aria-label': 'Messages' },
    ...items.map((n) => h('div', { class: `notice ${n.level}`, role: n.level === 'error' ? 'alert' : 'note' }, n.message)));
}

let lastPoolCheckAt: string | null = null;

/** The last pool check: the same table `sale pool check` prints, then what each agent lacks. Folded while a task runs. */
export function poolCheckSection(s: PanelState): HTMLElement | null {
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

export function footer(s: PanelState): HTMLElement {
  return h('footer', {},
    s.task && !['bidding', 'jury', 'refining', 'review', 'executing'].includes(s.phase) ? button('New task…', 'new-task', () => send({ type: 'solve' }), { secondary: true }) : null,
    button('Show log', 'log', () => send({ type: 'showLog' }), { secondary: true }),
    button('Settings', 'settings', () => send({ type: 'openSettings' }), { secondary: true }));
}
