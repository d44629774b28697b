#!/usr/bin/env node
// Figures for the VS Code extension: bundle sizes (extension host bundle and webview, as built and minified, raw
// and gzipped), the .vsix size, the time to load the extension bundle in Node, and the real activation time in
// code-server (the extension's own measurement of activate(), read from its log, plus the wall-clock time from
// running a SALE command in the palette to SALE's status bar item appearing).
//
//   node scripts/measure-extension.js            everything (needs `npm run host:install` for the code-server part)
//   node scripts/measure-extension.js --no-host  sizes and load time only
//   --no-build  use the existing dist/      --runs N  activations in code-server (default 3)
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f, d) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : d; };

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function size(file) {
  const buf = fs.readFileSync(file);
  return { raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
}

function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log('  ' + r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('   '));
}

async function productionSizes() {
  const esbuild = require('esbuild');
  const { zodEnglishOnly } = require('../esbuild.js'); // the same plugins as the real build
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-measure-'));
  try {
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/vscode/extension.ts')], outfile: path.join(out, 'extension.js'), bundle: true,
      minify: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [zodEnglishOnly], logLevel: 'error' });
    await esbuild.build({ entryPoints: [path.join(ROOT, 'media/panel.ts')], outfile: path.join(out, 'panel.js'), bundle: true,
      minify: true, platform: 'browser', format: 'iife', target: 'es2022', plugins: [zodEnglishOnly], logLevel: 'error' });
    const loads = Array.from({ length: 5 }, () => loadTimeMs(path.join(out, 'extension.js')));
    return { ext: size(path.join(out, 'extension.js')), panel: size(path.join(out, 'panel.js')), loads };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Loads an extension bundle in a fresh Node with a stand-in `vscode` module; returns milliseconds. */
function loadTimeMs(file) {
  const code = `
    const Module = require('module');
    const any = new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? false : any), apply: () => any, construct: () => ({}) });
    // esbuild's __toESM builds the namespace on the module's prototype: give it one that answers everything.
    const stub = Object.create(any);
    const orig = Module._load;
    Module._load = function (req, ...rest) { return req === 'vscode' ? stub : orig.call(this, req, ...rest); };
    const t0 = process.hrtime.bigint();
    require(${JSON.stringify(file)});
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`;
  const r = cp.spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

async function activationInCodeServer(runs) {
  const host = require('./lib/code-server');
  const { packageExtension } = require('./lib/package-vsix');
  const { makeFixtureRepo } = require('./lib/fixture');
  host.hostPaths();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-measure-host-'));
  const vsix = packageExtension(path.join(work, 'sale.vsix'), { build: false, log: () => undefined });
  const vsixBytes = fs.statSync(vsix).size;
  const fixture = makeFixtureRepo({ parent: path.join(work, 'fixture') });
  const results = [];
  try {
    for (let i = 0; i < runs; i++) {
      const sandbox = host.makeSandbox('sale-measure-');
      let server;
      let browser;
      try {
        host.installExtension(sandbox, vsix);
        const settings = path.join(sandbox.userDataDir, 'User', 'settings.json');
        fs.mkdirSync(path.dirname(settings), { recursive: true });
        fs.writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'chat.disableAIFeatures': true }));
        server = await host.startCodeServer({ sandbox, smoke: false });
        browser = await host.launchChromium();
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await page.goto(host.workbenchUrl(server.url, fixture.folder), { waitUntil: 'domcontentloaded' });
        await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
        await page.waitForTimeout(2000); // let the workbench settle: we measure SALE, not startup
        const status = page.locator('.statusbar-item', { hasText: 'SALE:' });
        if (await status.count()) throw new Error('SALE was active before it was used (activation events too broad)');
        // The palette lists contributed commands once the extension is registered: reopen it until SALE's shows.
        const input = page.locator('.quick-input-widget input.input');
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'SALE: Show Log' }).first();
        const until = Date.now() + 60000;
        for (;;) {
          if (!(await input.isVisible())) await page.keyboard.press('F1');
          await input.waitFor({ state: 'visible' });
          await input.fill('>SALE: Show Log');
          if (await row.waitFor({ timeout: 3000 }).then(() => true, () => false)) break;
          if (Date.now() > until) throw new Error('"SALE: Show Log" never showed in the palette');
          await page.keyboard.press('Escape');
          await page.waitForTimeout(500);
        }
        const t0 = Date.now();
        await page.keyboard.press('Enter');
        await status.first().waitFor({ timeout: 60000 });
        const wallMs = Date.now() - t0;
        // The extension logs "SALE activated in N ms" to its output channel's log file.
        let activateMs;
        const deadline = Date.now() + 20000;
        while (activateMs === undefined && Date.now() < deadline) {
          const logs = cp.spawnSync('grep', ['-rhoE', 'SALE activated in [0-9]+ ms', sandbox.userDataDir], { encoding: 'utf8' }).stdout;
          const m = /SALE activated in (\d+) ms/.exec(logs);
          if (m) activateMs = Number(m[1]);
          else await new Promise((r) => setTimeout(r, 250));
        }
        results.push({ wallMs, activateMs });
      } finally {
        if (browser) await browser.close().catch(() => undefined);
        if (server) await server.stop();
        sandbox.remove();
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { results, vsixBytes };
}

async function main() {
  if (!flag('--no-build')) {
    const b = cp.spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) process.exit(b.status || 1);
  }
  const dist = (f) => path.join(ROOT, 'dist', f);
  const ext = size(dist('extension.js'));
  const panel = size(dist('media/panel.js'));
  const css = size(dist('media/panel.css'));
  const prod = await productionSizes();
  console.log('Bundle sizes (raw / gzip -9):');
  table([
    ['', 'as built (dist/)', '', 'minified', ''],
    ['extension host  dist/extension.js', kb(ext.raw), kb(ext.gzip), kb(prod.ext.raw), kb(prod.ext.gzip)],
    ['webview         dist/media/panel.js', kb(panel.raw), kb(panel.gzip), kb(prod.panel.raw), kb(prod.panel.gzip)],
    ['webview         dist/media/panel.css', kb(css.raw), kb(css.gzip), '', ''],
  ]);

  const loads = Array.from({ length: 5 }, () => loadTimeMs(dist('extension.js')));
  const fmtLoads = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
  console.log(`\nLoading the extension bundle in Node ${process.version} (stand-in vscode module), 5 fresh processes each:`);
  console.log(`  as built  ${fmtLoads(loads)}`);
  console.log(`  minified  ${fmtLoads(prod.loads)}`);

  if (flag('--no-host')) return;
  const runs = Number(opt('--runs', '3'));
  const { results, vsixBytes } = await activationInCodeServer(runs);
  console.log(`\n.vsix (packaged with --no-dependencies): ${kb(vsixBytes)}`);
  console.log(`Activation in code-server (VS Code 1.139, Node 24), ${runs} fresh profiles, on first use ("SALE: Show Log" from the palette):`);
  table([
    ['run', 'activate() ms', 'palette Enter → status bar item ms'],
    ...results.map((r, i) => [String(i + 1), String(r.activateMs ?? '?'), String(r.wallMs)]),
    ['median', String(median(results.map((r) => r.activateMs ?? NaN))), String(median(results.map((r) => r.wallMs)))],
  ]);
  console.log('Not active before first use: checked in every run (no SALE status bar item until the command ran).');
}

main().catch((e) => {
  console.error(`measure-extension: ${e.stack || e.message}`);
  process.exit(1);
});
