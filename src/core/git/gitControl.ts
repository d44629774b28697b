import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * The two places in a repository's git folder that run code or change how git behaves for the user:
 * `hooks/` (scripts git runs, e.g. pre-commit inside SALE's own --branch commit) and `config` (aliases,
 * `core.hooksPath`, `core.fsmonitor`, filters). A command the agent causes must never change them; the journal
 * records their state before the first change and puts it back after every command and on recovery.
 *
 * Found without running git: the nearest `.git` at or above the root, a folder or a `gitdir:` file (worktrees,
 * submodules), then its `commondir` (linked worktrees keep hooks and config in the main git folder).
 */
export interface GitControlPaths {
  config: string;
  hooks: string;
}

export async function findGitControl(root: string): Promise<GitControlPaths | undefined> {
  let dir = path.resolve(root);
  for (;;) {
    const dotGit = path.join(dir, '.git');
    const st = await fsp.lstat(dotGit).catch(() => undefined);
    if (st) {
      let gitDir = dotGit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(await fsp.readFile(dotGit, 'utf8').catch(() => ''));
        if (!m) return undefined;
        gitDir = path.resolve(dir, m[1]);
      }
      const common = (await fsp.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
      const commonDir = common ? path.resolve(gitDir, common) : gitDir;
      return { config: path.join(commonDir, 'config'), hooks: path.join(commonDir, 'hooks') };
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** One file's state: bytes + mode, a symlink target, or absent. Serialisable (base64) for the journal. */
export type ControlFile = { kind: 'file'; b64: string; mode: number } | { kind: 'link'; target: string } | { kind: 'absent' };

export interface GitControlState {
  paths: GitControlPaths;
  config: ControlFile;
  /** Hook file name → state; only entries that exist. */
  hooks: Record<string, ControlFile>;
  /** Whether the hooks folder existed. */
  hooksDir: boolean;
}

async function readControlFile(abs: string): Promise<ControlFile> {
  const st = await fsp.lstat(abs).catch(() => undefined);
  if (!st) return { kind: 'absent' };
  if (st.isSymbolicLink()) return { kind: 'link', target: await fsp.readlink(abs) };
  if (!st.isFile()) return { kind: 'link', target: '' }; // a folder or device: compared by kind only
  return { kind: 'file', b64: (await fsp.readFile(abs)).toString('base64'), mode: st.mode & 0o7777 };
}

export async function captureGitControl(paths: GitControlPaths): Promise<GitControlState> {
  const hooks: Record<string, ControlFile> = {};
  const names = await fsp.readdir(paths.hooks).catch(() => undefined);
  for (const n of (names ?? []).sort()) hooks[n] = await readControlFile(path.join(paths.hooks, n));
  return { paths, config: await readControlFile(paths.config), hooks, hooksDir: names !== undefined };
}

function same(a: ControlFile, b: ControlFile): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Names (".git/config", ".git/hooks/NAME") whose state differs from `before`. */
export async function gitControlChanges(before: GitControlState): Promise<string[]> {
  const now = await captureGitControl(before.paths);
  const out: string[] = [];
  if (!same(before.config, now.config)) out.push('.git/config');
  for (const n of new Set([...Object.keys(before.hooks), ...Object.keys(now.hooks)])) {
    if (!same(before.hooks[n] ?? { kind: 'absent' }, now.hooks[n] ?? { kind: 'absent' })) out.push(`.git/hooks/${n}`);
  }
  return out.sort();
}

/** Puts config and hooks back to `before`; returns what it changed (same names as gitControlChanges). */
export async function restoreGitControl(before: GitControlState): Promise<{ restored: string[]; errors: string[] }> {
  const changed = await gitControlChanges(before);
  const restored: string[] = [];
  const errors: string[] = [];
  for (const name of changed) {
    const abs = name === '.git/config' ? before.paths.config : path.join(before.paths.hooks, name.slice('.git/hooks/'.length));
    const want = name === '.git/config' ? before.config : before.hooks[name.slice('.git/hooks/'.length)] ?? { kind: 'absent' as const };
    try {
      await fsp.rm(abs, { recursive: true, force: true });
      if (want.kind === 'file') {
        await fsp.mkdir(path.dirname(abs), { recursive: true });
        await fsp.writeFile(abs, Buffer.from(want.b64, 'base64'), { mode: want.mode });
        await fsp.chmod(abs, want.mode);
      } else if (want.kind === 'link' && want.target) {
        await fsp.symlink(want.target, abs);
      }
      restored.push(name);
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (!before.hooksDir) await fsp.rmdir(before.paths.hooks).catch(() => undefined);
  return { restored, errors };
}
