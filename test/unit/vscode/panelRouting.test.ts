import assert from 'node:assert/strict';
import { type PanelActions, routePanelAction } from '../../../src/vscode/panelRouting';
import { type PanelAction, WebviewMessageSchema, unknownMessageText } from '../../../src/vscode/webviewMessages';

/** One sample of every action the webview may send. */
const SAMPLES: Record<PanelAction['type'], PanelAction> = {
  run: { type: 'run', session: 's', bidIndex: 3 },
  cancel: { type: 'cancel', session: 's' },
  accept: { type: 'accept', session: 's' },
  revert: { type: 'revert', session: 's' },
  openDiff: { type: 'openDiff', session: 's', path: 'src/a.js' },
  holdAuction: { type: 'holdAuction', session: 's' },
  retryBid: { type: 'retryBid', session: 's' },
  solve: { type: 'solve' },
  openSettings: { type: 'openSettings' },
  showLog: { type: 'showLog' },
};

function recorder() {
  const calls: [string, unknown[]][] = [];
  const rec = (name: string) => async (...args: unknown[]) => {
    calls.push([name, args]);
  };
  const actions: PanelActions = {
    run: rec('run'), cancel: rec('cancel'), accept: rec('accept'), revert: rec('revert'), openDiff: rec('openDiff'),
    holdAuction: rec('holdAuction'), retryBid: rec('retryBid'),
    solve: rec('solve'), openSettings: rec('openSettings'), showLog: rec('showLog'),
  };
  return { actions, calls };
}

describe('panel routing (vscode/panelRouting)', () => {
  it('has a sample for every action type of the schema (a new message type must be routed and tested)', () => {
    const types = WebviewMessageSchema.options.map((o) => o.shape.type.value).filter((t) => t !== 'ready' && t !== 'problem');
    assert.deepEqual([...types].sort(), Object.keys(SAMPLES).sort());
  });

  it('routes each action to exactly its handler, with its argument', async () => {
    for (const [type, msg] of Object.entries(SAMPLES)) {
      const { actions, calls } = recorder();
      await routePanelAction(msg, actions);
      assert.equal(calls.length, 1, type);
      assert.equal(calls[0][0], type);
    }
    const { actions, calls } = recorder();
    await routePanelAction(SAMPLES.run, actions);
    await routePanelAction(SAMPLES.openDiff, actions);
    assert.deepEqual(calls, [['run', [3]], ['openDiff', ['src/a.js']]]);
  });

  it('routes "Hold the auction anyway" and "Retry with another bid" to their own handlers, never to run', async () => {
    const { actions, calls } = recorder();
    await routePanelAction(SAMPLES.holdAuction, actions);
    await routePanelAction(SAMPLES.retryBid, actions);
    assert.deepEqual(calls, [['holdAuction', []], ['retryBid', []]]);
  });

  it('rejects an unknown message, naming it, instead of ignoring it', async () => {
    const { actions, calls } = recorder();
    const forged = { type: 'format', session: 's', disk: 'C:' } as unknown as PanelAction;
    await assert.rejects(routePanelAction(forged, actions), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'unknown-message');
      assert.match(e.message, /unknown message type "format"/);
      assert.match(e.message, /"disk":"C:"/);
      return true;
    });
    assert.equal(calls.length, 0);
  });

  it('describes what was dropped, clipped, even when it cannot be serialised', () => {
    assert.match(unknownMessageText({ type: 'x', blob: 'y'.repeat(5000) } as never), /^unknown message type "x": \{"type":"x".{280,300}$/);
    const circular: Record<string, unknown> = { type: 'loop' };
    circular.self = circular;
    assert.match(unknownMessageText(circular as never), /unknown message type "loop": \[object Object\]/);
    assert.match(unknownMessageText(null as never), /unknown message type undefined: null/);
  });
});
