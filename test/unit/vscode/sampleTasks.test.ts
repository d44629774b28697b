import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../../../src/core/suite';
import { fitsFolder, sampleTaskChoices } from '../../../src/vscode/sampleTasks';

const SUITE = join(__dirname, '..', '..', 'fixtures', 'suite');
const samples = () => loadSuite(SUITE).map((s) => ({ id: s.task.id, title: s.task.title, body: s.task.body, repoDir: s.repoDir }));

describe('the sample-task pick list (vscode/sampleTasks)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sale-samples-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('offers every bundled task; the one whose sample repository is open comes first, with its TODO', () => {
    const all = samples();
    const task = all.find((t) => t.id === 'str-truncate-length')!;
    cpSync(task.repoDir, dir, { recursive: true });
    const choices = sampleTaskChoices(all, dir, [{ rel: 'src/truncate.js', line: 3, text: `  ${task.title} ` }, { rel: 'x.js', line: 0, text: 'something else' }]);
    assert.equal(choices.length, all.length);
    assert.equal(choices[0].id, 'str-truncate-length');
    assert.equal(choices[0].fitsHere, true);
    assert.deepEqual(choices[0].todo, { rel: 'src/truncate.js', line: 3 });
    assert.ok(choices.slice(1).every((c) => !c.fitsHere && !c.todo), 'no other task fits this folder');
    const ids = choices.slice(1).map((c) => c.id);
    assert.deepEqual(ids, [...ids].sort(), 'the rest by id');
  });

  it('a sibling task of the same family does not fit: its manifest differs', () => {
    const all = samples();
    const a = all.find((t) => t.id === 'cache-lru-recency')!;
    const b = all.find((t) => t.id === 'cache-ttl-boundary')!;
    cpSync(a.repoDir, dir, { recursive: true });
    assert.equal(fitsFolder(a, dir), true);
    assert.equal(fitsFolder(b, dir), false);
  });

  it('edited sources still fit; a missing file or a changed manifest does not; no folder fits nothing', () => {
    const task = samples().find((t) => t.id === 'str-truncate-length')!;
    cpSync(task.repoDir, dir, { recursive: true });
    writeFileSync(join(dir, 'src', 'truncate.js'), '// accepted change\n');
    assert.equal(fitsFolder(task, dir), true);
    writeFileSync(join(dir, 'package.json'), '{}\n');
    assert.equal(fitsFolder(task, dir), false);
    assert.ok(sampleTaskChoices([task], undefined, []).every((c) => !c.fitsHere));
    assert.equal(fitsFolder({ repoDir: join(dir, 'missing') }, dir), false);
  });
});
