import assert from 'node:assert/strict';
import { cancelRevertErrors, cancelRevertNotice } from '../../../src/vscode/engine';
import { cancelButtonTitle } from '../../../src/vscode/webviewMessages';

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
