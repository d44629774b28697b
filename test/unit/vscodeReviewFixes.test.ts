import assert from 'node:assert/strict';
import { tokenAllowedFor } from '../../src/vscode/github';
import { terminalResultDecision } from '../../src/vscode/terminalText';
import { deltaUiDue } from '../../src/vscode/panelModel';
import { ListenerSlot } from '../../src/vscode/disposables';
import { cancelButtonTitle } from '../../src/vscode/webviewMessages';
import { cancelRevertErrors, cancelRevertNotice } from '../../src/vscode/engine';
import { KeyedServerSlot } from '../../src/vscode/serverSlot';

describe('GitHub token only to hosts the user chose (vscode/github tokenAllowedFor)', () => {
  it('allows api.github.com over https for a github.com remote', () => {
    assert.equal(tokenAllowedFor('https://api.github.com', 'github.com', []).allowed, true);
    assert.equal(tokenAllowedFor('https://api.github.com/', 'GitHub.com', [undefined, '']).allowed, true);
  });
  it('refuses an Enterprise-looking host named only by the workspace (origin remote or workspace setting)', () => {
    // origin = https://evil.example/acme/x.git → default API base https://evil.example/api/v3
    const r = tokenAllowedFor('https://evil.example/api/v3', 'evil.example', []);
    assert.equal(r.allowed, false);
    assert.match(r.reason, /evil\.example.*neither api\.github\.com nor a GitHub host you configured/);
    // a github.com remote but an API base pointing elsewhere (e.g. set in workspace settings)
    assert.equal(tokenAllowedFor('https://collector.example', 'github.com', []).allowed, false);
    // api.github.com for a host that is not github.com (the github-enterprise session must not go there)
    assert.equal(tokenAllowedFor('https://api.github.com', 'ghe.corp.example', []).allowed, false);
    // plain http to api.github.com
    assert.equal(tokenAllowedFor('http://api.github.com', 'github.com', []).allowed, false);
  });
  it('allows the host of a URL the user configured (github-enterprise.uri, user-scope sale.github.apiBaseUrl)', () => {
    assert.equal(tokenAllowedFor('https://ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, true);
    assert.equal(tokenAllowedFor('http://127.0.0.1:4567', 'github.com', [undefined, 'http://127.0.0.1:4567/']).allowed, true);
    // same host name but another port or scheme is another origin
    assert.equal(tokenAllowedFor('http://127.0.0.1:9999', 'github.com', ['http://127.0.0.1:4567']).allowed, false);
    assert.equal(tokenAllowedFor('http://ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, false);
    // a look-alike suffix is not the configured host
    assert.equal(tokenAllowedFor('https://ghe.corp.example.evil.example/api/v3', 'x', ['https://ghe.corp.example']).allowed, false);
  });
  it('refuses malformed or credential-carrying API bases', () => {
    assert.equal(tokenAllowedFor('not a url', 'github.com', ['not a url']).allowed, false);
    assert.equal(tokenAllowedFor('https://u:p@ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, false);
  });
});

describe('Terminal result: re-run only the test command (vscode/terminalText terminalResultDecision)', () => {
  it('re-runs the test command when the terminal lost the exit code or the output', () => {
    assert.deepEqual(terminalResultDecision({ exitCode: undefined, output: 'x' }, true), { action: 'rerun', why: 'the terminal reported no exit code' });
    assert.deepEqual(terminalResultDecision({ exitCode: 0, output: '  \n' }, true), { action: 'rerun', why: 'no output was captured from the terminal' });
  });
  it('never re-runs another command (it already ran once): no exit code is a failure, with a note', () => {
    const d = terminalResultDecision({ exitCode: undefined, output: '' }, false);
    assert.equal(d.action, 'note');
    assert.equal(d.action === 'note' && d.exitCode, undefined);
    assert.match(d.action === 'note' ? d.note : '', /no exit code: counted as a failure; not run again/);
    const e = terminalResultDecision({ exitCode: 0, output: '' }, false);
    assert.equal(e.action, 'note');
    assert.equal(e.action === 'note' && e.exitCode, 0, 'an observed exit code stands: `git add` prints nothing');
    assert.match(e.action === 'note' ? e.note : '', /no output was captured/);
  });
  it('uses a complete terminal result as it is', () => {
    assert.deepEqual(terminalResultDecision({ exitCode: 1, output: 'FAIL' }, true), { action: 'use' });
    assert.deepEqual(terminalResultDecision({ exitCode: 0, output: 'ok' }, false), { action: 'use' });
  });
});

describe('Streamed bid deltas update the status bar and progress at most every 250 ms (vscode/panelModel deltaUiDue)', () => {
  it('lets one update through per window', () => {
    let last = 0;
    let shown = 0;
    // 100 deltas 10 ms apart: 1 s of streaming.
    for (let t = 1000; t < 2000; t += 10) {
      if (deltaUiDue(last, t)) {
        shown++;
        last = t;
      }
    }
    assert.equal(shown, 4);
    assert.equal(deltaUiDue(1000, 1249), false);
    assert.equal(deltaUiDue(1000, 1250), true);
  });
});

describe('Webview view listeners are replaced, not piled up (vscode/disposables ListenerSlot)', () => {
  it('disposes the previous view\'s listeners when a new view is resolved, and all on clear', () => {
    const disposed: string[] = [];
    const d = (n: string) => ({ dispose: () => disposed.push(n) });
    const slot = new ListenerSlot();
    slot.replace([d('a1'), d('a2')]);
    assert.deepEqual(disposed, []);
    slot.replace([d('b1'), { dispose: () => { throw new Error('x'); } }, d('b3')]);
    assert.deepEqual(disposed, ['a1', 'a2']);
    assert.equal(slot.size, 3);
    slot.clear();
    assert.deepEqual(disposed, ['a1', 'a2', 'b1', 'b3'], 'a failing dispose does not stop the rest');
    assert.equal(slot.size, 0);
    slot.clear();
    assert.equal(disposed.length, 4, 'nothing disposed twice');
  });
});

describe('Cancel says what it does (webviewMessages cancelButtonTitle, engine cancelRevertErrors/Notice)', () => {
  it('the Cancel tooltip during execution says the edits are reverted', () => {
    assert.equal(cancelButtonTitle('executing'), 'Stop the agent and revert its edits');
    assert.doesNotMatch(cancelButtonTitle('executing'), /stay/);
    assert.equal(cancelButtonTitle('review'), 'Cancel this task');
  });
  it('a cancel whose revert failed names the files it could not restore', () => {
    const final = { revert: { errors: ['src/a.js: EACCES: permission denied'] } };
    assert.deepEqual(cancelRevertErrors(true, final), ['src/a.js: EACCES: permission denied']);
    assert.deepEqual(cancelRevertErrors(false, final), [], 'only after a cancel');
    assert.deepEqual(cancelRevertErrors(true, {}), []);
    assert.deepEqual(cancelRevertErrors(true, undefined), []);
    assert.match(cancelRevertNotice(['src/a.js: EACCES: permission denied']) ?? '', /could not restore 1 file\(s\).*src\/a\.js: EACCES/);
    assert.equal(cancelRevertNotice([]), undefined);
  });
});

describe('The simulator server per pool (vscode/serverSlot KeyedServerSlot)', () => {
  function fakeServers() {
    const made: { id: string; closed: boolean; close(): void }[] = [];
    const gates: (() => void)[] = [];
    const start = (id: string) => () => new Promise<{ id: string; closed: boolean; close(): void }>((resolve) => {
      gates.push(() => {
        const h = { id, closed: false, close() { h.closed = true; } };
        made.push(h);
        resolve(h);
      });
    });
    return { made, gates, start };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('shares a starting server only with callers of the same pool key', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const a1 = slot.get('A', f.start('a1'));
    const a2 = slot.get('A', f.start('a2'));
    const b = slot.get('B', f.start('b'));
    await tick();
    assert.equal(f.gates.length, 1, 'one start for A; B waits');
    f.gates[0]();
    assert.equal((await a1).id, 'a1');
    assert.equal((await a2).id, 'a1', 'same key: the same server');
    await tick();
    assert.equal(f.gates.length, 2, 'B starts its own server after A is up');
    f.gates[1]();
    const hb = await b;
    assert.equal(hb.id, 'b', 'another key never gets the other pool\'s server');
    assert.equal(f.made[0].closed, true, 'A\'s server was closed when B replaced it');
    assert.equal(slot.handle?.id, 'b');
  });

  it('dispose closes a server that is still starting', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const p = slot.get('A', f.start('a'));
    await tick();
    const disposed = slot.dispose();
    f.gates[0]();
    await disposed;
    await assert.rejects(p, /shut down/);
    assert.equal(f.made[0].closed, true, 'closed as soon as it came up');
    assert.equal(slot.handle, undefined);
    await assert.rejects(slot.get('A', f.start('again')), /shut down/);
  });

  it('dispose closes the running server', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const p = slot.get('A', f.start('a'));
    await tick();
    f.gates[0]();
    await p;
    await slot.dispose();
    assert.equal(f.made[0].closed, true);
  });
});
