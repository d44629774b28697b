import assert from 'node:assert/strict';
import { shellQuote, stripTerminalControls, terminalResultDecision } from '../../../src/vscode/terminalText';

describe('terminal text (vscode/terminalText)', () => {
  it('strips terminal escape sequences, shell-integration marks and CR overwrites', () => {
    const raw = '\x1b]633;C\x07\x1b[32m✔ ok\x1b[0m\r\nprogress 10%\rprogress 100%\r\n\x1b]633;D;0\x07';
    assert.equal(stripTerminalControls(raw), '✔ ok\nprogress 100%\n');
    assert.equal(shellQuote("/tmp/it's here"), "'/tmp/it'\\''s here'");
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
