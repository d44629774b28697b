/**
 * Red team, issue 9 item 8: no caps. 200 MB in one write_file took the CLI to 2.5 GB, 10,000 writes in one turn
 * all ran, and so did 40 test runs. Here a hostile model (the real openai client against the hostile server)
 * drives the real edit loop: an over-size write, 100 writes in one turn, then a test run every turn. On 717bf52
 * the 2 MB file is written, all 100 writes run and every test run happens.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessCommandRunner } from '../../src/core/execution/childProcessRunner';
import { runEditTestLoop } from '../../src/core/execution/editLoop';
import { DEFAULT_EXEC_TOOL_LIMITS } from '../../src/core/execution/execLimits';
import { FileJournal } from '../../src/core/workspace/fileJournal';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, model } from './redteamHelpers';
import { tool } from './hostileExecution';
import { approveAll, task } from '../unit/helpers/builders';
import { NODE_REPO, writeTree } from '../unit/helpers/tempRepo';

describe('red team: caps on write bytes, calls per turn and test runs (item 8)', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-caps-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('each cap refuses with a clear message to the model, and the loop goes on', async () => {
    await writeTree(dir, NODE_REPO);
    const L = DEFAULT_EXEC_TOOL_LIMITS;
    const huge = 'x'.repeat(L.maxWriteBytes + 1);
    const testTurns = L.maxTestRunsPerAttempt + 3;
    const script = (n: number) => {
      if (n === 0) return { toolCalls: [tool('write_file', { path: 'big.txt', content: huge })], usage: GOOD_USAGE };
      if (n === 1) return { toolCalls: Array.from({ length: 100 }, (_, i) => tool('write_file', { path: `many/f${i}.txt`, content: String(i) })), usage: GOOD_USAGE };
      if (n < 2 + testTurns) return { toolCalls: [tool('run_tests', {})], usage: GOOD_USAGE };
      return { toolCalls: [tool('finish', { summary: 'x' })], usage: GOOD_USAGE };
    };
    await withHostileServer(script, async (srv) => {
      const m = model('hostile', srv.baseUrl);
      const journal = await FileJournal.open(dir);
      const r = await runEditTestLoop({
        model: m, agentId: 'hostile', task: task({ testCommand: 'exit 1' }), plan: 'p', root: dir, runner: new ChildProcessCommandRunner({ sandbox: { kind: 'none', reason: 'test' } }),
        approver: approveAll, journal, budget: { maxTurns: 40, maxTokens: 1e9, maxUsd: 100 }, loopDetection: { stopAfter: 100, warnAfter: 100 },
      });
      const sent = JSON.stringify(srv.requests.map((q) => q.json?.messages));
      // Bytes per write.
      assert.ok(!existsSync(join(dir, 'big.txt')), 'the over-size write was refused');
      assert.ok(sent.includes(`over the limit of ${L.maxWriteBytes} bytes per write`));
      // Calls per turn.
      for (let i = 0; i < 100; i++) assert.equal(existsSync(join(dir, `many/f${i}.txt`)), i < L.maxCallsPerTurn, `many/f${i}.txt`);
      assert.ok(sent.includes(`at most ${L.maxCallsPerTurn} tool calls are run per turn; this turn had 100`));
      // Test runs per attempt.
      const runs = r.transcript.filter((t) => t.tool === 'run_tests' && /^Test command:/.test(t.result)).length;
      assert.equal(runs, L.maxTestRunsPerAttempt);
      assert.ok(sent.includes(`the limit of ${L.maxTestRunsPerAttempt} test runs per attempt is reached`));
      // The report stays bounded.
      assert.ok(r.diff.length <= L.maxDiffChars + 200);
      await journal.revert();
      await journal.close();
    });
  });
});
