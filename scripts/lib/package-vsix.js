// Build the extension (node esbuild.js) and package it with vsce (--no-dependencies: the bundle carries its deps).
// Used by test/e2e/harness.ts and scripts/try-it.sh. CLI: node scripts/lib/package-vsix.js <out.vsix> [--no-build]
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FALLBACK_IGNORE = path.join(ROOT, 'test', 'e2e', 'vscodeignore.fallback');

class PackageError extends Error {}

/** Returns the .vsix path. opts: { build?: boolean (default true), log?: (msg) => void } */
function packageExtension(vsix, opts = {}) {
  const log = opts.log || ((m) => console.log(`[package] ${m}`));
  if (opts.build !== false) {
    const b = cp.spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new PackageError(`extension build (node esbuild.js) failed with ${b.status}`);
  }
  fs.mkdirSync(path.dirname(path.resolve(vsix)), { recursive: true });
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // Test packaging: a missing repository URL, LICENSE file or link base (README's relative links) must not stop it;
  // release packaging (`npx vsce package`) still checks them.
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links',
    '-o', path.resolve(vsix)];
  if (!fs.existsSync(path.join(ROOT, '.vscodeignore'))) {
    log('no .vscodeignore in the repository: packaging with test/e2e/vscodeignore.fallback');
    args.push('--ignoreFile', FALLBACK_IGNORE);
  }
  // stdin closed: vsce cannot wait on a y/N prompt, it fails instead.
  const r = cp.spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180000 });
  if (r.status !== 0 || !fs.existsSync(vsix)) {
    throw new PackageError(`vsce package failed (${r.status ?? r.signal ?? r.error}):\n${r.stdout}\n${r.stderr}`.trim());
  }
  const mb = fs.statSync(vsix).size / 1e6;
  if (mb > 50) throw new PackageError(`${vsix} is ${mb.toFixed(0)} MB: the package picks up files it should not (check .vscodeignore)`);
  log(`packaged ${path.basename(vsix)} (${mb.toFixed(1)} MB)`);
  return vsix;
}

module.exports = { packageExtension, PackageError };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) { console.error('usage: node scripts/lib/package-vsix.js <out.vsix> [--no-build]'); process.exit(2); }
  try {
    packageExtension(out, { build: !process.argv.includes('--no-build') });
  } catch (e) {
    console.error(`[package] ERROR: ${e.message}`);
    process.exit(1);
  }
}
