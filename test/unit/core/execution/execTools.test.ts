import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { ExecToolbox } from '../../../../src/core/execution/execTools';
import { capText, nearestHint } from '../../../../src/core/execution/toolText';
import { FileJournal } from '../../../../src/core/workspace/fileJournal';
import type { CommandApprover } from '../../../../src/core/ports/commandRunner';
import { approveAll, approveNone } from '../../helpers/builders';
import { makeTempDir, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

describe('execTools', () => {
  let root: string;
  let journal: FileJournal;
  let tools: ExecToolbox;
  const runner = new ChildProcessCommandRunner();

  beforeEach(async () => {
    root = await makeTempDir('sale-tools-');
    await writeTree(root, {
      'src/math.js': 'function add(a, b) {\n  return a - b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\nmodule.exports = { add, sub };\n',
      'src/crlf.js': 'const a = 1;\r\nconst b = 2;\r\n',
      'node_modules/dep/index.js': 'function add() {}\n',
      'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x61, 0x64, 0x64]),
      'test/math.test.js': "const test=require('node:test');const assert=require('node:assert');const {add}=require('../src/math');test('add',()=>assert.strictEqual(add(2,3),5));\n",
    });
    journal = await FileJournal.open(root);
    tools = new ExecToolbox({ journal, runner, approver: approveAll, testCommand: 'node --test' });
  });
  afterEach(() => removeDir(root));

  const run = (name: string, args: unknown) => tools.call(name, typeof args === 'string' ? args : JSON.stringify(args));

  describe('bad model input never crashes and gets a message back', () => {
    it('unknown tool', async () => {
      const r = await run('delete_everything', {});
      assert.equal(r.ok, false);
      assert.match(r.content, /Unknown tool "delete_everything"\. Available tools: list_files, read_file, search, edit_file, write_file, run_tests, run_command, finish\./);
    });

    it('malformed JSON arguments, non-object arguments, wrong types and missing fields', async () => {
      const before = await treeSnapshot(root);
      const bad = await run('write_file', '{"path": "x.js", "content": "unterminated');
      assert.equal(bad.ok, false);
      assert.match(bad.content, /arguments of write_file are not valid JSON .*Send one JSON object/);
      assert.match((await run('edit_file', '[1,2]')).content, /must be a JSON object/);
      assert.match((await run('read_file', 'null')).content, /must be a JSON object/);
      assert.match((await run('read_file', { path: 42 })).content, /Invalid arguments for read_file: path: must be a string/);
      assert.match((await run('edit_file', { path: 'src/math.js', search: 'x' })).content, /Invalid arguments for edit_file: replace/);
      assert.match((await run('read_file', { path: 'src/math.js', startLine: 0 })).content, /Invalid arguments for read_file: startLine/);
      assert.match((await run('run_command', { command: '   ' })).content, /command: must not be empty/);
      assert.deepEqual(await treeSnapshot(root), before);
    });

    it('tolerates empty arguments for tools without parameters, extra keys and numeric strings', async () => {
      assert.equal((await run('list_files', '')).ok, true);
      const r = await run('read_file', { path: 'src/math.js', startLine: '2', endLine: '2', note: 'extra keys are ignored' });
      assert.equal(r.ok, true);
      assert.match(r.content, /^src\/math\.js \(lines 2–2 of 8\)\n2\| {3}return a - b;$/);
    });
  });

  describe('edit_file', () => {
    it('not found: nothing changes, and the model gets the nearest line as a hint', async () => {
      const before = await treeSnapshot(root);
      const r = await run('edit_file', { path: 'src/math.js', search: 'function add(x, y) {', replace: 'function add(a, b) {' });
      assert.equal(r.ok, false);
      assert.match(r.content, /not found in src\/math\.js; nothing was changed\. The nearest line to search line 1 is line 1: "function add\(a, b\) \{"/);
      assert.deepEqual(await treeSnapshot(root), before);
    });

    it('whitespace-only mismatch is named as such', async () => {
      const r = await run('edit_file', { path: 'src/math.js', search: 'function add(a, b) {\n    return a - b;', replace: 'x' });
      assert.equal(r.ok, false);
      assert.match(r.content, /Lines 1–2 match it except for whitespace/);
    });

    it('found twice: nothing changes, and the model is asked for more context', async () => {
      const before = await treeSnapshot(root);
      const r = await run('edit_file', { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' });
      assert.equal(r.ok, false);
      assert.match(r.content, /occurs 2 times in src\/math\.js \(at lines 2, 6\); nothing was changed\. Include more surrounding lines/);
      assert.deepEqual(await treeSnapshot(root), before);
    });

    it('exactly once: edits, reports the line, and the journal has it', async () => {
      const r = await run('edit_file', { path: 'src/math.js', search: 'function add(a, b) {\n  return a - b;', replace: 'function add(a, b) {\n  return a + b;' });
      assert.equal(r.ok, true, r.content);
      assert.equal(r.changed, true);
      assert.match(r.content, /Edited src\/math\.js at line 1/);
      assert.match(await fsp.readFile(path.join(root, 'src/math.js'), 'utf8'), /return a \+ b;\n\}\n\nfunction sub/);
      assert.deepEqual(await journal.changedFiles(), ['src/math.js']);
    });

    it('matches LF search text in a CRLF file and keeps CRLF line ends', async () => {
      const r = await run('edit_file', { path: 'src/crlf.js', search: 'const a = 1;\nconst b = 2;', replace: 'const a = 10;\nconst b = 20;' });
      assert.equal(r.ok, true, r.content);
      assert.equal(await fsp.readFile(path.join(root, 'src/crlf.js'), 'utf8'), 'const a = 10;\r\nconst b = 20;\r\n');
    });

    it('several hunks in one call: applied in order, all or nothing', async () => {
      const before = await treeSnapshot(root);
      const bad = await run('edit_file', { path: 'src/math.js', edits: [
        { search: 'function add(a, b) {\n  return a - b;', replace: 'function add(a, b) {\n  return a + b;' },
        { search: 'no such text', replace: 'x' },
      ] });
      assert.equal(bad.ok, false);
      assert.match(bad.content, /^Hunk 2 of 2: the search text was not found in src\/math\.js \(as the earlier hunks left it\).*No hunk was applied\./s);
      assert.deepEqual(await treeSnapshot(root), before);
      // The second hunk's search text is unique only after the first hunk ran: order matters.
      const r = await run('edit_file', { path: 'src/math.js', edits: [
        { search: 'function add(a, b) {\n  return a - b;', replace: 'function add(a, b) {\n  return a + b;' },
        { search: '  return a - b;', replace: '  return a - b; // sub' },
      ] });
      assert.equal(r.ok, true, r.content);
      assert.match(r.content, /Edited src\/math\.js at line 1 \(2 line\(s\) replaced by 2\); at line 6/);
      assert.equal(await fsp.readFile(path.join(root, 'src/math.js'), 'utf8'),
        'function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b; // sub\n}\nmodule.exports = { add, sub };\n');
      assert.match((await run('edit_file', { path: 'src/math.js', search: 'a', replace: 'b', edits: [{ search: 'a', replace: 'b' }] })).content, /either `edits` or `search`\/`replace`/);
      assert.match((await run('edit_file', { path: 'src/math.js', edits: [] })).content, /Invalid arguments for edit_file: edits/);
    });

    it('write_file with append adds to the end (and creates a missing file); a revert removes it all', async () => {
      assert.match((await run('write_file', { path: 'src/big.js', content: 'part 1\n', append: true })).content, /Created src\/big\.js/);
      const r = await run('write_file', { path: 'src/big.js', content: 'part 2\n', append: true });
      assert.match(r.content, /Appended 7 bytes to src\/big\.js \(now 14 bytes\)/);
      assert.equal(await fsp.readFile(path.join(root, 'src/big.js'), 'utf8'), 'part 1\npart 2\n');
      await journal.revert();
      await assert.rejects(fsp.stat(path.join(root, 'src/big.js')));
    });

    it('refuses binary files and missing files with a message', async () => {
      assert.match((await run('edit_file', { path: 'img.png', search: 'add', replace: 'x' })).content, /binary file/);
      assert.match((await run('edit_file', { path: 'nope.js', search: 'a', replace: 'b' })).content, /does not exist/);
      assert.match((await run('read_file', { path: 'src' })).content, /is a folder/);
    });
  });

  it('read_file numbers lines, honours ranges, caps long files and long lines', async () => {
    await writeTree(root, { 'long.txt': Array.from({ length: 1000 }, (_, i) => `l${i + 1}`).join('\n') + '\n', 'wide.txt': 'y'.repeat(5000) });
    const r = await run('read_file', { path: 'long.txt', startLine: 998 });
    assert.equal(r.content, 'long.txt (lines 998–1000 of 1000)\n 998| l998\n 999| l999\n1000| l1000');
    const capped = await run('read_file', { path: 'long.txt' });
    assert.match(capped.content, /\(lines 1–400 of 1000\)/);
    assert.match(capped.content, /400\| l400\n… shown up to line 400 of 1000 \(at most 400 lines a call\); read on with startLine=401\.$/);
    const over = await run('read_file', { path: 'long.txt', startLine: 1, endLine: 900 });
    assert.match(over.content, /read on with startLine=401/);
    assert.match((await run('read_file', { path: 'wide.txt' })).content, /y… \[\+4500 chars\]/);
    assert.match((await run('read_file', { path: 'long.txt', startLine: 2000 })).content, /has only 1000 lines/);
  });

  it('list_files and search skip dependency folders and binary files, and search is literal', async () => {
    const l = await run('list_files', {});
    assert.equal(l.content, 'img.png\nsrc/\nsrc/crlf.js\nsrc/math.js\ntest/\ntest/math.test.js');
    const s = await run('search', { query: 'function add(' });
    assert.equal(s.content, 'src/math.js:1: function add(a, b) {');
    const ci = await run('search', { query: 'FUNCTION SUB' });
    assert.match(ci.content, /case-insensitive[\s\S]*src\/math\.js:5: function sub\(a, b\) \{/);
    assert.match((await run('search', { query: '.*' })).content, /No matches/);
  });

  it('write_file creates folders, reports created vs overwrote', async () => {
    assert.match((await run('write_file', { path: 'a/b/c.txt', content: 'x' })).content, /^Created a\/b\/c\.txt \(1 bytes\)\.$/);
    assert.match((await run('write_file', { path: 'a/b/c.txt', content: 'xy' })).content, /^Overwrote a\/b\/c\.txt/);
    assert.match((await run('write_file', { path: 'src', content: 'x' })).content, /is a folder/);
  });

  it('run_tests returns exit code, verdict and a 4 KB tail; no test command is a message', async () => {
    const r = await run('run_tests', {});
    assert.equal(r.ok, true);
    assert.equal(r.test?.exitCode, 1);
    assert.match(r.content, /^Test command: node --test\nExit code: 1\nResult: FAILED\n--- output/);
    const none = new ExecToolbox({ journal, runner, approver: approveAll });
    const n = await none.call('run_tests', '{}');
    assert.equal(n.ok, false);
    assert.match(n.content, /No test command is known/);
  });

  it('run_command goes through the approver; a refusal is a message and nothing runs', async () => {
    const asked: string[] = [];
    const approver: CommandApprover = { approve: async (c) => (asked.push(c), false) };
    const t = new ExecToolbox({ journal, runner, approver, testCommand: 'node --test' });
    const r = await t.call('run_command', JSON.stringify({ command: 'touch ran.txt' }));
    assert.equal(r.ok, false);
    assert.match(r.content, /was not approved/);
    assert.deepEqual(asked, ['touch ran.txt']);
    await assert.rejects(fsp.access(path.join(root, 'ran.txt')));
    const throwing = new ExecToolbox({ journal, runner, approver: { approve: async () => { throw new Error('dialog closed'); } } });
    assert.match((await throwing.call('run_command', JSON.stringify({ command: 'touch ran.txt' }))).content, /not approved/);
    const none = new ExecToolbox({ journal, runner, approver: approveNone });
    assert.equal((await none.call('run_command', JSON.stringify({ command: 'ls' }))).ok, false);
  });

  it('a command printing 5 MB reaches the model capped (run_command and run_tests)', async () => {
    const five = `node -e "process.stdout.write('A'.repeat(5*1024*1024)+'END')"`;
    const c = await run('run_command', { command: five });
    assert.equal(c.command?.exitCode, 0);
    assert.ok(c.content.length <= tools.limits.maxResultChars, `run_command result ${c.content.length} chars`);
    assert.ok(c.content.length <= tools.limits.commandOutputChars + 200);
    assert.match(c.content, /END/);
    assert.match(c.content, /characters cut/);
    const t = new ExecToolbox({ journal, runner, approver: approveAll, testCommand: five });
    const r = await t.call('run_tests', '{}');
    assert.ok(r.content.length <= t.limits.testTailChars + 300, `run_tests result ${r.content.length} chars`);
    assert.match(r.content, /Result: PASSED/);
  });

  it('capText keeps head and tail within the cap', () => {
    const s = `${'a'.repeat(1000)}${'b'.repeat(1000)}`;
    const c = capText(s, 300);
    assert.ok(c.length <= 300);
    assert.ok(c.startsWith('aaa'));
    assert.ok(c.endsWith('bbb'));
    assert.match(c, /characters cut/);
    assert.equal(capText('short', 300), 'short');
  });

  it('nearestHint says when nothing is similar', () => {
    assert.match(nearestHint('alpha\nbeta\n', 'zzzzqqqq'), /No similar line/);
  });
});
