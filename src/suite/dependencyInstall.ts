import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { type CommandRunner, commandPassed } from '../core/ports/commandRunner';

/**
 * Dependencies of a mined task, installed once per task from its lockfile, outside `repo/` (so the task folder
 * stays source only) and linked in as `repo/node_modules`. Downloads go through one shared npm cache folder, so
 * the same package version is fetched once for all tasks.
 */
export interface InstallResult {
  installed: boolean;
  /** Why nothing was installed, or what failed. */
  note?: string;
}

/**
 * The runner for `npm ci` / `npm install` of a task's dependencies: outside the sandbox, because npm needs the
 * network, the user's npm configuration and the shared cache folder (all hidden in it), and it runs no package
 * code here (--ignore-scripts). The tests themselves still run in the sandbox, which mounts deps/ read-only.
 */
export function dependencyInstallRunner(): CommandRunner {
  return new ChildProcessCommandRunner({ sandbox: { kind: 'none', reason: 'dependency install (npm --ignore-scripts)' } });
}

export function needsNodeDependencies(repoDir: string): boolean {
  const file = join(repoDir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: object; devDependencies?: object };
    return Object.keys(pkg.dependencies ?? {}).length + Object.keys(pkg.devDependencies ?? {}).length > 0;
  } catch {
    return false;
  }
}

const IMPORT = /\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

/** Bare package names a folder's JavaScript imports (`require('a/b')` → a, `'@s/p/x'` → @s/p), node_modules excluded. */
export function importedPackages(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      // Tool configs (eslint.config.mjs, vite.config.ts) load linters and bundlers, not what the tests run on.
      else if (e.isFile() && /\.[cm]?[jt]sx?$/.test(e.name) && !/\.config\.[cm]?[jt]s$/.test(e.name)) {
        for (const m of readFileSync(p, 'utf8').matchAll(IMPORT)) {
          const spec = m[1] ?? m[2] ?? m[3];
          if (!spec || /^[./]|^node:/.test(spec)) continue;
          const parts = spec.split('/');
          out.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
        }
      }
    }
  };
  walk(dir);
  return out;
}

export interface InstallOptions {
  /**
   * 'imported': keep only the devDependencies the repository's files import (a published package's devDependencies
   * carry linters, bundlers and release tools its tests never load; installing them all costs minutes per task).
   * The trimmed package.json is installed without a lockfile.
   */
  devDependencies?: 'all' | 'imported';
}

export async function installNodeDependencies(taskDir: string, repoDir: string, cacheDir: string, runner: CommandRunner, opts: InstallOptions = {}): Promise<InstallResult> {
  if (!needsNodeDependencies(repoDir)) return { installed: false, note: 'no dependencies' };
  const depsDir = join(taskDir, 'deps');
  mkdirSync(depsDir, { recursive: true });
  let lock = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => existsSync(join(repoDir, f)));
  if (opts.devDependencies === 'imported') {
    const pkg = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    const used = importedPackages(repoDir);
    const dev = Object.fromEntries(Object.entries(pkg.devDependencies ?? {}).filter(([n]) => used.has(n) && !(n in (pkg.dependencies ?? {}))));
    writeFileSync(join(depsDir, 'package.json'), `${JSON.stringify({ name: 'sale-task-deps', private: true, dependencies: pkg.dependencies ?? {}, optionalDependencies: pkg.optionalDependencies ?? {}, devDependencies: dev }, null, 2)}\n`);
    lock = undefined;
  } else {
    for (const f of ['package.json', ...(lock ? [lock] : [])]) {
      await runner.run(`cp ${JSON.stringify(join(repoDir, f))} ${JSON.stringify(join(depsDir, f))}`, { cwd: depsDir, timeoutMs: 10_000 });
    }
  }
  const cache = JSON.stringify(resolve(cacheDir));
  const flags = `--cache ${cache} --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error`;
  const cmd = lock ? `npm ci ${flags}` : `npm install ${flags} --no-package-lock`;
  const res = await runner.run(cmd, { cwd: depsDir, timeoutMs: 10 * 60_000 });
  if (!commandPassed(res)) return { installed: false, note: `${cmd} failed (exit ${res.exitCode ?? 'none'}): ${res.output.slice(-400)}` };
  // Absolute, so a copy of repo/ (the bench works on copies) still finds the installed tree.
  symlinkSync(resolve(depsDir, 'node_modules'), join(repoDir, 'node_modules'));
  return { installed: true };
}
