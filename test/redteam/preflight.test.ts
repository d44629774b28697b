/**
 * Red team, issue 9 item 10: a test command that does not exist was found out only after the whole auction and two
 * executions ($0.014 and 58k tokens for nothing). Now a preflight runs it once before the auction: a missing
 * runner stops the task with a clear message and no model call. On 717bf52 the auction runs (requests > 0).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withHostileServer } from './hostileServer';
import { GOOD_USAGE, PLAN, agent, byAgent, sale } from './redteamHelpers';

describe('red team: preflight of the test command (item 10)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-redteam-preflight-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [what, test] of [['a missing runner in the npm script', 'mocha-runner-that-is-not-installed --exit'], ['a missing npm script', undefined]] as const) {
    it(`${what}: stops before the auction, no model call, a clear message and a --json reason`, async () => {
      const repo = join(dir, 'repo');
      mkdirSync(repo);
      writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'r', scripts: test ? { test } : { build: 'true' } }));
      execFileSync('git', ['init', '-q'], { cwd: repo });
      // Without a test script the task names its test command itself.
      writeFileSync(join(dir, 'task.json'), JSON.stringify({ title: 'Fix it', body: 'Something.', ...(test ? {} : { testCommand: 'npm test' }) }));
      await withHostileServer(byAgent(() => ({ content: PLAN, usage: GOOD_USAGE })), async (srv) => {
        const pool = join(dir, 'pool.json');
        writeFileSync(pool, JSON.stringify({ agents: [agent('a', srv.baseUrl), agent('b', srv.baseUrl)] }));
        const taskArgs = ['--task-file', join(dir, 'task.json'), '--repo', repo, '--pool', pool, '--memory', join(dir, 'm.jsonl'), '--yes'];
        const r = await sale(['solve', ...taskArgs, '--json']);
        assert.equal(srv.requests.length, 0, 'no model was called');
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /cannot run here .*Nothing was sent to any model/);
        assert.equal(JSON.parse(r.stdout).notExecuted?.reason, 'test-command-missing');
      });
    });
  }
});
