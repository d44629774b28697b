/**
 * Red team, issue 9 item 1 (the walls): what a command the agent causes can reach. With bubblewrap (where it works):
 * nothing outside the repository is writable, the home folder and .git/hooks are hidden, .git is read-only, the
 * network (even loopback servers of the host) is unreachable. With or without it: no secret in the environment.
 * On 717bf52 commands ran with the user's full rights and environment.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessCommandRunner } from '../../src/core/execution/childProcessRunner';
import { detectSandbox } from '../../src/core/execution/commandSandbox';
import { scrubSecrets } from '../../src/core/execution/secretEnv';

const bwrap = detectSandbox({ ...process.env, SALE_SANDBOX: '' });

describe('red team: the sandbox walls and the scrubbed environment (item 1)', function () {
  this.timeout(60_000);
  let dir: string;
  let repo: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sale-redteam-walls-'));
    repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit.sample'), '#!/bin/sh\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('bubblewrap: writes outside the repository fail, home and hooks are hidden, .git is read-only, no network', async function () {
    if (bwrap.kind !== 'bwrap') this.skip();
    const srv = createServer((_q, r) => r.end('reachable')).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const runner = new ChildProcessCommandRunner({ sandbox: bwrap });
      // Inside the sandbox /tmp is an empty tmpfs: a write "there" vanishes with it; the host file must not appear.
      const outside = join(dir, 'outside.txt');
      const homeMarker = join(homedir(), `.sale-redteam-marker-${process.pid}`);
      writeFileSync(homeMarker, 'private');
      const cmd = [
        `echo x > ${outside} && echo OUTSIDE-WRITTEN`,
        'echo y > inside.txt && echo INSIDE-OK',
        `cat ${homeMarker} && echo HOME-VISIBLE`,
        'ls -A .git/hooks | wc -l | sed "s/^/HOOKS=/"',
        'echo z > .git/config && echo GIT-WRITTEN',
        `node -e "require('http').get('http://127.0.0.1:${port}',r=>{console.log('NET-OK')}).on('error',e=>console.log('NET-'+e.code))"`,
      ].join('; ');
      const r = await runner.run(cmd, { cwd: repo, timeoutMs: 30_000 });
      assert.ok(!existsSync(outside), r.output);
      assert.doesNotMatch(r.output, /HOME-VISIBLE|GIT-WRITTEN|NET-OK/);
      assert.match(r.output, /INSIDE-OK/);
      assert.match(r.output, /HOOKS=0/);
      assert.match(r.output, /NET-E[A-Z]+/);
    } finally {
      rmSync(join(homedir(), `.sale-redteam-marker-${process.pid}`), { force: true });
      srv.close();
    }
  });

  it('bubblewrap: dependencies linked in as node_modules (a mined task\'s deps/) are readable, not writable', async function () {
    if (bwrap.kind !== 'bwrap') this.skip();
    const deps = join(dir, 'deps', 'node_modules');
    mkdirSync(join(deps, 'lib'), { recursive: true });
    writeFileSync(join(deps, 'lib', 'index.js'), "module.exports = 'LIB-LOADED';\n");
    symlinkSync(deps, join(repo, 'node_modules'));
    const runner = new ChildProcessCommandRunner({ sandbox: bwrap });
    const r = await runner.run(`node -e "console.log(require('lib'))"; echo w > node_modules/lib/index.js && echo DEPS-WRITTEN`, { cwd: repo, timeoutMs: 30_000 });
    assert.match(r.output, /LIB-LOADED/);
    assert.doesNotMatch(r.output, /DEPS-WRITTEN/);
    assert.equal(readFileSync(join(deps, 'lib', 'index.js'), 'utf8'), "module.exports = 'LIB-LOADED';\n");
  });

  for (const sandbox of [bwrap, { kind: 'none', reason: 'forced' } as const]) {
    it(`${sandbox.kind === 'none' ? 'no sandbox' : 'bubblewrap'}: the child environment holds no secret`, async function () {
      if (sandbox.kind === 'none' && bwrap.kind === 'none' && sandbox !== bwrap) this.skip();
      // Values no other line of `env` can hold by chance ('s-5' was in PWD whenever mkdtemp's 'walls-' suffix began with 5).
      const secrets = { OPENAI_API_KEY: 'sk-secret-value-1', GITHUB_TOKEN: 'gh-secret-value-2', DB_PASSWORD: 'pw-secret-value-3', MY_CREDENTIALS: 'c-secret-value-4', AWS_SECRET_ACCESS_KEY: 's-secret-value-5' };
      const saved = { ...process.env };
      Object.assign(process.env, secrets, { HARMLESS_VAR: 'visible' });
      try {
        const r = await new ChildProcessCommandRunner({ sandbox }).run('env', { cwd: repo, timeoutMs: 20_000 });
        for (const [k, v] of Object.entries(secrets)) {
          assert.ok(!r.output.includes(k), `${k} reached the command`);
          assert.ok(!r.output.includes(v));
        }
        assert.match(r.output, /HARMLESS_VAR=visible/);
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });
  }

  it('scrubSecrets names what it dropped and keeps the rest', () => {
    const r = scrubSecrets({ PATH: '/bin', ANTHROPIC_API_KEY: 'a', npm_config__authToken: 'b', SSH_AUTH_SOCK: '/s', LANG: 'C' }, ['MY_POOL_KEY_NAME']);
    assert.deepEqual(r.dropped, ['ANTHROPIC_API_KEY', 'SSH_AUTH_SOCK', 'npm_config__authToken']);
    assert.deepEqual(Object.keys(r.env).sort(), ['LANG', 'PATH']);
    assert.deepEqual(scrubSecrets({ MY_POOL_KEY_NAME: 'x' }, ['my_pool_key_name']).dropped, ['MY_POOL_KEY_NAME']);
  });

  it('drops the launching npm\'s lifecycle context, so `npm test` runs the repository\'s script, not the launcher\'s', () => {
    const r = scrubSecrets({ PATH: '/bin', npm_config_local_prefix: '/outer', npm_package_json: '/outer/package.json', npm_lifecycle_event: 'test', INIT_CWD: '/outer' });
    assert.deepEqual(Object.keys(r.env), ['PATH']);
    assert.deepEqual(r.dropped, [], 'not secrets: not reported as such');
  });

  it('SALE_SANDBOX=off forces "no sandbox", and says why', () => {
    const info = detectSandbox({ ...process.env, SALE_SANDBOX: 'off' });
    assert.deepEqual(info, { kind: 'none', reason: 'switched off (SALE_SANDBOX=off)' });
  });
});
