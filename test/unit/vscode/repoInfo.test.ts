import assert from 'node:assert/strict';
import { stripCredentials } from '../../../src/vscode/repoInfo';

describe('repository labels (vscode/repoInfo)', () => {
  it('removes credentials from remote URLs before they become memory labels', () => {
    assert.equal(stripCredentials('https://user:ghp_abcdef@github.com/acme/x.git'), 'https://github.com/acme/x.git');
    assert.equal(stripCredentials('git@github.com:acme/x.git'), 'git@github.com:acme/x.git');
  });
});
