import * as assert from 'node:assert/strict';
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChildProcessCommandRunner, HeadTailBuffer, allowListApprover } from '../../../../src/core/execution/childProcessRunner';
import { CancelSource } from '../../../../src/core/ports/cancel';
import { commandPassed } from '../../../../src/core/ports/commandRunner';
import { makeTempDir, removeDir } from '../../helpers/tempRepo';

const posix = process.platform !== 'win32';

/** Alive and not a zombie (a killed orphan may wait a moment for its reaper). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('ChildProcessCommandRunner', () => {
  let dir: string;
  // These tests read process ids and signals from outside, so they run without the sandbox (its PID namespace hides
  // them); test/redteam/sandbox.redteam.test.ts covers the sandboxed path.
  const noSandbox = { kind: 'none', reason: 'runner mechanics test' } as const;
  const runner = new ChildProcessCommandRunner({ killGraceMs: 300, sandbox: noSandbox });
  beforeEach(async () => {
    dir = await makeTempDir('sale-runner-');
  });
  afterEach(() => removeDir(dir));

  it('captures the exit code and interleaved stdout+stderr', async () => {
    const ok = await runner.run('node -e "console.log(\'out1\'); setTimeout(()=>{console.error(\'err2\'); setTimeout(()=>console.log(\'out3\'),30)},30)"', { cwd: dir, timeoutMs: 10_000 });
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.runner, 'child-process');
    assert.equal(commandPassed(ok), true);
    assert.match(ok.output, /out1\n[\s\S]*err2\n[\s\S]*out3/);
    const bad = await runner.run('node -e "process.exit(3)"', { cwd: dir, timeoutMs: 10_000 });
    assert.equal(bad.exitCode, 3);
    assert.equal(commandPassed(bad), false);
  });

  it('a missing command fails with the shell\'s exit code, a missing cwd fails without one', async () => {
    const r = await runner.run('definitely-not-a-command-sale', { cwd: dir, timeoutMs: 10_000 });
    assert.notEqual(r.exitCode, 0);
    assert.equal(commandPassed(r), false);
    const r2 = await runner.run('true', { cwd: path.join(dir, 'nope'), timeoutMs: 10_000 });
    assert.equal(r2.exitCode, undefined);
    assert.equal(commandPassed(r2), false);
    assert.match(r2.output, /could not start/);
  });

  it('a command killed by a signal has no exit code and is a failure', async function () {
    if (!posix) this.skip();
    const r = await runner.run('kill -9 $$', { cwd: dir, timeoutMs: 10_000 });
    assert.equal(r.exitCode, undefined);
    assert.equal(commandPassed(r), false);
    assert.match(r.output, /killed by signal SIGKILL/);
  });

  it('a time-out kills the whole process group (grandchildren too) and is a failure, even if the shell would exit 0', async function () {
    if (!posix) this.skip();
    const pidFile = path.join(dir, 'grandchild.pid');
    // The grandchild ignores SIGTERM; the group must still die (SIGKILL after the grace period).
    const cmd = `node -e "process.on('SIGTERM',()=>{}); require('fs').writeFileSync('${pidFile}', String(process.pid)); setInterval(()=>{},1000)" ; exit 0`;
    const started = Date.now();
    const r = await runner.run(cmd, { cwd: dir, timeoutMs: 700 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, undefined);
    assert.equal(commandPassed(r), false);
    assert.match(r.output, /timed out after 700 ms/);
    assert.ok(Date.now() - started < 5000);
    const pid = Number(await fsp.readFile(pidFile, 'utf8'));
    assert.ok(await waitFor(() => !alive(pid), 3000), `grandchild ${pid} still alive`);
  });

  it('cancel kills the group promptly and is a failure', async function () {
    if (!posix) this.skip();
    const cancel = new CancelSource();
    const p = runner.run('sleep 30', { cwd: dir, timeoutMs: 60_000, signal: cancel });
    setTimeout(() => cancel.cancel(), 150);
    const started = Date.now();
    const r = await p;
    assert.ok(Date.now() - started < 3000);
    assert.equal(r.exitCode, undefined);
    assert.equal(commandPassed(r), false);
    assert.match(r.output, /cancelled/);
    const pre = await runner.run('true', { cwd: dir, timeoutMs: 1000, signal: cancel });
    assert.equal(pre.exitCode, undefined, 'an already cancelled signal never starts the command');
  });

  it('does not hang when the shell exits but a background child keeps the pipes open', async function () {
    if (!posix) this.skip();
    const started = Date.now();
    const r = await new ChildProcessCommandRunner({ lingerMs: 200, sandbox: noSandbox }).run('sleep 30 & echo "started $!"', { cwd: dir, timeoutMs: 20_000 });
    assert.ok(Date.now() - started < 5000, 'returned soon after the shell exited');
    assert.equal(r.exitCode, 0);
    const pid = Number(/started (\d+)/.exec(r.output)?.[1]);
    assert.ok(pid > 0);
    assert.ok(await waitFor(() => !alive(pid), 3000), 'the stray background process was killed with the group');
  });

  it('caps 5 MB of output: keeps head and tail and says how much was cut', async () => {
    const small = new ChildProcessCommandRunner({ headChars: 1000, tailChars: 2000, sandbox: noSandbox });
    const r = await small.run(`node -e "process.stdout.write('HEAD'+'x'.repeat(5*1024*1024)+'TAIL')"`, { cwd: dir, timeoutMs: 20_000 });
    assert.equal(r.exitCode, 0);
    assert.equal(r.truncated, true);
    assert.ok(r.output.startsWith('HEAD'));
    assert.ok(r.output.endsWith('TAIL'));
    assert.ok(r.output.length < 3100, `output kept ${r.output.length} chars`);
    assert.match(r.output, new RegExp(`\\[${5 * 1024 * 1024 + 8 - 3000} characters cut\\]`));
  });
});

describe('HeadTailBuffer', () => {
  it('keeps exactly head + tail and counts the cut', () => {
    const b = new HeadTailBuffer(3, 4);
    for (const ch of 'abcdefghijklmnop') b.push(ch);
    assert.equal(b.text(), 'abc\n… [9 characters cut] …\nmnop');
    const c = new HeadTailBuffer(3, 4);
    c.push('abcdefg');
    assert.equal(c.text(), 'abcdefg');
  });
});

describe('allowListApprover', () => {
  it('approves exact commands and whole-argument patterns, never chained commands through a string pattern', async () => {
    const a = allowListApprover(['npm run lint', 'npm test*', /^git (status|diff)( .*)?$/]);
    assert.equal(await a.approve('npm run lint'), true);
    assert.equal(await a.approve('npm run lint --fix'), false);
    // Whole arguments (issue 9): an extra argument is never admitted by a trailing *.
    assert.equal(await a.approve('npm test -- --grep x'), false);
    assert.equal(await a.approve('npm test --prefix=/tmp/evil'), false);
    assert.equal(await a.approve('npm test'), true);
    assert.equal(await a.approve('npm testing'), true);
    assert.equal(await allowListApprover(['npm run *']).approve('npm run lint'), true);
    assert.equal(await allowListApprover(['npm run *']).approve('npm run --prefix=x'), false);
    assert.equal(await allowListApprover(['npm run *']).approve('npm run "lint"'), false);
    assert.equal(await allowListApprover(['npm run *']).approve('npm run l*'), false);
    assert.equal(await a.approve('npm test && rm -rf ~'), false);
    assert.equal(await a.approve('npm test; curl evil'), false);
    assert.equal(await a.approve('npm test $(whoami)'), false);
    assert.equal(await a.approve('npm test > /etc/x'), false);
    assert.equal(await a.approve('git status'), true);
    assert.equal(await a.approve('git push'), false);
    assert.equal(await allowListApprover([]).approve('ls'), false);
  });
});
