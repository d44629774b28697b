/**
 * Red team, issue 9 item 3: SIGTERM, SIGHUP and kill -9 during execution left the user's files overwritten with no
 * way back (the prior bytes lived only in memory). Here the real CLI runs a scripted task against the hostile
 * server and SIGKILLs itself at its k-th crash point (every journal write and every workspace change is one;
 * SALE_TEST_CRASH_AT, durableFile.ts), for every k of the run; then `sale recover` must leave every user file —
 * tracked, uncommitted, untracked, ignored, .git/hooks, .git/config — byte-identical. And SIGTERM/SIGHUP mid-run
 * restore at once. On 717bf52 there is no journal on disk and no `sale recover`.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { inspectUnfinishedJournals, recoverJournals, recoveryHasWork } from '../../src/core/workspace/journalRecovery';
import { startHostileServer, type HostileServer } from './hostileServer';
import { GOOD_USAGE, agent, root } from './redteamHelpers';
import { hostileScript, tool, userRepo, userState } from './hostileExecution';

interface Run { code: number | null; signal: NodeJS.Signals | null; out: string }

/** The CLI bundled once (esbuild, like `npm run build`): dozens of runs start much faster than through tsx. */
let cliJs = '';

function cli(args: string[], env: Record<string, string>, onSpawn?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    if (child.pid) onSpawn?.(child.pid);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

function recover(repo: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliJs, 'recover', '--repo', repo], { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }));
  });
}

/** The scripted execution: edit a tracked file, create a file in a new folder, run the tests (which overwrite the
 * user's untracked notes and plant a hook), then finish. */
const execSteps = (slowSecondTurnMs = 0) => hostileScript((k) => {
  const steps = [
    { toolCalls: [tool('write_file', { path: 'src/str.js', content: 'exports.truncate = (s, n) => s.slice(0, n); // agent\n' }),
      tool('write_file', { path: 'lib/deep/new.js', content: 'module.exports = 1;\n' }),
      tool('write_file', { path: 'test.js', content: "const fs=require('fs');fs.writeFileSync('notes.txt','clobbered');try{fs.writeFileSync('.git/hooks/pre-commit','#!/bin/sh\\n',{mode:0o755})}catch{}\nrequire('assert').equal(require('./src/str.js').truncate('abcdef',3),'abc');\n" })] },
    { toolCalls: [tool('run_tests', {})], ...(slowSecondTurnMs ? { delayMs: slowSecondTurnMs } : {}) },
    { toolCalls: [tool('finish', { summary: 'done' })] },
  ];
  return { ...(steps[k] ?? steps[2]), usage: GOOD_USAGE };
});

describe('red team: kill -9 at every step, then sale recover (item 3)', function () {
  this.timeout(900_000);
  let dir: string;
  let srv: HostileServer;
  let template: string;
  let pool: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sale-redteam-kill-'));
    // Inside the package (dist/ is git-ignored): the CLI finds its package root from its own location.
    cliJs = join(root, 'dist', `redteam-cli-${process.pid}.js`);
    await build({ entryPoints: [join(root, 'src/cli/main.ts')], outfile: cliJs, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    template = userRepo(dir);
    srv = await startHostileServer();
    pool = join(dir, 'pool.json');
    writeFileSync(pool, JSON.stringify({ agents: [agent('a', srv.baseUrl), agent('b', srv.baseUrl)] }));
    writeFileSync(join(dir, 'task.md'), '# Fix truncate\n\nOff by one.\n');
  });
  after(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cliJs, { force: true });
  });

  const fresh = (name: string) => {
    const repo = join(dir, name);
    cpSync(template, repo, { recursive: true, preserveTimestamps: true });
    return repo;
  };
  const solveArgs = (repo: string) => ['solve', '--task-file', join(dir, 'task.md'), '--repo', repo, '--pool', pool, '--memory', join(dir, `${repo.split('/').pop()}.jsonl`), '--yes', '--keep-failed'];

  it('every crash point of a scripted run: recover puts back every byte', async () => {
    let killedRuns = 0;
    for (let k = 1; k <= 200; k++) {
      const repo = fresh(`k${k}`);
      const before = userState(repo);
      srv.setScript(execSteps());
      const run = await cli(solveArgs(repo), { SALE_TEST_CRASH_AT: String(k) });
      if (run.signal !== 'SIGKILL') {
        // Past the last crash point: the run finished (and kept the agent's passing change).
        assert.equal(run.code, 0, run.out);
        assert.ok(killedRuns >= 10, `only ${killedRuns} crash points were exercised`);
        console.log(`      ${killedRuns} crash points: each killed run recovered byte-identical`);
        break;
      }
      killedRuns++;
      // `sale recover` (the CLI) for the first crash points; the same function in-process for the rest (speed).
      let out: string;
      if (k <= 3) {
        const rec = await recover(repo);
        assert.equal(rec.code, 0, `k=${k}: ${rec.out}`);
        out = rec.out;
      } else {
        const rec = await recoverJournals(repo);
        assert.deepEqual(rec.errors, [], `k=${k}`);
        out = JSON.stringify(rec);
      }
      assert.deepEqual(userState(repo), before, `k=${k}: after recover the user's files differ\n${out}\n--- run ---\n${run.out}`);
      assert.equal(recoveryHasWork(await inspectUnfinishedJournals(repo)), false, `k=${k}: a second recover would still find work`);
      rmSync(repo, { recursive: true, force: true });
    }
    assert.ok(killedRuns > 0);
  });

  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} during execution cancels like Ctrl-C and restores every byte`, async () => {
      const repo = fresh(sig);
      const before = userState(repo);
      srv.setScript(execSteps(60_000));
      let pid = 0;
      const execCalls = () => srv.requests.filter((r) => Array.isArray(r.json?.tools)).length;
      const startCount = execCalls();
      const running = cli(solveArgs(repo), {}, (p) => (pid = p));
      // Wait until the second execution turn is in flight (the first turn's writes are on disk).
      for (let i = 0; i < 600 && execCalls() < startCount + 2; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(execCalls(), startCount + 2, 'the run reached its second turn');
      process.kill(pid, sig);
      const run = await running;
      assert.equal(run.code, 130, run.out);
      assert.match(run.out, new RegExp(`${sig}: cancelling`));
      assert.deepEqual(userState(repo), before);
      assert.match((await recover(repo)).out, /Nothing to recover/);
    });
  }
});
