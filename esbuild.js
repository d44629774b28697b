// Bundles the extension host code, the CLI and the webview script. One build for all three so they never drift.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');

// The extension and the webview use zod's English messages only: its ~45 other locales (about 400 KB of each
// bundle) are left out by resolving zod's locale index to a module that exports `en` alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.c?js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)) return undefined;
      return { path: path.resolve(path.dirname(args.importer), args.path), namespace: 'zod-en' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => {
      const dir = path.dirname(args.path);
      const contents = args.path.endsWith('.cjs')
        ? `exports.en = require(${JSON.stringify(path.join(dir, 'en.cjs'))});`
        : `export { default as en } from ${JSON.stringify(path.join(dir, 'en.js'))};`;
      return { contents, resolveDir: dir, loader: 'js' };
    });
  },
};
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
// The extension host is Node. Node 21+ has a global `navigator`, and VS Code's extension host guards it with a getter
// that logs "PendingMigrationError: navigator is now a global" whenever a library looks at it; zod (allowsEval),
// openai (platform detection) and debug (colours) all do, only to tell a browser from Node. In this bundle they see
// Node, as they would on Node 20: `navigator` is replaced by `undefined` at build time.
const nodeHostDefines = { navigator: 'undefined', 'globalThis.navigator': 'undefined' };

/** The extension host bundle (exported for test/unit/build/extensionBundle.test.ts). */
const extensionBuild = { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node',
  format: 'cjs', target: 'node20', external: ['vscode'], plugins: [zodEnglishOnly], define: nodeHostDefines };

async function main() {
  const builds = [
    { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20',
      banner: { js: '#!/usr/bin/env node' } },
  ];
  if (fs.existsSync('src/vscode/extension.ts')) builds.push(extensionBuild);
  // One bundle per webview view: the bid panel and the routing picture.
  for (const name of ['panel', 'routingPicture']) {
    if (!fs.existsSync(`media/${name}.ts`)) continue;
    builds.push({ ...common, entryPoints: [`media/${name}.ts`], outfile: `dist/media/${name}.js`, platform: 'browser',
      format: 'iife', target: 'es2022', plugins: [zodEnglishOnly] });
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // The webview's stylesheet is plain CSS: copied next to panel.js (loaded through the webview's CSP with a nonce).
  if (fs.existsSync('media/panel.css')) {
    fs.mkdirSync('dist/media', { recursive: true });
    fs.copyFileSync('media/panel.css', 'dist/media/panel.css');
  }
  fs.chmodSync(path.join(__dirname, 'dist/cli.js'), 0o755);
}
module.exports = { zodEnglishOnly, nodeHostDefines, extensionBuild };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
