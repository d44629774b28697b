import assert from 'node:assert/strict';
import { ListenerSlot } from '../../../src/vscode/disposables';

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
