// API keys through VS Code's SecretStorage (and never anywhere else), and a GitHub issue of the workspace's `origin`
// repository fetched from a local stand-in for the GitHub API.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadPoolFile } from '../../../src/llm/poolConfig';
import { type SimServer, startSimServer } from '../../../src/sim/server';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import { ensureIdle, extensionPath, fixtureTask, resetSettings, review, run, saleApi, setSetting, settled, workspaceRoot } from './saleHelpers';

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('SALE: API keys and GitHub issues', function () {
  this.timeout(180_000);
  let api: SaleTestApi;
  let root: string;
  let sim: SimServer;
  const SETTINGS = ['pool.preset', 'pool.agents', 'github.apiBaseUrl', 'github.signIn'];

  before(async () => {
    api = await saleApi();
    root = workspaceRoot();
    const ext = extensionPath();
    sim = await startSimServer({ pool: loadPoolFile(path.join(ext, 'pools', 'sim-default.json')), suiteDir: path.join(ext, 'test', 'fixtures', 'suite'), port: 0 });
  });
  afterEach(async () => ensureIdle(api));
  after(async () => {
    await resetSettings(SETTINGS);
    await sim?.close();
  });

  it('stores a key in SecretStorage and sends it only as the Authorization header of model calls', async () => {
    const secret = 'sk-it-0123456789abcdefXYZ';
    // A transparent proxy in front of the simulator that records what the extension sends.
    const auth: (string | undefined)[] = [];
    const proxy = http.createServer((req, res) => {
      auth.push(req.headers.authorization);
      const target = new URL(req.url ?? '/', sim.url.replace(/\/v1$/, ''));
      const fwd = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(fwd);
    });
    const proxyUrl = await listen(proxy);
    try {
      const set = await run('sale.setApiKey', { name: 'SALE_IT_KEY', key: secret });
      assert.equal(set.ok, true, JSON.stringify(set));
      assert.equal(await api.apiKeyIsSet('SALE_IT_KEY'), true);

      await setSetting('pool.preset', 'custom');
      await setSetting('pool.agents', ['sim-qwen3-4b', 'sim-qwen3-32b'].map((m, i) => ({
        id: `keyed-${i}`, provider: 'openai', model: m, baseUrl: `${proxyUrl}/v1`, apiKeyEnv: 'SALE_IT_KEY', price: { inputPerMTok: 0.05 + i, outputPerMTok: 0.05 + i },
      })));
      const t = fixtureTask();
      const done = run('sale.solve', { source: 'text', text: t.title });
      const s = await review(api);
      assert.equal(s.simulated, false, 'a custom pool is not labelled simulated');
      assert.deepEqual(s.agents, ['keyed-0', 'keyed-1']);
      await run('sale.cancel');
      await done;
      await settled(api);
      const modelCalls = auth.filter((a) => a !== undefined);
      assert.ok(modelCalls.length >= 4, `model calls went through the proxy (${auth.length})`);
      assert.ok(modelCalls.every((a) => a === `Bearer ${secret}`), 'every call carried the stored key');

      // The key is nowhere else: not in settings, the log, memory or workspace state.
      const everywhere = JSON.stringify([
        vscode.workspace.getConfiguration('sale'), api.log(), await api.memoryRecords(await api.repoLabel(root)),
        api.workspaceStateKeys().map((k) => api.workspaceStateGet(k)), api.state(),
      ]);
      assert.ok(!everywhere.includes(secret), 'the key leaks nowhere');
      assert.ok(!everywhere.includes('0123456789abcdef'), 'not even in part');
    } finally {
      proxy.close();
    }
  });

  it('says clearly when a key is missing, before spending anything', async () => {
    await setSetting('pool.preset', 'custom');
    await setSetting('pool.agents', [{ id: 'remote', provider: 'openai', model: 'm', baseUrl: 'https://models.example.invalid/v1', apiKeyEnv: 'SALE_IT_NO_SUCH_KEY', price: { inputPerMTok: 1, outputPerMTok: 1 } }]);
    const r = await run('sale.solve', { source: 'text', text: 'Anything at all' });
    assert.equal(r.ok, false);
    assert.equal((r as { code: string }).code, 'api-key-missing');
    assert.match((r as { error: string }).error, /No API key for SALE_IT_NO_SUCH_KEY.*SALE: Set API Key/);
    await run('sale.clearApiKey', 'SALE_IT_KEY');
    assert.equal(await api.apiKeyIsSet('SALE_IT_KEY'), false);
    await resetSettings(['pool.preset', 'pool.agents']);
  });

  it('fetches a GitHub issue of the origin repository from the configured API base URL (local stand-in)', async () => {
    const t = fixtureTask();
    const requests: { url?: string; auth?: string }[] = [];
    const gh = http.createServer((req, res) => {
      requests.push({ url: req.url, auth: req.headers.authorization });
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/repos/acme/widgets/issues/7') {
        res.end(JSON.stringify({ number: 7, title: t.title, body: t.body, html_url: 'https://github.com/acme/widgets/issues/7', state: 'open', labels: [{ name: 'bug' }] }));
      } else {
        res.statusCode = 404;
        res.end('{"message":"Not Found"}');
      }
    });
    const ghUrl = await listen(gh);
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git'], { cwd: root });
    try {
      await setSetting('github.apiBaseUrl', ghUrl);
      await setSetting('github.signIn', false);
      const done = run('sale.solveIssue', 7);
      const s = await review(api);
      assert.equal(s.task?.source, 'issue');
      assert.equal(s.task?.title, t.title);
      assert.equal(s.task?.repo, 'https://github.com/acme/widgets.git', 'memory is keyed by the origin URL');
      assert.equal(s.bids.filter((b) => b.round === 0).length, 4, 'the simulator knew the task by its title');
      await run('sale.cancel');
      await done;
      await settled(api);
      assert.deepEqual(requests.map((r) => r.url), ['/repos/acme/widgets/issues/7']);
      assert.equal(requests[0].auth, undefined, 'no token without sign-in');

      // An issue that does not exist: a clear message, nothing started.
      const missing = await run('sale.solveIssue', 99);
      assert.equal(missing.ok, false);
      assert.match((missing as { error: string }).error, /404/);
      // With sign-in on (the default) a host without a GitHub session still gets the public issue, without hanging.
      await setSetting('github.signIn', true);
      const t0 = Date.now();
      const again = run('sale.solveIssue', '#7');
      await review(api);
      assert.ok(Date.now() - t0 < 30_000, 'no long wait for a sign-in that cannot happen');
      await run('sale.cancel');
      await again;
      await settled(api);
    } finally {
      execFileSync('git', ['remote', 'remove', 'origin'], { cwd: root });
      gh.close();
    }
  });
});
