// Build the extension (node esbuild.js) and package it with vsce (--no-dependencies: the bundle carries its deps).
// Used by test/e2e/harness.ts and scripts/try-it.sh. CLI: node scripts/lib/package-vsix.js <out.vsix> [--no-build]
// (`npm run package`); the CLI also checks that every file package.json references is inside the .vsix.
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

/** Files package.json points at (icons, walkthrough media): each must be inside the package. */
function referencedFiles(pkg) {
  const out = new Set();
  const add = (p) => {
    if (typeof p === 'string' && !p.startsWith('$(') && !/^https?:/.test(p)) out.add(p.replace(/^\.\//, ''));
    else if (p && typeof p === 'object') for (const v of Object.values(p)) add(v); // { light, dark }
  };
  add(pkg.icon);
  const c = pkg.contributes || {};
  for (const list of Object.values(c.viewsContainers || {})) for (const v of list) add(v.icon);
  for (const list of Object.values(c.views || {})) for (const v of list) add(v.icon);
  for (const w of c.walkthroughs || []) {
    for (const step of w.steps || []) {
      const m = step.media || {};
      add(m.markdown);
      add(m.svg);
      add(m.image);
    }
  }
  return [...out].sort();
}

/** The file names inside a .vsix (a zip; entries under extension/). yauzl comes with @vscode/vsce. */
function vsixEntries(vsix) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = [];
      zip.on('entry', (e) => { names.push(e.fileName); zip.readEntry(); });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Rejects with the missing ones when a file package.json references is not in the .vsix (.vscodeignore too strict). */
async function checkVsixReferences(vsix) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const inside = new Set((await vsixEntries(vsix)).map((n) => n.replace(/^extension\//, '')));
  const wanted = referencedFiles(pkg);
  const missing = wanted.filter((f) => !inside.has(f));
  if (missing.length) throw new PackageError(`${path.basename(vsix)} lacks files package.json references (check .vscodeignore): ${missing.join(', ')}`);
  return wanted;
}

module.exports = { packageExtension, PackageError, referencedFiles, vsixEntries, checkVsixReferences };

if (require.main === module) {
  const out = process.argv[2];
  if (!out) { console.error('usage: node scripts/lib/package-vsix.js <out.vsix> [--no-build]'); process.exit(2); }
  (async () => {
    packageExtension(out, { build: !process.argv.includes('--no-build') });
    const files = await checkVsixReferences(out);
    console.log(`[package] all ${files.length} files package.json references are inside (icons, walkthrough media)`);
  })().catch((e) => {
    console.error(`[package] ERROR: ${e.message}`);
    process.exit(1);
  });
}
