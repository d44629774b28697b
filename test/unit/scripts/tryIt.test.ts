import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts try-it.sh against a fake code-server, waits for its URL, presses Ctrl-C (SIGINT), returns its output. */
async function tryItThenCtrlC(tmp: string, extraArgs: string[], env: Record<string, string> = {}): Promise<{ out: string; code: number | null }> {
  const vsix = join(tmp, 'fake.vsix');
  writeFileSync(vsix, 'not a real vsix: the fake code-server does not read it');
  const port = await freePort();
  const child: ChildProcess = spawn('bash', [join(ROOT, 'scripts', 'try-it.sh'), 'str-truncate-length', ...extraArgs], {
    cwd: ROOT,
    env: {
      ...process.env, TMPDIR: tmp, PORT: String(port), SALE_TRY_SKIP_INSTALL: '1', SALE_TRY_VSIX: vsix,
      SALE_NODE24: process.execPath, SALE_CODE_SERVER_ENTRY: join(ROOT, 'test', 'unit', 'helpers', 'fakeCodeServer.js'), ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 45_000;
  while (!out.includes(`http://127.0.0.1:${port}/?folder=`)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`try-it did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  const code = await exited;
  return { out, code };
}

describe('npm run try-it (scripts/try-it.sh), Ctrl-C', function () {
  this.timeout(90_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sale-try-it-test-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('keeps the sample repository (its TODO comment included), says where it is and how to delete it', async () => {
    const { out, code } = await tryItThenCtrlC(tmp, []);
    assert.equal(code, 130, out);
    const folder = /sample repository: (\S+) \(git/.exec(out)?.[1];
    assert.ok(folder, out);
    assert.ok(existsSync(join(folder, '.git')), `the sample repository is still there: ${folder}`);
    const task = JSON.parse(readFileSync(join(folder, '..', 'task.json'), 'utf8')) as { title: string };
    const todo = /open (\S+):(\d+) and click/.exec(out);
    assert.ok(todo, `try-it points at the TODO comment:\n${out}`);
    assert.match(readFileSync(join(folder, todo[1]), 'utf8').split('\n')[Number(todo[2]) - 1], new RegExp(`// TODO: ${task.title.replace(/[()[\]{}.*+?^$|\\]/g, '\\$&')}`));
    assert.match(out, /kept the sample repository/);
    assert.match(out, /delete it with: rm -rf '[^']+sale-try-it-sample-/);
    assert.match(out, /simulated models can solve only the bundled sample tasks/);
  });

  it('deletes it when asked (--delete-sample, or SALE_TRY_DELETE_SAMPLE=1)', async () => {
    for (const [args, env] of [[['--delete-sample'], {}], [[], { SALE_TRY_DELETE_SAMPLE: '1' }]] as const) {
      const { out, code } = await tryItThenCtrlC(tmp, [...args], env);
      assert.equal(code, 130, out);
      const folder = /sample repository: (\S+) \(git/.exec(out)?.[1];
      assert.ok(folder && !existsSync(folder), `deleted: ${folder}\n${out}`);
      assert.match(out, /deleted the sample repository/);
    }
  });
});
