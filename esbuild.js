// Bundles the extension host code, the CLI and the webview script. One build for all three so they never drift.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

async function main() {
  const builds = [
    { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20',
      banner: { js: '#!/usr/bin/env node' } },
  ];
  if (fs.existsSync('src/vscode/extension.ts')) {
    builds.push({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node',
      format: 'cjs', target: 'node20', external: ['vscode'] });
  }
  if (fs.existsSync('media/panel.ts')) {
    builds.push({ ...common, entryPoints: ['media/panel.ts'], outfile: 'dist/media/panel.js', platform: 'browser',
      format: 'iife', target: 'es2022' });
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // The webview's stylesheet is plain CSS: copied next to panel.js (loaded through the webview's CSP with a nonce).
  if (fs.existsSync('media/panel.css')) {
    fs.mkdirSync('dist/media', { recursive: true });
    fs.copyFileSync('media/panel.css', 'dist/media/panel.css');
  }
  fs.chmodSync(path.join(__dirname, 'dist/cli.js'), 0o755);
}
main().catch((e) => { console.error(e); process.exit(1); });
