/**
 * What execution did (webview): one card per attempt (escalations included), then the changed files with Accept /
 * Revert, or — when nothing changed — what the user can do next, and the diff.
 */
import { type ExecView, type PanelState, NO_SANDBOX_HEADLINE, primaryOutcomeAction } from '../src/vscode/webviewMessages';
import { button, h } from './dom';
import { clip, details, fmtUsd, send } from './panelContext';

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
    // Why no bigger agent tried after this failure (escalation off, at its limit, or not worth its cost).
    e.stopNote ? h('div', { class: 'small muted stop-note', 'data-key': `exec-${i}-stop` }, e.stopNote) : null,
  );
}

export function execSection(s: PanelState): HTMLElement | null {
  if (!s.exec.length) return null;
  // Persistent while commands run without a sandbox (src/vscode/noSandboxView.ts says what and how to fix it).
  const ns = s.noSandbox;
  const warn = ns ? h('div', { class: 'notice warn no-sandbox', role: 'note', 'data-key': 'no-sandbox' }, `${NO_SANDBOX_HEADLINE} (${ns.reason}.)`, ns.install ? h('div', { class: 'small' }, ns.install) : null) : null;
  return h('section', { class: 'execution', 'aria-label': 'Execution' }, h('h3', {}, 'Execution'), warn, ...s.exec.map((e, i) => execCard(s, e, i)));
}

export function resultSection(s: PanelState): HTMLElement | null {
  if (s.phase !== 'done' && !(s.phase === 'failed' && s.changes.length)) return null;
  const parts: HTMLElement[] = [h('h3', {}, `Changes (${s.changes.length} file${s.changes.length === 1 ? '' : 's'})`)];
  if (!s.changes.length) {
    parts.push(h('p', { class: 'muted', role: 'status' }, 'The agent changed no files.'));
    // The next-best bid of the same auction, run without a new auction (the host computed which one).
    if (s.retry && s.session && s.phase === 'done') {
      parts.push(h('div', { class: 'actions', 'data-key': 'retry-actions' },
        button(`Retry with another bid (${s.retry.agent})`, 'retry-bid', () => send({ type: 'retryBid', session: s.session! }),
          { title: `Run ${s.retry.agent}'s bid of the same auction; no new auction is held` })));
    }
  }
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
    // After failed tests the safe choice comes first, as the primary button; Accept then asks before it keeps anything.
    const keepFirst = primaryOutcomeAction(s) === 'accept';
    const accept = button('Accept', 'accept', () => send({ type: 'accept', session: s.session! }),
      { secondary: !keepFirst, title: keepFirst ? 'Keep the changes' : 'Keep the changes although the tests did not pass (asks first)' });
    const revert = button('Revert', 'revert', () => send({ type: 'revert', session: s.session! }), { secondary: keepFirst, title: 'Restore every file the agent touched, byte for byte' });
    parts.push(h('div', { class: 'actions', 'data-key': 'outcome-actions' }, ...(keepFirst ? [accept, revert] : [revert, accept])));
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
