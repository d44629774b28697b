import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { inspectUnfinishedJournals } from '../../../../src/core/workspace/journalRecovery';
import { JournalStore } from '../../../../src/core/workspace/journalStore';
import { processAlive, processStartTime } from '../../../../src/core/workspace/processIdentity';
import { makeTempDir, removeDir } from '../../helpers/tempRepo';

const linux = process.platform === 'linux';

describe('processIdentity: a reused pid is not the process that wrote the journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('sale-pid-');
  });
  afterEach(() => removeDir(dir));

  it('reads field 22 of /proc/PID/stat, even when the command name holds spaces and parentheses', async () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields 3.. (field 22 is "22")
    await fsp.mkdir(path.join(dir, '4242'));
    await fsp.writeFile(path.join(dir, '4242', 'stat'), `4242 (evil ) 1 2 3 (x) ${fields.join(' ')}\n`);
    assert.equal(processStartTime(4242, dir), '22');
    assert.equal(processStartTime(4243, dir), undefined, 'no such process');
    assert.equal(processStartTime(-1, dir), undefined);
  });

  (linux ? it : it.skip)('a live pid whose start time differs from the recorded one counts as gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const start = processStartTime(pid);
      assert.ok(start, 'start time readable on Linux');
      assert.equal(processAlive(pid, start), true, 'same pid, same start: alive');
      assert.equal(processAlive(pid), true, 'no start recorded: kill(pid, 0) decides');
      assert.equal(processAlive(pid, String(Number(start) + 1)), false, 'same pid, other start: a reused pid');
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    assert.equal(processAlive(child.pid!), false, 'an exited child is gone');
  });

  (linux ? it : it.skip)('recovery skips a run of this very process but takes over one whose pid was reused', async () => {
    const repo = path.join(dir, 'repo');
    const base = path.join(dir, 'journal');
    await fsp.mkdir(repo);
    const real = await fsp.realpath(repo);
    const store = JournalStore.forRoot(real, { baseDir: base });
    await store.begin(undefined, 'test-host');
    const runJson = path.join(store.dir!, 'run.json');
    const info = JSON.parse(await fsp.readFile(runJson, 'utf8')) as { pid: number; pidStart?: string };
    assert.equal(info.pid, process.pid);
    assert.equal(info.pidStart, processStartTime(process.pid));

    let r = await inspectUnfinishedJournals(repo, { baseDir: base });
    assert.equal(r.skippedLive.length, 1, 'the writer is alive: left alone');
    assert.equal(r.runs, 0);

    // The same pid, started at another time: the writer died and its pid went to another process.
    await fsp.writeFile(runJson, JSON.stringify({ ...info, pidStart: String(Number(info.pidStart) + 1) }));
    r = await inspectUnfinishedJournals(repo, { baseDir: base });
    assert.equal(r.skippedLive.length, 0, 'a reused pid does not hold the run');
    assert.equal(r.runs, 1);
    await store.close();
  });
});
