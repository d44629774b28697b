import assert from 'node:assert/strict';
import { deltaUiDue } from '../../../src/vscode/panelModel';

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
