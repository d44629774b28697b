#!/usr/bin/env node
// A stand-in for the VS Code executable, for `runTests({ vscodeExecutablePath })` of @vscode/test-electron
// (or @vscode/test-cli's useInstallation.fromPath). It takes the arguments those pass to `code`
//   --extensionDevelopmentPath=… --extensionTestsPath=… [folder] --user-data-dir=… --extensions-dir=…
//   --disable-extensions --no-sandbox --skip-welcome …
// and runs the tests in code-server's real Node extension host: code-server with the smoke-test driver on a
// free loopback port, the workbench in headless chromium with the paths in the URL's `payload`, and the exit
// code the workbench reports through window.codeAutomationExit. See /work/shared/VSCODE_TESTING.md.
//
// Environment:
//   SALE_TEST_TIMEOUT_MS   whole test run, default 1500000 (25 min: the quirk-twin loop alone takes 3–7 min); then exit 124
//   SALE_HOST_START_TIMEOUT_MS  code-server /healthz, default 60000
//   SALE_HOST_VERBOSE=1    also print code-server's own log, workbench logs and browser console
//   SALE_KEEP_TMP=1        keep the temp folder (code-server log, profile) for debugging
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('./lib/code-server');

const TAG = '[code-server-exe]';
const VALUE_OPTS = new Set([
  'extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale', 'logsPath', 'log',
  'folder-uri', 'file-uri', 'extensionDevelopmentKind', 'inspect-extensions', 'inspect-brk-extensions',
]);
const IGNORED_FLAGS = new Set([
  'no-sandbox', 'disable-gpu-sandbox', 'disable-gpu', 'disable-updates', 'skip-welcome', 'skip-release-notes',
  'disable-workspace-trust', 'disable-telemetry', 'disable-crash-reporter', 'new-window', 'reuse-window', 'wait',
  'disable-chromium-sandbox', 'verbose', 'enable-proposed-api', 'disable-extension',
]);

// Workbench chatter that is expected on these machines and says nothing about the tests (shown with SALE_HOST_VERBOSE=1).
const NOISE = [
  /^\[AgentHost/, /^\[ChatModelSelection\]/, /^\[AccountPolicyGate\]/, /^\[reconnection-grace-time\]/, /^\[Service Worker\]/,
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Updating additional builtin extensions cache/,
  /ENOTFOUND open-vsx\.org/, /No signed-in session resolved/, /Authentication provider is not ready/,
  /^Canceled: Canceled/, /Timed out waiting for authentication provider 'github'/,
];

function parseArgs(argv) {
  const o = { devPaths: [], testsPath: undefined, folders: [], disableExtensions: false, userDataDir: undefined,
    extensionsDir: undefined, ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { o.folders.push(path.resolve(a)); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (VALUE_OPTS.has(name) && value === undefined) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath': o.devPaths.push(path.resolve(value)); break;
      case 'extensionTestsPath': o.testsPath = path.resolve(value); break;
      case 'user-data-dir': o.userDataDir = path.resolve(value); break;
      case 'extensions-dir': o.extensionsDir = path.resolve(value); break;
      case 'folder-uri': o.folders.push(value.replace(/^file:\/\//, '')); break;
      case 'disable-extensions': o.disableExtensions = true; break;
      default:
        if (!IGNORED_FLAGS.has(name)) o.ignored.push(a);
        if (VALUE_OPTS.has(name)) o.ignored.push(value);
    }
  }
  return o;
}

/** vscode-remote URI of an absolute server path (the authority is not checked by code-server). */
const remoteUri = (p) => `vscode-remote://remote${p.split(path.sep).map(encodeURIComponent).join('/')}`;

async function main() {
  const t0 = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const verbose = process.env.SALE_HOST_VERBOSE === '1';
  if (!args.testsPath) throw new host.HostError('--extensionTestsPath=… is required');
  if (args.ignored.length) console.log(`${TAG} ignoring unsupported arguments: ${args.ignored.join(' ')}`);
  let testsFile = args.testsPath;
  if (!fs.existsSync(testsFile) && fs.existsSync(`${testsFile}.js`)) testsFile = `${testsFile}.js`;
  if (fs.existsSync(testsFile) && fs.statSync(testsFile).isDirectory()) testsFile = path.join(testsFile, 'index.js');
  if (!fs.existsSync(testsFile)) throw new host.HostError(`extensionTestsPath not found: ${args.testsPath} (needs plain JS)`);
  const folder = args.folders[0];
  if (args.folders.length > 1) console.log(`${TAG} only the first folder is opened: ${folder}`);

  const sandbox = host.makeSandbox('sale-code-server-exe-');
  let server;
  let browser;
  const cleanup = async () => {
    await Promise.race([browser ? browser.close().catch(() => {}) : null, new Promise((r) => setTimeout(r, 5000))]);
    if (server) await server.stop();
    if (process.env.SALE_KEEP_TMP === '1') console.log(`${TAG} kept ${sandbox.dir}`);
    else sandbox.remove();
  };
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (interrupted) return;
      interrupted = true;
      console.log(`${TAG} ${sig}: stopping code-server and chromium`);
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    server = await host.startCodeServer({
      sandbox, smoke: true, userDataDir: args.userDataDir, extensionsDir: args.extensionsDir,
      inheritOutput: verbose,
    });
    console.log(`${TAG} code-server up at ${server.url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const payload = [
      ...args.devPaths.map((p) => ['extensionDevelopmentPath', remoteUri(p)]),
      ['extensionTestsPath', remoteUri(testsFile)],
    ];
    if (args.disableExtensions) payload.push(['disableExtensions', 'true']);
    const url = host.workbenchUrl(server.url, folder, payload);

    browser = await host.launchChromium({ sandbox });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish;
    let finished = false;
    const done = new Promise((resolve) => { finish = (r) => { finished = true; resolve(r); }; });
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      if (finished && !verbose) return; // shutdown chatter
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      if (!verbose && NOISE.some((re) => re.test(text))) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (code !== 0 && Array.isArray(logs) && logs.length) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-host-logs-'));
        for (const l of logs) {
          const f = path.join(dir, l.relativePath);
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, l.contents);
        }
        console.log(`${TAG} workbench logs written to ${dir}`);
      }
      finish({ code: Number(code) });
    });
    if (verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`${TAG} page error: ${e.message}`));
    page.on('crash', () => finish({ code: 1, why: 'the workbench page crashed' }));
    browser.on('disconnected', () => finish({ code: 1, why: 'chromium disconnected' }));
    server.child.on('exit', (c, s) => finish({ code: 1, why: `code-server exited (${c ?? s}) before the tests ended` }));

    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    console.log(`${TAG} workbench opened${folder ? ` on ${folder}` : ''}; running ${testsFile}`);
    const timeoutMs = Number(process.env.SALE_TEST_TIMEOUT_MS) || 1_500_000;
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ code: 124, why: `tests did not finish within ${timeoutMs / 1000} s (SALE_TEST_TIMEOUT_MS)` }), timeoutMs);
    });
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    if (result.why) {
      console.error(`${TAG} FAILED: ${result.why}`);
      console.error(`${TAG} code-server log tail:\n${host.tail(server.logFile, 30)}`);
    }
    console.log(`${TAG} tests exited with ${result.code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await cleanup();
    return result.code;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`${TAG} ERROR: ${e instanceof host.HostError ? e.message : e && e.stack ? e.stack : e}`);
    process.exit(2);
  },
);
