// A throwaway git repository to open in the test host or in `npm run try-it`: a temp copy of a task's
// repo/ from test/fixtures/suite (by default the first task of complexity bin 2, i.e. 5–14 human minutes),
// or a tiny embedded repo when the suite is not there. Usable from code and as a CLI:
//   node scripts/lib/fixture.js [--task <id>] [--parent <dir>] [--todo]   → prints the repo folder and writes task.json beside it
// --todo (npm run try-it): the task's title goes into the code as a TODO comment, in the first file its solution
// changes, so a new user finds the "Solve with SALE" CodeLens where the work is.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SUITE = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'suite');

/** Bins as in src/core/task.ts: 1: <5, 2: <15, 3: <30, 4: <60, 5: ≥60 minutes. */
const bin = (m) => (m < 5 ? 1 : m < 15 ? 2 : m < 30 ? 3 : m < 60 ? 4 : 5);

/** The suite's tasks, sorted by id: [{ id, dir, task }]. */
function suiteTasks() {
  if (!fs.existsSync(SUITE)) return [];
  return fs.readdirSync(SUITE).sort().flatMap((id) => {
    const file = path.join(SUITE, id, 'task.json');
    if (!fs.existsSync(file) || !fs.existsSync(path.join(SUITE, id, 'repo'))) return [];
    try { return [{ id, dir: path.join(SUITE, id), task: JSON.parse(fs.readFileSync(file, 'utf8')) }]; } catch { return []; }
  });
}

/** The task to use: by id, else the first of bin 2, else the first task; undefined when the suite is empty. */
function pickTask(id) {
  const tasks = suiteTasks();
  if (id) {
    const t = tasks.find((x) => x.id === id);
    if (!t) throw new Error(`no task '${id}' in ${SUITE} (have: ${tasks.map((x) => x.id).join(', ') || 'none'})`);
    return t;
  }
  return tasks.find((t) => bin(Number(t.task.minutes)) === 2) || tasks[0];
}

const EMBEDDED = {
  'package.json': JSON.stringify({ name: 'textkit-mini', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/truncate.js': "'use strict';\n/** Shortens str to at most maxLength characters, ellipsis included. */\n" +
    "function truncate(str, maxLength, ellipsis = '...') {\n  if (str.length <= maxLength) return str;\n" +
    '  return str.slice(0, maxLength) + ellipsis; // bug: the ellipsis is not counted\n}\nmodule.exports = { truncate };\n',
  'test/truncate.test.js': "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert');\n" +
    "const { truncate } = require('../src/truncate');\n\ntest('fits maxLength including the ellipsis', () => {\n" +
    "  assert.strictEqual(truncate('hello world', 8), 'hello...');\n});\n\ntest('short strings stay unchanged', () => {\n" +
    "  assert.strictEqual(truncate('hi', 8), 'hi');\n});\n",
};
const EMBEDDED_TASK = {
  id: 'embedded-truncate', title: 'truncate() returns strings longer than maxLength',
  body: "`truncate('hello world', 8)` returns `'hello wo...'` (11 characters); the result including the ellipsis must fit maxLength.",
  family: 'strings', minutes: 5, testCommand: 'node --test', keySteps: ['subtract ellipsis length in truncate slice'],
};

/** Line-comment prefix by file extension (the files the suite's solutions change). */
const COMMENT = { '.js': '//', '.cjs': '//', '.mjs': '//', '.ts': '//', '.py': '#', '.rb': '#', '.sh': '#', '.go': '//', '.rs': '//' };

/**
 * Writes `TODO: <title>` into the first file (by path) the task's solution changes that exists in the repo, after a
 * shebang, 'use strict' or encoding line. Returns the file (relative) and the 0-based line, or undefined.
 */
function addTodoComment(folder, solutionDir, title) {
  const files = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(d, e.name), path.join(rel, e.name));
      else files.push(path.join(rel, e.name));
    }
  };
  if (solutionDir && fs.existsSync(solutionDir)) walk(solutionDir, '');
  const rel = files.find((f) => COMMENT[path.extname(f)] && fs.existsSync(path.join(folder, f)));
  if (!rel) return undefined;
  const file = path.join(folder, rel);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let at = 0;
  while (at < lines.length && /^(#!|['"]use strict['"]|# -\*- coding)/.test(lines[at])) at++;
  lines.splice(at, 0, `${COMMENT[path.extname(rel)]} TODO: ${title.replace(/[\r\n]+/g, ' ')}`);
  fs.writeFileSync(file, lines.join('\n'));
  return { rel, line: at };
}

function git(cwd, ...args) {
  const r = cp.spawnSync('git', ['-c', 'user.name=SALE fixture', '-c', 'user.email=fixture@sale.invalid', '-c', 'commit.gpgsign=false',
    '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.error}`);
}

/**
 * Copy the task's starting repo into <parent>/<id>/, `git init` it with one commit, and write the task
 * description to <parent>/task.json (outside the repo). Returns { folder, task, source }.
 */
function makeFixtureRepo(opts = {}) {
  const parent = opts.parent || fs.mkdtempSync(path.join(os.tmpdir(), 'sale-fixture-'));
  const picked = pickTask(opts.taskId);
  const task = picked ? picked.task : EMBEDDED_TASK;
  const folder = path.join(parent, task.id || (picked && picked.id) || 'repo');
  fs.rmSync(folder, { recursive: true, force: true });
  if (picked) {
    fs.cpSync(path.join(picked.dir, 'repo'), folder, { recursive: true });
  } else {
    for (const [rel, text] of Object.entries(EMBEDDED)) {
      fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
      fs.writeFileSync(path.join(folder, rel), text);
    }
  }
  fs.writeFileSync(path.join(parent, 'task.json'), JSON.stringify(task, null, 2) + '\n');
  const todo = opts.todo ? addTodoComment(folder, picked ? path.join(picked.dir, 'solution') : undefined, task.title) : undefined;
  git(folder, 'init', '-q');
  git(folder, 'add', '-A');
  git(folder, 'commit', '-q', '-m', `Starting state of ${task.id}`);
  return { folder, task, source: picked ? picked.dir : 'embedded', todo };
}

module.exports = { SUITE, bin, suiteTasks, pickTask, makeFixtureRepo, addTodoComment };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const r = makeFixtureRepo({ taskId: opt('--task'), parent: opt('--parent'), todo: argv.includes('--todo') });
  process.stdout.write(`${r.folder}\n`);
}
