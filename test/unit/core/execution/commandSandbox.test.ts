import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { bwrapArgs, detectSandbox } from '../../../../src/core/execution/commandSandbox';

const bwrap = detectSandbox({ ...process.env, SALE_SANDBOX: '' });

describe('core: the sandbox mounts back tools installed under the home folder (execution/commandSandbox)', function () {
  this.timeout(30_000);
  let dir: string;
  let home: string;
  let repo: string;
  const savedPath = process.env.PATH;

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sale-sandbox-home-')));
    home = join(dir, 'home');
    repo = join(dir, 'repo');
    mkdirSync(repo, { recursive: true });
    // A version manager as pyenv lays it out: its shim only dispatches into the manager's own folder.
    mkdirSync(join(home, '.mgr', 'shims'), { recursive: true });
    mkdirSync(join(home, '.mgr', 'libexec'), { recursive: true });
    writeFileSync(join(home, '.mgr', 'libexec', 'mgr'), '#!/bin/sh\necho "runs $1"\n');
    writeFileSync(join(home, '.mgr', 'shims', 'tool'), `#!/bin/sh\nexec "${join(home, '.mgr', 'libexec', 'mgr')}" tool\n`);
    chmodSync(join(home, '.mgr', 'libexec', 'mgr'), 0o755);
    chmodSync(join(home, '.mgr', 'shims', 'tool'), 0o755);
    // A tool folder beside a secret: only the PATH entry comes back.
    mkdirSync(join(home, '.cargo', 'bin'), { recursive: true });
    writeFileSync(join(home, '.cargo', 'credentials.toml'), 'token = "secret"\n');
    process.env.PATH = [join(home, '.mgr', 'shims'), join(home, '.cargo', 'bin'), savedPath].join(delimiter);
  });

  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  const boundBack = (args: string[]) => args.flatMap((a, i) => (a === '--ro-bind' && args[i + 1].startsWith(home) ? [args[i + 1]] : []));

  it('mounts back a shims entry\'s whole version manager, and any other entry alone', () => {
    assert.deepEqual(boundBack(bwrapArgs(repo, { home })).sort(), [join(home, '.cargo', 'bin'), join(home, '.mgr')]);
  });

  it('bubblewrap: a shim runs the manager it dispatches to, and what sits beside a plain entry stays hidden', function () {
    if (bwrap.kind !== 'bwrap') this.skip();
    const run = (command: string) => spawnSync(bwrap.bwrap, [...bwrapArgs(repo, { home }), '--', '/bin/sh', '-c', command], { encoding: 'utf8', env: process.env });
    const shim = run('tool');
    assert.equal(shim.status, 0, shim.stderr);
    assert.equal(shim.stdout.trim(), 'runs tool');
    const secret = run(`cat "${join(home, '.cargo', 'credentials.toml')}"`);
    assert.notEqual(secret.status, 0);
    assert.doesNotMatch(secret.stdout, /secret/);
  });
});
