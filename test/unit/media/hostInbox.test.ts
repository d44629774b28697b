import assert from 'node:assert/strict';
import { type HostMessageHandlers, receiveHostMessage } from '../../../media/hostInbox';
import { type HostMessage, type PanelState, initialPanelState } from '../../../src/vscode/webviewMessages';

function handlers() {
  const states: PanelState[] = [];
  const focus: string[] = [];
  const problems: string[] = [];
  const on: HostMessageHandlers = { state: (s) => states.push(s), focus: (t) => focus.push(t) };
  return { on, states, focus, problems, problem: (m: string) => problems.push(m) };
}

describe('host messages in the webview (media/hostInbox)', () => {
  it('hands a valid state and a focus request to their handlers, reporting nothing', () => {
    const h = handlers();
    const state = initialPanelState({ phase: 'bidding', session: 'abc' });
    receiveHostMessage({ type: 'state', state }, h.on, h.problem);
    receiveHostMessage({ type: 'focus', target: 'diff' }, h.on, h.problem);
    assert.deepEqual(h.states, [state]);
    assert.deepEqual(h.focus, ['diff']);
    assert.deepEqual(h.problems, []);
  });

  it('reports a message of an unknown type, or an invalid one, with what it dropped', () => {
    const h = handlers();
    receiveHostMessage({ type: 'eval', code: 'alert(1)' }, h.on, h.problem);
    receiveHostMessage({ type: 'state', state: { phase: 'nope' } }, h.on, h.problem);
    assert.equal(h.states.length + h.focus.length, 0, 'never acted on');
    assert.equal(h.problems.length, 2);
    assert.match(h.problems[0], /^The panel refused a message from the host \(.+\): \{"type":"eval","code":"alert\(1\)"\}$/);
    assert.match(h.problems[1], /"phase":"nope"/);
  });

  it('reports a message that reaches the switch without a branch (schema and switch drifted apart)', () => {
    const h = handlers();
    const passAll = (data: unknown) => ({ ok: true as const, message: data as HostMessage });
    receiveHostMessage({ type: 'toast', text: 'hi' }, h.on, h.problem, passAll);
    assert.deepEqual(h.problems, ['The panel dropped a message from the host: unknown message type "toast": {"type":"toast","text":"hi"}']);
  });

  it('keeps a report within the problem message\'s size limit', () => {
    const h = handlers();
    receiveHostMessage({ type: 'x'.repeat(10_000) }, h.on, h.problem);
    assert.ok(h.problems[0].length <= 2000);
  });
});
