import assert from 'node:assert/strict';
import type { LogLevel } from '../../../src/vscode/log';
import { PanelInbox } from '../../../src/vscode/panelInbox';
import type { PanelAction } from '../../../src/vscode/webviewMessages';

function inbox(session: string | null = 's1') {
  const lines: { level: LogLevel; message: string }[] = [];
  const handled: PanelAction[] = [];
  let ready = 0;
  const box = new PanelInbox({ session: () => session, onReady: () => ready++, log: (level, message) => lines.push({ level, message }) });
  box.handleActionsWith((msg) => {
    handled.push(msg);
  });
  return { box, lines, handled, ready: () => ready };
}

describe('panel inbox: nothing from the webview is dropped quietly (vscode/panelInbox)', () => {
  it('refuses a message of an unknown type and logs what it dropped', async () => {
    const { box, lines, handled } = inbox();
    const r = await box.receive({ type: 'deleteEverything', session: 's1', path: '/etc' });
    assert.equal(r.accepted, false);
    assert.ok(r.reason && r.reason.length > 3);
    assert.equal(handled.length, 0, 'never acted on');
    assert.equal(box.refused.length, 1);
    const line = lines.find((l) => l.level === 'warn' && /^Refused a panel message \(malformed/.test(l.message));
    assert.ok(line, `logged: ${JSON.stringify(lines)}`);
    assert.match(line!.message, /"deleteEverything"/, 'the log names what was dropped');
  });

  it('refuses and logs a known action that does not fit its schema, a stale session, and a handler that rejects', async () => {
    const { box, lines, handled } = inbox('s1');
    assert.equal((await box.receive({ type: 'run', session: 's1', bidIndex: -1 })).accepted, false);
    const stale = await box.receive({ type: 'accept', session: 'old' });
    assert.equal(stale.accepted, false);
    assert.match(stale.reason!, /stale or forged session "old" \(current: s1\)/);
    assert.equal(handled.length, 0);
    box.handleActionsWith(() => Promise.reject(new Error('There is no change waiting to be accepted.')));
    const failed = await box.receive({ type: 'accept', session: 's1' });
    assert.deepEqual(failed, { accepted: false, reason: 'There is no change waiting to be accepted.' });
    assert.equal(box.refused.length, 3);
    assert.equal(lines.filter((l) => /^Refused a panel message/.test(l.message)).length, 3, 'each refusal is logged');
    assert.ok(lines.some((l) => l.message.includes('{"type":"accept","session":"s1"}')));
  });

  it('refuses an action that arrives before a controller is connected', async () => {
    const lines: string[] = [];
    const box = new PanelInbox({ session: () => null, onReady: () => undefined, log: (_l, m) => lines.push(m) });
    const r = await box.receive({ type: 'solve' });
    assert.equal(r.accepted, false);
    assert.match(lines[0], /not connected/);
  });

  it('passes a valid action of the current session to the handler; handles ready and problem itself', async () => {
    const { box, lines, handled, ready } = inbox('s1');
    assert.deepEqual(await box.receive({ type: 'run', session: 's1', bidIndex: 2 }), { accepted: true });
    assert.deepEqual(await box.receive({ type: 'solve' }), { accepted: true });
    assert.deepEqual(handled, [{ type: 'run', session: 's1', bidIndex: 2 }, { type: 'solve' }]);
    assert.deepEqual(await box.receive({ type: 'ready' }), { accepted: true });
    assert.equal(ready(), 1);
    assert.equal(box.readyCount, 1);
    assert.deepEqual(await box.receive({ type: 'problem', message: 'bad state' }), { accepted: true });
    assert.deepEqual(lines, [{ level: 'warn', message: 'Panel: bad state' }]);
    assert.equal(box.refused.length, 0);
  });

  it('passes holdAuction and retryBid of the current session; refuses them without a session, stale, or with extra fields', async () => {
    const { box, handled } = inbox('s1');
    assert.deepEqual(await box.receive({ type: 'holdAuction', session: 's1' }), { accepted: true });
    assert.deepEqual(await box.receive({ type: 'retryBid', session: 's1' }), { accepted: true });
    assert.equal((await box.receive({ type: 'holdAuction' })).accepted, false);
    assert.match((await box.receive({ type: 'retryBid', session: 'old' })).reason!, /stale or forged session "old"/);
    // A forged bid index must not ride along: the host picks the next-best bid itself.
    assert.equal((await box.receive({ type: 'retryBid', session: 's1', bidIndex: 0 })).accepted, false);
    assert.deepEqual(handled, [{ type: 'holdAuction', session: 's1' }, { type: 'retryBid', session: 's1' }]);
  });

  it('keeps at most 100 refusals', async () => {
    const { box } = inbox();
    for (let i = 0; i < 105; i++) await box.receive({ type: 'nope', i });
    assert.equal(box.refused.length, 100);
    assert.deepEqual(box.refused[99].message, { type: 'nope', i: 104 });
  });
});
