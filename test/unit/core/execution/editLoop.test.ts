// Tests of runEditTestLoop. Over 300 lines: one file per module, and the loop has many outcomes (pass, budget,
// loop, cut replies, cancel, caps) that each need a scripted run.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { type EditLoopOptions, runEditTestLoop } from '../../../../src/core/execution/editLoop';
import type { SaleEvent } from '../../../../src/core/events';
import { CancelSource } from '../../../../src/core/ports/cancel';
import type { CommandRunner } from '../../../../src/core/ports/commandRunner';
import { agent, approveAll, task } from '../../helpers/builders';
import { call, FakeChatModel } from '../../helpers/fakeChatModel';
import { makeTempDir, NODE_REPO, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

const FIX = { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' };

describe('runEditTestLoop', () => {
  let root: string;
  // Without the sandbox: these tests keep a counter outside the repository across test runs and read a shell's own
  // kill signal, which the sandbox (tmpfs /tmp, PID namespace: exit 137) hides by design.
  const runner = new ChildProcessCommandRunner({ sandbox: { kind: 'none', reason: 'loop mechanics test' } });

  beforeEach(async () => {
    root = await makeTempDir('sale-loop-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  const base = (model: FakeChatModel, extra: Partial<EditLoopOptions> = {}): EditLoopOptions => ({
    model,
    agentId: model.agent.id,
    task: task(),
    plan: '## Approach\nFix add.\n',
    root,
    runner,
    approver: approveAll,
    budget: { maxTurns: 20, maxTokens: 1_000_000, maxUsd: 10 },
    ...extra,
  });

  it('solves a real node --test task: read, edit, run tests, finish → passed by the final test run', async () => {
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { text: 'Reading the file.', toolCalls: [call('read_file', { path: 'src/add.js' })] },
      { toolCalls: [call('edit_file', FIX)] },
      { toolCalls: [call('run_tests', {})] },
      { toolCalls: [call('finish', { summary: 'add() now adds.' })] },
    ]);
    const events: SaleEvent[] = [];
    const r = await runEditTestLoop(base(model, { onEvent: (e) => events.push(e) }));
    assert.equal(r.passed, true);
    assert.equal(r.reason, 'passed');
    assert.equal(r.stoppedBy, 'finish');
    assert.equal(r.finished, true);
    assert.equal(r.summary, 'add() now adds.');
    assert.equal(r.turns, 4);
    assert.equal(model.calls.length, 4);
    assert.deepEqual(r.filesChanged, ['src/add.js']);
    assert.match(r.diff, /-  return a - b;\n\+  return a \+ b;/);
    assert.equal(r.lastTest?.exitCode, 0);
    assert.equal(r.lastTest?.runner, 'child-process');
    assert.equal(r.inputTokens + r.outputTokens > 0, true);
    assert.ok(Math.abs(r.usd - (r.inputTokens * 1 + r.outputTokens * 2) / 1e6) < 1e-12);
    // The first request is executeMessages + the exec tools; the model saw its read result with numbered lines.
    assert.match(String(model.requests[0].messages[0].content), /^SALE execute v1\n/);
    assert.equal(model.requests[0].tools?.length, 8);
    assert.match(String(model.requests[1].messages.at(-1)?.content), /^src\/add\.js \(lines 1–4 of 4\)\n1\| function add/);
    assert.deepEqual(events.map((e) => e.type), ['exec-start', 'exec-turn', 'exec-turn', 'exec-turn', 'exec-test', 'exec-turn', 'exec-test', 'exec-done']);
    // Progress names what each call acts on, then the model's words.
    const turns = events.filter((e): e is Extract<SaleEvent, { type: 'exec-turn' }> => e.type === 'exec-turn');
    assert.deepEqual(turns.map((e) => [e.tool, e.detail]), [['read_file', 'src/add.js — Reading the file.'], ['edit_file', 'src/add.js'], ['run_tests', undefined], ['finish', undefined]]);
    assert.equal(r.transcript.length, 4);
  });

  it('bad calls inside the loop (unknown tool, malformed JSON, edit not found / found twice) become messages; the loop goes on', async () => {
    await writeTree(root, { 'src/twice.js': 'x\nx\n' });
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('rm_rf', { path: '/' }), call('edit_file', '{"path": "src/add.js", "search": ')] },
      { toolCalls: [call('edit_file', { path: 'src/add.js', search: 'return a-b', replace: 'x' }), call('edit_file', { path: 'src/twice.js', search: 'x', replace: 'y' })] },
      { toolCalls: [call('edit_file', FIX), call('run_tests', {}), call('finish', { summary: 'done' })] },
    ]);
    const r = await runEditTestLoop(base(model));
    assert.equal(r.passed, true);
    const seen = model.requests[1].messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(seen[0], /Unknown tool "rm_rf"/);
    assert.match(seen[1], /not valid JSON/);
    const seen2 = model.requests[2].messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(seen2[2], /not found in src\/add\.js; nothing was changed\. The nearest line/);
    assert.match(seen2[3], /occurs 2 times/);
  });

  it('finish without passing tests: told once, then a second finish ends it as tests-failed', async () => {
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('finish', { summary: 'I think it is fine' })] },
      { toolCalls: [call('run_tests', {})] },
      { toolCalls: [call('finish', { summary: 'still fine' })] },
    ]);
    const r = await runEditTestLoop(base(model));
    assert.equal(model.calls.length, 3);
    assert.match(String(model.requests[1].messages.at(-1)?.content), /^Not finished: the tests have not passed yet \(you have not run them yet\)/);
    assert.equal(r.passed, false);
    assert.equal(r.reason, 'tests-failed');
    assert.equal(r.finished, false);
    assert.equal(r.lastTest?.exitCode, 1);
  });

  it('passed is the final run: a finish after a passing run still fails when the final run fails', async () => {
    const counter = path.join(root, '..', `${path.basename(root)}-count`);
    // Passes the first time only (a flaky suite).
    const flaky = `node -e "const f='${counter}';const fs=require('fs');const n=fs.existsSync(f)?1:0;fs.writeFileSync(f,'1');process.exit(n)"`;
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('run_tests', {}), call('finish', { summary: 'green' })] },
    ]);
    try {
      const r = await runEditTestLoop(base(model, { task: task({ testCommand: flaky }) }));
      assert.equal(r.finished, true);
      assert.equal(r.passed, false);
      assert.equal(r.reason, 'tests-failed');
      assert.equal(r.lastTest?.exitCode, 1);
    } finally {
      await fsp.rm(counter, { force: true });
    }
  });

  it('a test run without an observed exit code never counts as a pass (killed, or a runner that saw none)', async function () {
    const finishAfterTests = () => new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('run_tests', {}), call('finish', {})] },
      { toolCalls: [call('finish', {})] },
    ]);
    if (process.platform !== 'win32') {
      const killed = await runEditTestLoop(base(finishAfterTests(), { task: task({ testCommand: 'echo "# pass 1"; kill -9 $$' }) }));
      assert.equal(killed.passed, false);
      assert.equal(killed.lastTest?.exitCode, undefined);
      assert.match(killed.lastTest?.output ?? '', /killed by signal/);
    }
    const blind: CommandRunner = {
      run: async (command) => ({ command, exitCode: undefined, output: 'ok 1 - everything passed\n# fail 0', truncated: false, timedOut: false, durationMs: 1, runner: 'terminal' }),
    };
    const m = finishAfterTests();
    const r = await runEditTestLoop(base(m, { runner: blind }));
    assert.equal(r.passed, false);
    assert.equal(r.reason, 'tests-failed');
    assert.match(String(m.requests[1].messages.at(-2)?.content), /Exit code: none \(no exit code observed/);
    const timedOut: CommandRunner = {
      run: async (command) => ({ command, exitCode: 0, output: '', truncated: false, timedOut: true, durationMs: 1, runner: 'child-process' }),
    };
    assert.equal((await runEditTestLoop(base(finishAfterTests(), { runner: timedOut }))).passed, false);
  });

  it('refuses to run without a test command (no model call)', async () => {
    const model = new FakeChatModel(agent('small', [1, 2]), [{ toolCalls: [call('finish', {})] }]);
    const r = await runEditTestLoop(base(model, { task: task({ testCommand: undefined }) }));
    assert.equal(r.reason, 'no-test-command');
    assert.equal(r.passed, false);
    assert.equal(model.calls.length, 0);
  });

  it('a model error ends the loop with a clear reason (the final test run still decides passed)', async () => {
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('edit_file', FIX)] },
      () => {
        throw new Error('Agent small: HTTP 500 from http://x: boom');
      },
    ]);
    const r = await runEditTestLoop(base(model));
    assert.equal(r.stoppedBy, 'model-error');
    assert.match(r.error ?? '', /HTTP 500/);
    assert.equal(r.passed, true, 'the edit made the tests pass, and the final run observed it');
    await writeTree(root, NODE_REPO);
    const m2 = new FakeChatModel(agent('small', [1, 2]), [() => { throw new Error('down'); }]);
    const r2 = await runEditTestLoop(base(m2));
    assert.equal(r2.reason, 'model-error');
    assert.equal(r2.passed, false);
  });

  /** A test command that fails at once (where the test outcome does not matter, to keep these fast). */
  const quickFail = task({ testCommand: 'exit 1' });

  describe('loops', () => {
    it('the same read over and over: warned from the 3rd time, stopped at the 6th', async () => {
      const model = new FakeChatModel(agent('small', [1, 2]), () => ({ toolCalls: [call('read_file', { path: 'src/add.js' })] }));
      const r = await runEditTestLoop(base(model, { task: quickFail, budget: { maxTurns: 100, maxTokens: 1e9, maxUsd: 100 } }));
      assert.equal(r.reason, 'loop');
      assert.equal(model.calls.length, 6);
      assert.match(r.error ?? '', /same read_file call was made 6 times/);
      const results = model.toolResultsSeen();
      assert.doesNotMatch(results[1], /Note:/);
      assert.match(results[2], /\[Note: you have made this exact call 3 times/);
    });

    it('an edit in between resets the count (reading after each change is fine)', async () => {
      let n = 0;
      const model = new FakeChatModel(agent('small', [1, 2]), () => {
        n++;
        if (n > 12) return { toolCalls: [call('finish', {})] };
        return n % 2 ? { toolCalls: [call('read_file', { path: 'src/add.js' })] } : { toolCalls: [call('write_file', { path: 'notes.txt', content: `v${n}` })] };
      });
      const r = await runEditTestLoop(base(model));
      assert.notEqual(r.reason, 'loop');
    });

    it('text-only answers: nudged, then stopped after 3 in a row', async () => {
      const model = new FakeChatModel(agent('small', [1, 2]), () => ({ text: 'I would change the minus to a plus.' }));
      const r = await runEditTestLoop(base(model, { task: quickFail }));
      assert.equal(r.reason, 'loop');
      assert.equal(model.calls.length, 3);
      assert.match(String(model.requests[1].messages.at(-1)?.content), /Continue with the tools/);
    });
  });

  describe('replies cut at max_tokens', () => {
    it('a cut tool call is not run; the model is told why and how to go on, and can then succeed with edit hunks', async () => {
      const model = new FakeChatModel(agent('small', [1, 2]), [
        // A half-written write_file, as a real endpoint sends it when the output limit cuts the arguments.
        { text: 'Writing the corrected file.', toolCalls: [{ id: 'c1', name: 'write_file', arguments: '{"path": "src/add.js", "content": "function add(a, b) {\n  ret' }], finishReason: 'length' },
        { toolCalls: [call('edit_file', { path: 'src/add.js', edits: [{ search: 'return a - b;', replace: 'return a + b;' }] })] },
        { toolCalls: [call('run_tests', {})] },
        { toolCalls: [call('finish', { summary: 'fixed' })] },
      ]);
      const before = await fsp.readFile(path.join(root, 'src/add.js'), 'utf8');
      const r = await runEditTestLoop(base(model, { maxOutputTokensPerTurn: 2048 }));
      const notice = model.toolResultsSeen()[0];
      assert.match(notice, /cut off at the output limit of 2048 tokens a turn in the middle of a tool call, so that call was not run/);
      assert.match(notice, /edit_file in small hunks/);
      assert.match(notice, /read_file startLine\/endLine/);
      assert.equal(r.transcript[0].ok, false);
      assert.notEqual(before, '', 'the file was not overwritten by the half call');
      assert.equal(r.passed, true, JSON.stringify(r.transcript));
    });

    it('cut text-only replies get the notice as a user message; three in a row stop the loop as a loop, with the reason', async () => {
      const model = new FakeChatModel(agent('small', [1, 2]), () => ({ text: 'Writing the corrected index.js…', finishReason: 'length' }));
      const r = await runEditTestLoop(base(model, { task: quickFail }));
      assert.equal(r.reason, 'loop');
      assert.equal(model.calls.length, 3);
      assert.match(r.error ?? '', /3 replies in a row were cut at the output limit/);
      assert.match(String(model.requests[1].messages.at(-1)?.content), /Your last reply was cut off at the output limit/);
      assert.doesNotMatch(String(model.requests[1].messages.at(-1)?.content), /Continue with the tools/);
    });
  });

  it('a command printing 5 MB reaches the model capped (size of what the model received is asserted)', async () => {
    const model = new FakeChatModel(agent('small', [1, 2]), [
      { toolCalls: [call('run_command', { command: `node -e "process.stdout.write('Z'.repeat(5*1024*1024))"` })] },
      { toolCalls: [call('finish', {})] },
      { toolCalls: [call('finish', {})] },
    ]);
    const r = await runEditTestLoop(base(model));
    assert.equal(r.reason, 'tests-failed');
    const toolMsg = String(model.requests[1].messages.at(-1)?.content);
    assert.ok(toolMsg.length <= 16_000, `tool result ${toolMsg.length} chars`);
    assert.match(toolMsg, /characters cut/);
    const whole = Buffer.byteLength(JSON.stringify(model.requests[1].messages));
    assert.ok(whole < 30_000, `whole request ${whole} bytes`);
  });

  describe('budgets', () => {
    const spendingReader = (smallAgent = agent('small', [1, 2])) => {
      let n = 0;
      const m = new FakeChatModel(smallAgent, () => {
        n++;
        return { toolCalls: [call('read_file', { path: 'test/add.test.js', startLine: 1 + (n % 4) })], text: `turn ${n}` };
      });
      m.spendAll = true;
      return m;
    };

    it('turns: exactly maxTurns model calls', async () => {
      const model = new FakeChatModel(agent('small', [1, 2]), (_r, n) => ({ toolCalls: [call('list_files', { path: n % 2 ? 'src' : 'test' })] }));
      const r = await runEditTestLoop(base(model, { task: quickFail, budget: { maxTurns: 5, maxTokens: 1e9, maxUsd: 100 }, loopDetection: { stopAfter: 100 } }));
      assert.equal(r.reason, 'budget-turns');
      assert.equal(model.calls.length, 5);
      assert.equal(r.turns, 5);
    });

    it('tokens: never exceeded (projected worst case), for many budgets, with tokens spent before counted', async () => {
      for (const maxTokens of [3000, 4500, 7000, 12_000, 25_000, 60_000]) {
        for (const spentBefore of [0, 1000]) {
          const model = spendingReader();
          const r = await runEditTestLoop(base(model, {
            task: quickFail,
            budget: { maxTurns: 1000, maxTokens, maxUsd: 1e6 }, spent: { tokens: spentBefore, usd: 0 }, loopDetection: { stopAfter: 1000 },
          }));
          const total = spentBefore + r.inputTokens + r.outputTokens;
          assert.ok(total <= maxTokens, `budget ${maxTokens} (spent before ${spentBefore}): used ${total}`);
          assert.equal(r.reason, 'budget-tokens', `budget ${maxTokens}: ${r.reason}`);
          // Every call was given an output cap that fits what was left.
          for (const req of model.requests) assert.ok((req.maxTokens ?? Infinity) <= 4096);
        }
      }
    });

    it('dollars: never exceeded (projected worst case), with the auction\'s dollars counted', async () => {
      for (const maxUsd of [0.004, 0.01, 0.05, 0.2]) {
        const model = spendingReader(agent('pricey', [0.5, 1.5]));
        const auctionUsd = 0.001;
        const r = await runEditTestLoop(base(model, {
            task: quickFail,
          budget: { maxTurns: 1000, maxTokens: 1e9, maxUsd }, spent: { tokens: 0, usd: auctionUsd }, loopDetection: { stopAfter: 1000 }, maxOutputTokensPerTurn: 50_000,
        }));
        assert.ok(auctionUsd + r.usd <= maxUsd + 1e-12, `budget $${maxUsd}: spent $${auctionUsd + r.usd}`);
        assert.equal(r.reason, 'budget-usd');
        assert.ok(r.turns >= 1);
      }
    });

    it('no call at all when the budget is already used up before the loop', async () => {
      const model = spendingReader();
      const r = await runEditTestLoop(base(model, { task: quickFail, budget: { maxTurns: 10, maxTokens: 5000, maxUsd: 1 }, spent: { tokens: 5000, usd: 0 } }));
      assert.equal(r.reason, 'budget-tokens');
      assert.equal(model.calls.length, 0);
      const r2 = await runEditTestLoop(base(spendingReader(), { task: quickFail, budget: { maxTurns: 10, maxTokens: 1e9, maxUsd: 0.01 }, spent: { tokens: 0, usd: 0.01 } }));
      assert.equal(r2.reason, 'budget-usd');
      assert.equal(r2.turns, 0);
    });

    it('hard guarantee with an endpoint that ignores max_tokens: over by at most one call, and no call after it', async () => {
      const maxTokens = 20_000;
      const model = new FakeChatModel(agent('small', [1, 2]), () => ({ toolCalls: [call('list_files', {})], outputTokens: 15_000 }));
      model.honourMaxTokens = false;
      const r = await runEditTestLoop(base(model, { task: quickFail, budget: { maxTurns: 1000, maxTokens, maxUsd: 1e6 }, loopDetection: { stopAfter: 1000 } }));
      assert.equal(r.reason, 'budget-tokens');
      const total = r.inputTokens + r.outputTokens;
      assert.ok(total > maxTokens, 'this endpoint does overshoot');
      const sum = (u: { inputTokens: number; outputTokens: number }[]) => u.reduce((n, x) => n + x.inputTokens + x.outputTokens, 0);
      assert.ok(sum(model.usages.slice(0, -1)) <= maxTokens, 'every call but the last one fit in the budget');
      assert.equal(total, sum(model.usages));
      assert.ok(model.requests.every((q) => (q.maxTokens ?? 0) >= 256), 'each call was given a real output cap');
    });
  });

  describe('cancel', () => {
    it('during a model call: the call is aborted, the workspace is byte-for-byte as before, reason cancelled', async () => {
      await writeTree(root, { 'user-untracked.txt': 'mine\n' });
      const before = await treeSnapshot(root);
      const cancel = new CancelSource();
      let abortedSignal: AbortSignal | undefined;
      const model = new FakeChatModel(agent('small', [1, 2]), async (req, n) => {
        if (n === 0) return { toolCalls: [call('edit_file', FIX), call('write_file', { path: 'new/dir/file.js', content: 'x' })] };
        setTimeout(() => cancel.cancel(), 50);
        abortedSignal = req.signal;
        await new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
        return {};
      });
      const started = Date.now();
      const r = await runEditTestLoop(base(model, { signal: cancel }));
      assert.equal(r.reason, 'cancelled');
      assert.equal(r.passed, false);
      assert.equal(abortedSignal?.aborted, true, 'the in-flight call got an aborted signal');
      assert.ok(Date.now() - started < 5000);
      assert.deepEqual(r.filesChanged, []);
      assert.equal(r.diff, '');
      assert.deepEqual(r.revert?.removed, ['new/dir/file.js']);
      assert.deepEqual(r.revert?.restored, ['src/add.js']);
      assert.deepEqual(r.revert?.removedDirs.sort(), ['new', 'new/dir']);
      assert.deepEqual(await treeSnapshot(root), before);
    });

    it('does not wait for a model that ignores the abort signal', async () => {
      const before = await treeSnapshot(root);
      const cancel = new CancelSource();
      const model = new FakeChatModel(agent('small', [1, 2]), async (_req, n) => {
        if (n === 0) return { toolCalls: [call('edit_file', FIX)] };
        setTimeout(() => cancel.cancel(), 50);
        await new Promise((res) => setTimeout(res, 5000).unref());
        return { toolCalls: [call('write_file', { path: 'late.txt', content: 'must never be written' })] };
      });
      const started = Date.now();
      const r = await runEditTestLoop(base(model, { signal: cancel }));
      assert.equal(r.reason, 'cancelled');
      assert.ok(Date.now() - started < 3000);
      assert.deepEqual(await treeSnapshot(root), before);
    });

    it('during a test run: the test process is killed and the workspace restored', async () => {
      const before = await treeSnapshot(root);
      const cancel = new CancelSource();
      const model = new FakeChatModel(agent('small', [1, 2]), [
        { toolCalls: [call('write_file', { path: 'src/add.js', content: 'broken' }), call('run_tests', {})] },
      ]);
      setTimeout(() => cancel.cancel(), 400);
      const started = Date.now();
      const r = await runEditTestLoop(base(model, { signal: cancel, task: task({ testCommand: 'node -e "setTimeout(()=>{},30000)"' }) }));
      assert.equal(r.reason, 'cancelled');
      assert.ok(Date.now() - started < 5000);
      assert.equal(r.lastTest?.exitCode, undefined);
      assert.deepEqual(await treeSnapshot(root), before);
    });
  });
});
