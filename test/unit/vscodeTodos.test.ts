import assert from 'node:assert/strict';
import { excerptAround, findTodos, todoAtLine, todoTitle } from '../../src/vscode/todos';
import { looksLikeCode, taskFromIssue, taskFromSelection, taskFromText, taskFromTodo } from '../../src/vscode/taskBuilders';

describe('TODO parsing (vscode/todos)', () => {
  it('finds TODO and FIXME in line comments of many languages', () => {
    const text = [
      '// TODO: handle empty input',
      'const a = 1; // FIXME(ana): off by one in the loop',
      '# TODO make slugify strip accents',
      '-- TODO: index the users table',
      '<!-- TODO: add alt text -->',
      '/* XXX: remove this hack */',
      '; TODO assembler style',
    ].join('\n');
    const todos = findTodos(text);
    assert.deepEqual(todos.map((t) => [t.line, t.tag, t.text]), [
      [0, 'TODO', 'handle empty input'],
      [1, 'FIXME', 'off by one in the loop'],
      [2, 'TODO', 'make slugify strip accents'],
      [3, 'TODO', 'index the users table'],
      [4, 'TODO', 'add alt text'],
      [5, 'XXX', 'remove this hack'],
      [6, 'TODO', 'assembler style'],
    ]);
    assert.equal(todos[1].owner, 'ana');
    assert.equal(todos[1].column, 16);
  });

  it('joins continuation lines of the same comment and stops at code or a new tag', () => {
    const text = [
      'function f() {',
      '  // TODO: slugify() mangles accented letters',
      '  // and leaves stray dashes at the ends.',
      '  // TODO: a second one',
      '  return 1; // trailing comment is not a continuation',
      '}',
    ].join('\n');
    const todos = findTodos(text);
    assert.equal(todos.length, 2);
    assert.equal(todos[0].text, 'slugify() mangles accented letters and leaves stray dashes at the ends.');
    assert.equal(todos[0].endLine, 2);
    assert.equal(todos[1].text, 'a second one');
  });

  it('reads multi-line block comments up to the closer', () => {
    const text = '/*\n * TODO: cache the parsed config\n * between calls to load().\n */\nload();';
    const [t] = findTodos(text);
    assert.equal(t.text, 'cache the parsed config between calls to load().');
    assert.equal(t.line, 1);
  });

  it('ignores TODO words in strings, identifiers and bare tags', () => {
    const text = [
      'const msg = "TODO list";',
      'const TODO_COUNT = 3;',
      'todoList.push(x);',
      '// TODO',
      'a * TODO(b)',
    ].join('\n');
    assert.deepEqual(findTodos(text), []);
  });

  it('todoAtLine finds the comment covering a line, continuation included', () => {
    const text = 'x\n// TODO: first line\n// second line\ny';
    assert.equal(todoAtLine(text, 1)?.text, 'first line second line');
    assert.equal(todoAtLine(text, 2)?.line, 1);
    assert.equal(todoAtLine(text, 3), undefined);
    assert.equal(todoAtLine(text, 0), undefined);
  });

  it('skips minified lines and caps titles on a word boundary', () => {
    assert.deepEqual(findTodos(`${'a'.repeat(3000)} // TODO: x`), []);
    const long = todoTitle({ text: 'word '.repeat(60).trim() }, 40);
    assert.ok(long.length <= 41 && long.endsWith('…'));
  });

  it('excerptAround numbers lines from 1', () => {
    const ex = excerptAround('a\nb\nc\nd', 2, 1, 1);
    assert.equal(ex.startLine, 2);
    assert.equal(ex.text, '2  b\n3  c\n4  d');
  });
});

describe('tasks from what the user pointed at (vscode/taskBuilders)', () => {
  const base = { repo: 'https://github.com/acme/textkit.git' };

  it('a TODO keeps its text as the title (the simulator finds suite tasks by title) and its file as focus', () => {
    const fileText = "'use strict';\n// TODO: slugify() mangles accented letters and leaves stray dashes\nfunction slugify() {}\n";
    const [todo] = findTodos(fileText);
    const t = taskFromTodo({ file: 'src/slugify.js', todo, fileText }, base);
    assert.equal(t.title, 'slugify() mangles accented letters and leaves stray dashes');
    assert.equal(t.source, 'todo');
    assert.deepEqual(t.focusFiles, ['src/slugify.js']);
    assert.match(t.body, /src\/slugify\.js:2/);
    assert.match(t.body, /2 {2}\/\/ TODO: slugify/);
    assert.match(t.id, /^todo-/);
  });

  it('typed text: first line is the title, the rest the body', () => {
    const t = taskFromText('  Fix the date parser\nIt fails on ISO strings.\n', base);
    assert.equal(t.title, 'Fix the date parser');
    assert.equal(t.body, 'It fails on ISO strings.');
    assert.equal(taskFromText('one line only', base).body, '');
    assert.throws(() => taskFromText('   ', base), /empty/);
  });

  it('a prose selection is the task; a code selection becomes a task about that code', () => {
    const prose = taskFromSelection({ file: 'README.md', startLine: 4, endLine: 5, selectedText: 'truncate() returns strings longer than maxLength\nIt must count the ellipsis.' }, base);
    assert.equal(prose.title, 'truncate() returns strings longer than maxLength');
    assert.match(prose.body, /Selected in README\.md:5-6/);
    const code = taskFromSelection({ file: 'src/a.js', startLine: 0, endLine: 2, selectedText: 'function f(x) {\n  return x + 1;\n}', languageId: 'javascript' }, base);
    assert.equal(code.title, 'Fix the code at src/a.js:1-3');
    assert.match(code.body, /```javascript\nfunction f/);
    assert.deepEqual(code.focusFiles, ['src/a.js']);
    assert.equal(looksLikeCode('// just a comment\n// another'), false);
  });

  it('a GitHub issue keeps its number and URL in the body', () => {
    const t = taskFromIssue({ number: 7, title: 'Crash on empty input', body: 'Steps…', url: 'https://github.com/acme/textkit/issues/7', labels: ['bug'] }, base);
    assert.equal(t.title, 'Crash on empty input');
    assert.match(t.body, /GitHub issue #7: https:\/\/github\.com\/acme\/textkit\/issues\/7/);
    assert.match(t.body, /Labels: bug/);
    assert.equal(taskFromIssue({ number: 8, title: 'x', body: null, url: '' }, base).source, 'issue');
  });
});
