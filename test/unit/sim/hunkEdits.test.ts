import { strict as assert } from 'node:assert';
import { diffHunks } from '../../../src/core/textHunks';
import { EDIT_TOKEN_BUDGET, type FileCall, fileCalls, readRanges } from '../../../src/sim/hunkEdits';
import { defaultSimPool } from '../../../src/sim/defaultPool';
import { type PastCall, nextExecStep } from '../../../src/sim/executor';
import type { SimTask } from '../../../src/sim/taskIndex';
import { countTokens } from '../../../src/sim/tokenizer';
import { resolveSimWorld } from '../../../src/sim/worldConfig';

/** Applies calls the way the edit_file / write_file tools do (exact, unique search). */
function apply(before: string | undefined, calls: FileCall[]): string {
  let text = before ?? '';
  for (const c of calls) {
    if (c.name === 'write_file') {
      text = c.args.append ? text + c.args.content : c.args.content;
      continue;
    }
    const { search, replace } = c.args;
    assert.ok(search.trim().length > 0, 'search text is not blank');
    assert.equal(text.split(search).length, 2, `search text matches exactly once: ${JSON.stringify(search.slice(0, 60))}`);
    text = text.replace(search, () => replace);
  }
  return text;
}

/** A module of about `n` functions whose bodies repeat (so bare lines are ambiguous), ~35 tokens a line. */
function bigFile(n: number, tweak: (i: number) => string = () => ''): string {
  const out = ["'use strict';", ''];
  for (let i = 0; i < n; i++) {
    out.push(`function handler${i}(request, response, options) {`, '  const value = options.value ?? 0;', `  if (value > ${i}) return response.send(value);${tweak(i)}`, '  return undefined;', '}', '');
  }
  out.push('module.exports = { handler0 };', '');
  return out.join('\n');
}

describe('simulated executor: hunk edits', () => {
  it('a change in two distant places is two edit_file calls, each matching once, never a whole-file write', () => {
    const before = bigFile(300);
    const after = bigFile(300, (i) => (i === 5 || i === 250 ? ' // fixed' : ''));
    assert.ok(countTokens(before) > 4000, 'the file is larger than one turn of output');
    const calls = fileCalls('src/h.js', before, after)!;
    assert.equal(calls.length, 2);
    assert.ok(calls.every((c) => c.name === 'edit_file'));
    assert.equal(apply(before, calls), after);
  });

  it('close regions form one hunk; insertions, deletions and edits at the file edges come out exact', () => {
    const before = 'a\nb\nc\nd\nb\ne\n';
    for (const after of ['a\nb\nc\nD!\nb\ne\n', 'x\na\nb\nc\nd\nb\ne\n', 'a\nb\nc\nd\nb\ne\nz\n', 'a\nc\nd\nb\ne\n', 'a\nb\nc\nd\nb\ne', 'A\nb\nc\nd\nb\nE\n']) {
      const calls = fileCalls('f.txt', before, after)!;
      assert.ok(calls, `planned for ${JSON.stringify(after)}`);
      assert.equal(apply(before, calls), after);
    }
    assert.equal(diffHunks('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n', '1\nX\n3\n4\nY\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\nZ\n20\n').length, 2);
    assert.deepEqual(fileCalls('f.txt', 'same\n', 'same\n'), []);
  });

  it('a hunk larger than one turn is split into edits that each fit, and a large new file is written in parts', () => {
    const before = bigFile(20);
    const after = before.replace('module.exports', `${bigFile(200)}\nmodule.exports`);
    const calls = fileCalls('src/h.js', before, after)!;
    assert.ok(calls.length > 3);
    for (const c of calls) {
      const size = c.name === 'edit_file' ? countTokens(c.args.search) + countTokens(c.args.replace) : countTokens(c.args.content);
      assert.ok(size <= EDIT_TOKEN_BUDGET + 50, `call of ${size} tokens`);
    }
    assert.equal(apply(before, calls), after);
    const created = fileCalls('src/new.js', undefined, bigFile(200))!;
    assert.ok(created.length > 2 && created[0].name === 'write_file' && !('append' in created[0].args));
    assert.ok(created.slice(1).every((c) => c.name === 'write_file' && c.args.append));
    assert.equal(apply(undefined, created), bigFile(200));
  });

  it('a large file is read in ranges around its hunks; a small one whole', () => {
    const before = bigFile(300);
    const after = bigFile(300, (i) => (i === 5 || i === 250 ? ' // fixed' : ''));
    const ranges = readRanges(before, after)!;
    assert.equal(ranges.length, 2);
    const lineOf = (i: number) => before.split('\n').findIndex((l) => l.startsWith(`function handler${i}(`)) + 1;
    assert.ok(ranges[0].startLine <= lineOf(5) + 2 && ranges[0].endLine >= lineOf(5) + 2);
    assert.ok(ranges[1].startLine <= lineOf(250) + 2 && ranges[1].endLine >= lineOf(250) + 2);
    assert.ok(ranges.every((r) => r.endLine - r.startLine < 200));
    assert.equal(readRanges('a\nb\n', 'a\nc\n'), undefined);
  });
});

