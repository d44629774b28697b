import { createTwoFilesPatch } from 'diff';
import assert from 'node:assert/strict';
import { changedFiles, originalText, splitDiff } from '../../../src/vscode/diffSummary';

describe('diff summary (vscode/diffSummary)', () => {
  it('summarises a multi-file diff and recovers each file\'s text before the change', () => {
    const before = 'a\nb\nc\n';
    const after = 'a\nB\nc\nd\n';
    const diff = [
      createTwoFilesPatch('a/src/x.js', 'b/src/x.js', before, after),
      createTwoFilesPatch('/dev/null', 'b/src/new.js', '', 'new\n'),
      createTwoFilesPatch('a/old.txt', '/dev/null', 'gone\n', ''),
      'Binary file img.png changed\n',
    ].join('');
    assert.deepEqual(changedFiles(diff), [
      { path: 'img.png', status: 'modified', additions: 0, deletions: 0 },
      { path: 'old.txt', status: 'deleted', additions: 0, deletions: 1 },
      { path: 'src/new.js', status: 'added', additions: 1, deletions: 0 },
      { path: 'src/x.js', status: 'modified', additions: 2, deletions: 1 },
    ]);
    const parts = splitDiff(diff);
    assert.equal(originalText(after, parts.find((p) => p.path === 'src/x.js')!), before);
    assert.equal(originalText('new\n', parts.find((p) => p.path === 'src/new.js')!), '');
    assert.equal(originalText('', parts.find((p) => p.path === 'old.txt')!), 'gone\n');
    assert.equal(originalText('', parts.find((p) => p.path === 'img.png')!), undefined);
  });
});
