import assert from 'node:assert/strict';
import { noSandboxView } from '../../../src/vscode/noSandboxView';
import { PanelStateHub } from '../../../src/vscode/panelStateHub';
import { type PanelState, initialPanelState, parseHostMessage } from '../../../src/vscode/webviewMessages';

describe('no-sandbox notice in the panel (vscode/noSandboxView, webview protocol)', () => {
  const missing = { kind: 'none' as const, reason: 'bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt-get install bubblewrap' };

  it('says nothing with a sandbox; without one, why, and how to install bubblewrap where it exists', () => {
    assert.equal(noSandboxView({ kind: 'bwrap', bwrap: '/usr/bin/bwrap' }, 'linux'), null);
    const v = noSandboxView(missing, 'linux')!;
    assert.match(v.reason, /not installed/);
    assert.match(v.install ?? '', /apt-get install bubblewrap/);
    assert.equal(noSandboxView({ kind: 'none', reason: 'switched off (SALE_SANDBOX=off)' }, 'linux')!.install, null, 'switched off on purpose: nothing to install');
    assert.equal(noSandboxView({ kind: 'none', reason: 'no sandbox is available on darwin' }, 'darwin')!.install, null, 'no bubblewrap on macOS');
  });

  it('travels in the zod-checked state message; a malformed notice is refused', () => {
    const state = initialPanelState({ noSandbox: noSandboxView(missing, 'linux') });
    const ok = parseHostMessage({ type: 'state', state });
    assert.ok(ok.ok);
    assert.deepEqual(ok.ok && ok.message.type === 'state' && ok.message.state.noSandbox, state.noSandbox);
    for (const noSandbox of [{ reason: 'x', install: null, extra: 1 }, { reason: 'x'.repeat(501), install: null }, { reason: 1, install: null }, { install: null }]) {
      assert.equal(parseHostMessage({ type: 'state', state: { ...state, noSandbox } }).ok, false, JSON.stringify(noSandbox).slice(0, 80));
    }
  });

  it('stays on the panel across runs (a new run state starts without it)', () => {
    const sent: PanelState[] = [];
    const hub = new PanelStateHub({ setState: (s) => void sent.push(s) }, { update: () => undefined });
    const view = noSandboxView(missing, 'linux');
    hub.set({ ...hub.current, noSandbox: view });
    hub.set(initialPanelState({ phase: 'bidding', session: 'run-2' }));
    assert.deepEqual(hub.current.noSandbox, view);
    assert.deepEqual(sent[sent.length - 1].noSandbox, view, 'the webview gets it too');
  });
});