describe('simulated executor: a real-sized file end to end (nextExecStep)', () => {
  it('a successful draw reads the large file in ranges, edits it hunk by hunk, runs the tests and finishes — no write_file', () => {
    const before = bigFile(300);
    const after = bigFile(300, (i) => (i === 5 || i === 250 ? ' // fixed' : ''));
    const world = resolveSimWorld(defaultSimPool());
    const agent = [...world.agents.values()][0];
    const task: SimTask = {
      task: { id: 't', title: 'Fix the handlers', body: '', family: 'f', minutes: 10, testCommand: 'npm test', keySteps: ['fix handler5'] },
      bin: 2,
      solution: [{ path: 'src/h.js', content: after }],
      original: new Map([['src/h.js', before]]),
    };
    const ctx = {
      agent, worldSeed: 1, requestSeed: 1, task, taskKey: 't', bin: 2 as const,
      draw: { u: 0, pBase: 1, p: 1, success: true }, tools: new Set(['list_files', 'read_file', 'edit_file', 'write_file', 'run_tests', 'finish']), testCommand: 'npm test',
    };
    const history: PastCall[] = [];
    for (let turn = 0; turn < 20; turn++) {
      const step = nextExecStep(ctx, history);
      assert.ok(step.call, 'every turn calls a tool');
      const { name, args } = step.call!;
      const result = name === 'edit_file' ? 'Edited src/h.js at line 3.' : name === 'run_tests' ? 'Exit code: 0' : 'ok';
      history.push({ name, args, result });
      if (name === 'finish') break;
    }
    const names = history.map((h) => h.name);
    assert.deepEqual(names, ['list_files', 'read_file', 'read_file', 'edit_file', 'edit_file', 'run_tests', 'finish']);
    assert.ok(history.filter((h) => h.name === 'read_file').every((h) => typeof h.args.startLine === 'number'));
    const edits = history.filter((h) => h.name === 'edit_file').map((h) => ({ name: 'edit_file' as const, args: h.args as { path: string; search: string; replace: string } }));
    assert.equal(apply(before, edits), after);
  });

  it('an edit the tool refuses makes the agent write the file whole instead', () => {
    const world = resolveSimWorld(defaultSimPool());
    const agent = [...world.agents.values()][0];
    const task: SimTask = {
      task: { id: 't', title: 'x', body: '', family: 'f', minutes: 10, testCommand: 'npm test', keySteps: ['k'] },
      bin: 2, solution: [{ path: 'a.js', content: 'a\nB\nc\n' }], original: new Map([['a.js', 'a\nb\nc\n']]),
    };
    const ctx = { agent, worldSeed: 1, requestSeed: 1, task, taskKey: 't', bin: 2 as const, draw: { u: 0, pBase: 1, p: 1, success: true }, tools: new Set(['read_file', 'edit_file', 'write_file', 'run_tests', 'finish']), testCommand: 'npm test' };
    const history: PastCall[] = [{ name: 'read_file', args: { path: 'a.js' }, result: 'ok' }];
    const e = nextExecStep(ctx, history).call!;
    assert.equal(e.name, 'edit_file');
    history.push({ name: e.name, args: e.args, result: 'The search text was not found in a.js' });
    assert.deepEqual(nextExecStep(ctx, history).call, { name: 'write_file', args: { path: 'a.js', content: 'a\nB\nc\n' } });
  });
});
