import * as assert from 'node:assert/strict';
import { buildReport } from '../../../src/bench/report';
import { mergeResults } from '../../../src/bench/runBench';
import { preflightSuite } from '../../../src/bench/suitePreflight';
import { BenchCommandRunner } from '../../../src/bench/testCache';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { loadSuite } from '../../../src/core/suite';
import { benchResults } from '../helpers/builders';
import { makeTempDir, removeDir, writeTree } from '../helpers/tempRepo';

const TEST = "const assert = require('node:assert'); const { add } = require('./add'); require('node:test')('adds', () => assert.equal(add(2, 3), 5));\n";
const task = (id: string) => JSON.stringify({ id, title: `Fix add in ${id}`, body: 'add(a, b) must return the sum.', family: 'f', minutes: 3, testCommand: 'node --test', keySteps: ['return a + b'] });

describe('bench: the suite\'s preflight on this machine (bench/suitePreflight)', function () {
  this.timeout(60_000);
  let suite: string;

  before(async () => {
    suite = await makeTempDir('sale-preflight-suite-');
    await writeTree(suite, {
      // Checks out: fails before, passes with the solution.
      'good/task.json': task('good'),
      'good/repo/add.test.js': TEST,
      'good/repo/add.js': 'exports.add = (a, b) => a - b;\n',
      'good/solution/add.js': 'exports.add = (a, b) => a + b;\n',
      // Its solution does not fix it here (as a task needing an interpreter the machine lacks).
      'broken-solution/task.json': task('broken-solution'),
      'broken-solution/repo/add.test.js': TEST,
      'broken-solution/repo/add.js': 'exports.add = (a, b) => a - b;\n',
      'broken-solution/solution/add.js': 'exports.add = (a, b) => a * b;\n',
      // Nothing to solve: the tests pass already.
      'already-passes/task.json': task('already-passes'),
      'already-passes/repo/add.test.js': TEST,
      'already-passes/repo/add.js': 'exports.add = (a, b) => a + b;\n',
      'already-passes/solution/add.js': 'exports.add = (a, b) => a + b;\n',
    });
  });

  after(() => removeDir(suite));

  it('names each task that does not fail before and pass with its solution, and why, through the bench\'s runner', async () => {
    const runner = new BenchCommandRunner(new ChildProcessCommandRunner(), { limit: 2, cache: true });
    const p = await preflightSuite(loadSuite(suite), runner, { concurrency: 2, timeoutMs: 30_000 });
    assert.equal(p.tasks, 3);
    assert.deepEqual(p.problems.map((x) => x.taskId), ['already-passes', 'broken-solution']);
    assert.match(p.problems[0].why, /already pass before the change/);
    assert.match(p.problems[1].why, /do not pass after the change \(exit 1\)/);
    assert.match(p.problems[1].why, /# fail 1/, 'the end of the failing output says what failed');
    assert.ok(!p.problems[1].why.includes(suite), 'paths in the output are the workspace\'s, masked');
  });

  it('says in the report which tasks measure the machine, and that all checked out otherwise', () => {
    const broken = buildReport({ ...benchResults([]), preflight: { tasks: 35, problems: [{ taskId: 'csv-py-type-inference', why: 'the tests do not pass after the change (exit 127): sh: 1: python3: not found' }] } }, { command: 'sale bench' }).markdown;
    assert.match(broken, /> \*\*Check the machine\.\*\* On the machine that ran this bench, 1 of 35 tasks did not check out/);
    assert.match(broken, /> - `csv-py-type-inference`: the tests do not pass after the change \(exit 127\): sh: 1: python3: not found/);
    const fine = buildReport({ ...benchResults([]), preflight: { tasks: 35, problems: [] } }, { command: 'sale bench' }).markdown;
    assert.match(fine, /Preflight: on the machine that ran this bench, each of the 35 tasks' starting repositories failed its tests/);
    assert.doesNotMatch(buildReport(benchResults([]), { command: 'sale bench' }).markdown, /Preflight|Check the machine/, 'older results say nothing');
  });

  it('keeps the preflight of the worker that made it when workers\' results merge', () => {
    const preflight = { tasks: 2, problems: [{ taskId: 'x', why: 'the tests already pass before the change (the new tests do not fail)' }] };
    assert.deepEqual(mergeResults([benchResults([]), { ...benchResults([]), preflight }], 1).preflight, preflight);
    assert.equal(mergeResults([benchResults([]), benchResults([])], 1).preflight, undefined);
  });
});
