import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultApiBase, fetchIssue, listOpenIssues, parseGitHubRemote, parseIssueRef, tokenAllowedFor } from '../../../src/vscode/github';

describe('GitHub remotes and issues (vscode/github)', () => {
  it('parses https, ssh and scp-like remotes, Enterprise hosts included', () => {
    assert.deepEqual(parseGitHubRemote('https://github.com/acme/textkit.git'), { host: 'github.com', owner: 'acme', repo: 'textkit' });
    assert.deepEqual(parseGitHubRemote('git@github.com:acme/textkit.git'), { host: 'github.com', owner: 'acme', repo: 'textkit' });
    assert.deepEqual(parseGitHubRemote('ssh://git@github.com/acme/textkit'), { host: 'github.com', owner: 'acme', repo: 'textkit' });
    assert.deepEqual(parseGitHubRemote('https://ghe.corp.example/team/app/'), { host: 'ghe.corp.example', owner: 'team', repo: 'app' });
    assert.equal(parseGitHubRemote('not a url'), undefined);
    assert.equal(parseGitHubRemote('https://github.com/only-owner'), undefined);
    assert.equal(defaultApiBase('github.com'), 'https://api.github.com');
    assert.equal(defaultApiBase('ghe.corp.example'), 'https://ghe.corp.example/api/v3');
  });

  it('parses issue references', () => {
    assert.deepEqual(parseIssueRef('12'), { number: 12 });
    assert.deepEqual(parseIssueRef('#12'), { number: 12 });
    assert.deepEqual(parseIssueRef('acme/textkit#3'), { owner: 'acme', repo: 'textkit', number: 3 });
    assert.deepEqual(parseIssueRef('https://github.com/acme/textkit/issues/45#issuecomment-1'), { owner: 'acme', repo: 'textkit', number: 45 });
    assert.equal(parseIssueRef('twelve'), undefined);
  });

  it('fetches and lists issues from an API base URL (a local stand-in here), sending the token only as a header', async () => {
    const seen: { url?: string; auth?: string }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/repos/acme/textkit/issues/7') return res.end(JSON.stringify({ number: 7, title: 'Crash', body: 'b', html_url: 'u', state: 'open', labels: [{ name: 'bug' }] }));
      if (req.url?.startsWith('/repos/acme/textkit/issues?')) return res.end(JSON.stringify([{ number: 1, title: 'a' }, { number: 2, title: 'pr', pull_request: {} }]));
      if (req.url === '/repos/acme/private/issues/1') {
        res.statusCode = 404;
        return res.end('{}');
      }
      res.statusCode = 403;
      res.setHeader('x-ratelimit-remaining', '0');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const issue = await fetchIssue({ apiBase, token: 'gho_secret' }, { owner: 'acme', repo: 'textkit' }, 7);
      assert.deepEqual([issue.number, issue.title, issue.labels], [7, 'Crash', ['bug']]);
      assert.equal(seen[0].auth, 'Bearer gho_secret');
      const list = await listOpenIssues({ apiBase }, { owner: 'acme', repo: 'textkit' });
      assert.deepEqual(list.map((i) => i.number), [1], 'pull requests are left out');
      await assert.rejects(fetchIssue({ apiBase }, { owner: 'acme', repo: 'private' }, 1), /404.*not signed in/);
      await assert.rejects(fetchIssue({ apiBase }, { owner: 'x', repo: 'y' }, 1), /rate limit/);
    } finally {
      server.close();
    }
    await assert.rejects(fetchIssue({ apiBase: 'http://127.0.0.1:9', timeoutMs: 2000 }, { owner: 'a', repo: 'b' }, 1), /Cannot reach the GitHub API/);
  });
});

describe('GitHub token only to hosts the user chose (vscode/github tokenAllowedFor)', () => {
  it('allows api.github.com over https for a github.com remote', () => {
    assert.equal(tokenAllowedFor('https://api.github.com', 'github.com', []).allowed, true);
    assert.equal(tokenAllowedFor('https://api.github.com/', 'GitHub.com', [undefined, '']).allowed, true);
  });
  it('refuses an Enterprise-looking host named only by the workspace (origin remote or workspace setting)', () => {
    // origin = https://evil.example/acme/x.git → default API base https://evil.example/api/v3
    const r = tokenAllowedFor('https://evil.example/api/v3', 'evil.example', []);
    assert.equal(r.allowed, false);
    assert.match(r.reason, /evil\.example.*neither api\.github\.com nor a GitHub host you configured/);
    // a github.com remote but an API base pointing elsewhere (e.g. set in workspace settings)
    assert.equal(tokenAllowedFor('https://collector.example', 'github.com', []).allowed, false);
    // api.github.com for a host that is not github.com (the github-enterprise session must not go there)
    assert.equal(tokenAllowedFor('https://api.github.com', 'ghe.corp.example', []).allowed, false);
    // plain http to api.github.com
    assert.equal(tokenAllowedFor('http://api.github.com', 'github.com', []).allowed, false);
  });
  it('allows the host of a URL the user configured (github-enterprise.uri, user-scope sale.github.apiBaseUrl)', () => {
    assert.equal(tokenAllowedFor('https://ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, true);
    assert.equal(tokenAllowedFor('http://127.0.0.1:4567', 'github.com', [undefined, 'http://127.0.0.1:4567/']).allowed, true);
    // same host name but another port or scheme is another origin
    assert.equal(tokenAllowedFor('http://127.0.0.1:9999', 'github.com', ['http://127.0.0.1:4567']).allowed, false);
    assert.equal(tokenAllowedFor('http://ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, false);
    // a look-alike suffix is not the configured host
    assert.equal(tokenAllowedFor('https://ghe.corp.example.evil.example/api/v3', 'x', ['https://ghe.corp.example']).allowed, false);
  });
  it('refuses malformed or credential-carrying API bases', () => {
    assert.equal(tokenAllowedFor('not a url', 'github.com', ['not a url']).allowed, false);
    assert.equal(tokenAllowedFor('https://u:p@ghe.corp.example/api/v3', 'ghe.corp.example', ['https://ghe.corp.example']).allowed, false);
  });
});
