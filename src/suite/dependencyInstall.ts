import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

export async function installNodeDependencies(taskDir: string, repoDir: string, cacheDir: string, runner: CommandRunner): Promise<InstallResult> {
  if (!needsNodeDependencies(repoDir)) return { installed: false, note: 'no dependencies' };
  const depsDir = join(taskDir, 'deps');
  mkdirSync(depsDir, { recursive: true });
  const lock = ['package-lock.json', 'npm-shrinkwrap.json'].find((f) => existsSync(join(repoDir, f)));
  for (const f of ['package.json', ...(lock ? [lock] : [])]) {
    await runner.run(`cp ${JSON.stringify(join(repoDir, f))} ${JSON.stringify(join(depsDir, f))}`, { cwd: depsDir, timeoutMs: 10_000 });
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
