import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { buildRepoContext, detectTestCommand } from '../../../../src/core/workspace/repoContext';
import { makeTempDir, removeDir, writeTree } from '../../helpers/tempRepo';

describe('repoContext', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-ctx-');
  });
  afterEach(() => removeDir(root));

  it('lists files compactly, skipping .git, node_modules, build output and caches, capped with a "more" line', async () => {
    const files: Record<string, string> = {
      'package.json': '{"scripts":{"test":"node --test"}}',
      '.git/HEAD': 'ref',
      'node_modules/x/index.js': '',
      'dist/out.js': '',
      'build/b.js': '',
      '__pycache__/m.pyc': '',
      '.venv/bin/python': '',
      'pkg.egg-info/PKG-INFO': '',
    };
    for (let i = 0; i < 30; i++) files[`src/f${String(i).padStart(2, '0')}.js`] = '';
    await writeTree(root, files);
    const ctx = await buildRepoContext(root, {}, { maxFiles: 10 });
    assert.equal(ctx.files.length, 11);
    assert.deepEqual(ctx.files.slice(0, 3), ['package.json', 'src/f00.js', 'src/f01.js']);
    assert.equal(ctx.files[10], '… 21 more files');
    const all = (await buildRepoContext(root, {})).files;
    assert.equal(all.length, 31);
    assert.ok(all.every((f) => !/node_modules|\.git\/|dist|build|__pycache__|\.venv|egg-info/.test(f)));
    assert.equal(ctx.testCommand, 'npm test');
  });

  it('prefers the task\'s test command, and excerpts focus files (missing or escaping ones are skipped)', async () => {
    await writeTree(root, { 'src/a.js': Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') });
    const ctx = await buildRepoContext(root, { testCommand: 'make check', focusFiles: ['src/a.js', 'missing.js', '../etc/passwd'] }, { excerptLines: 5 });
    assert.equal(ctx.testCommand, 'make check');
    assert.equal(ctx.excerpts?.length, 1);
    assert.equal(ctx.excerpts?.[0].path, 'src/a.js');
    assert.equal(ctx.excerpts?.[0].text, 'line 1\nline 2\nline 3\nline 4\nline 5\n… (excerpt; 100 lines in all)');
  });

  it('detects test commands from common layouts', async () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ 'package.json': '{"scripts":{"test":"mocha"}}' }, 'npm test'],
      [{ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}', 'test/a.test.js': '' }, 'node --test'],
      [{ 'test/a.test.mjs': '' }, 'node --test'],
      [{ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'tests/test_a.py': '' }, 'python3 -m pytest'],
      [{ 'tests/test_a.py': '' }, 'python3 -m unittest discover -s tests'],
      [{ 'test_mod.py': '' }, 'python3 -m unittest discover -s .'],
      [{ 'Makefile': 'all:\n\techo\ntest: all\n\t./run\n' }, 'make test'],
      [{ 'go.mod': 'module x\n' }, 'go test ./...'],
      [{ 'README.md': 'nothing' }, undefined],
    ];
    for (const [tree, expected] of cases) {
      const dir = await makeTempDir('sale-detect-');
      try {
        await writeTree(dir, tree);
        assert.equal(await detectTestCommand(dir), expected, JSON.stringify(tree));
      } finally {
        await removeDir(dir);
      }
    }
  });

  it('detects `npm test` for a suite fixture repo', async function () {
    const fixture = path.join(__dirname, '..', '..', '..', 'fixtures', 'suite', 'str-truncate-length', 'repo');
    if (!existsSync(path.join(fixture, 'package.json'))) this.skip();
    assert.equal(await detectTestCommand(fixture), 'npm test');
  });
});
