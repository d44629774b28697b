import assert from 'node:assert/strict';
import { maskSecrets } from '../../../src/vscode/redact';

describe('secrets masked in the log (vscode/redact)', () => {
  it('masks key-like words before they reach the log', () => {
    assert.equal(maskSecrets('key sk-proj-abcdefghijklmnop used'), 'key sk-p…(hidden) used');
    assert.equal(maskSecrets('Authorization: Bearer abcdefghijklmnopqrstu'), 'Authorization: Bear…(hidden)');
  });
});
