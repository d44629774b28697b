import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { changedFiles, originalText, splitDiff } from '../../src/vscode/diffSummary';
import { defaultApiBase, fetchIssue, listOpenIssues, parseGitHubRemote, parseIssueRef } from '../../src/vscode/github';
import { maskSecrets } from '../../src/vscode/redact';
import { presetPool, requiredKeyNames, secretKeyFor } from '../../src/vscode/poolPresets';
import { stripCredentials } from '../../src/vscode/repoInfo';
import { SETTINGS_SPEC, engineSettingsInput, readSettings } from '../../src/vscode/settings';
import { shellQuote, stripTerminalControls } from '../../src/vscode/terminalText';
import { parsePoolConfig } from '../../src/llm/poolConfig';
import { auctionSettings } from '../../src/core/auction/auctionSettings';

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

describe('settings and pool presets (vscode/settings, vscode/poolPresets)', () => {
  it('every setting the code reads is declared in package.json, with the same default', () => {
    const props = JSON.parse(readFileSync('package.json', 'utf8')).contributes.configuration.properties as Record<string, { default: unknown }>;
    const declared = Object.keys(props).sort();
    const read = Object.keys(SETTINGS_SPEC).map((k) => `sale.${k}`).sort();
    assert.deepEqual(read, declared);
    const { settings } = readSettings(() => undefined);
    for (const [k, v] of Object.entries(settings)) assert.deepEqual(props[`sale.${k}`].default, v, `default of sale.${k}`);
  });

  it('a bad value falls back to its default with a message', () => {
    const { settings, problems } = readSettings((k) => (k === 'review.mode' ? 'sometimes' : k === 'budgetUsd' ? -3 : undefined));
    assert.equal(settings['review.mode'], 'wait');
    assert.equal(settings.budgetUsd, 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /sale\.review\.mode/);
  });

  it('maps onto the engine\'s settings schema (auction settings parse)', () => {
    const { settings } = readSettings((k) => (k === 'auction.weights' ? { entropy: 2 } : k === 'budgetUsd' ? 0 : undefined));
    const e = engineSettingsInput(settings);
    const a = auctionSettings(e.auction);
    assert.equal(a.weights.entropy, 2);
    assert.equal(a.weights.cost, 10);
    assert.equal(e.budget.maxUsd, Number.POSITIVE_INFINITY, 'budget 0 = no limit');
    assert.equal(auctionSettings(engineSettingsInput(readSettings(() => undefined).settings).auction).juryMode, 'per-judge');
  });

  it('presets are valid pool files; key names map to secret-storage keys', () => {
    for (const p of ['openai', 'ollama-qwen3', 'openrouter'] as const) parsePoolConfig(presetPool(p));
    assert.deepEqual(presetPool('ollama-qwen3').agents.map((a) => a.model), ['qwen3:4b', 'qwen3:8b', 'qwen3:14b', 'qwen3:32b']);
    assert.deepEqual(requiredKeyNames(presetPool('openai')), ['OPENAI_API_KEY']);
    assert.deepEqual(requiredKeyNames(presetPool('ollama-qwen3')), []);
    assert.equal(presetPool('ollama-qwen3', 'http://gpu:11434/v1').agents[0].baseUrl, 'http://gpu:11434/v1');
    assert.equal(secretKeyFor('OPENAI_API_KEY'), 'sale.apiKey.OPENAI_API_KEY');
  });
});

describe('small helpers', () => {
  it('strips terminal escape sequences, shell-integration marks and CR overwrites', () => {
    const raw = '\x1b]633;C\x07\x1b[32m✔ ok\x1b[0m\r\nprogress 10%\rprogress 100%\r\n\x1b]633;D;0\x07';
    assert.equal(stripTerminalControls(raw), '✔ ok\nprogress 100%\n');
    assert.equal(shellQuote("/tmp/it's here"), "'/tmp/it'\\''s here'");
  });

  it('removes credentials from remote URLs before they become memory labels', () => {
    assert.equal(stripCredentials('https://user:ghp_abcdef@github.com/acme/x.git'), 'https://github.com/acme/x.git');
    assert.equal(stripCredentials('git@github.com:acme/x.git'), 'git@github.com:acme/x.git');
  });

  it('masks key-like words before they reach the log', () => {
    assert.equal(maskSecrets('key sk-proj-abcdefghijklmnop used'), 'key sk-p…(hidden) used');
    assert.equal(maskSecrets('Authorization: Bearer abcdefghijklmnopqrstu'), 'Authorization: Bear…(hidden)');
  });

  it('summarises a multi-file diff and recovers each file\'s text before the change', () => {
    const before = 'a\nb\nc\n';
    const after = 'a\nB\nc\nd\n';
    const diff = [
      createTwoFilesPatch('a/src/x.js', 'b/src/x.js', before, after),
      createTwoFilesPatch('/dev/null', 'b/src/new.js', '', 'new\n'),
      createTwoFilesPatch('a/old.txt', '/dev/null', 'gone\n', ''),
      'Binary file img.png changed\n',
    ].join('');
    assert.deepEqual(changedFiles(diff), [
      { path: 'img.png', status: 'modified', additions: 0, deletions: 0 },
      { path: 'old.txt', status: 'deleted', additions: 0, deletions: 1 },
      { path: 'src/new.js', status: 'added', additions: 1, deletions: 0 },
      { path: 'src/x.js', status: 'modified', additions: 2, deletions: 1 },
    ]);
    const parts = splitDiff(diff);
    assert.equal(originalText(after, parts.find((p) => p.path === 'src/x.js')!), before);
    assert.equal(originalText('new\n', parts.find((p) => p.path === 'src/new.js')!), '');
    assert.equal(originalText('', parts.find((p) => p.path === 'old.txt')!), 'gone\n');
    assert.equal(originalText('', parts.find((p) => p.path === 'img.png')!), undefined);
  });
});
