import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';

/**
 * The walls around every command the agent causes (test runs, approved commands, the preflight).
 *
 * Linux with bubblewrap (`bwrap`, Debian package `bubblewrap`): the whole file system is mounted read-only, the
 * repository folder read-write; the home folder, /root, /tmp, /var/tmp and /run are empty tmpfs (nothing of the
 * user's is visible, scratch space works); the repository's `.git` is read-only and its `hooks` hidden; `/etc/passwd`
 * is replaced by a two-line file; no network (unless allowed), new PID/IPC/UTS/user namespaces, a new session (no
 * typing into the user's terminal), killed with its parent. PATH entries and the Node installation under the home
 * folder are mounted back read-only, so `node`/`npm` from nvm keep working; for a version manager's `shims` entry,
 * its whole folder (pyenv's `python3` shim runs `~/.pyenv/libexec/pyenv`).
 *
 * Elsewhere (macOS, Windows, Linux without bwrap or where its probe fails, or SALE_SANDBOX=off) commands run
 * unsandboxed; callers say so once. In every case the environment is scrubbed of secrets (secretEnv.ts).
 */
export type SandboxInfo = { kind: 'bwrap'; bwrap: string } | { kind: 'none'; reason: string };

let cached: SandboxInfo | undefined;

/** Finds and probes the platform's sandbox once per process. `SALE_SANDBOX=off` forces "none" (tests use it). */
export function detectSandbox(env: NodeJS.ProcessEnv = process.env): SandboxInfo {
  if (env.SALE_SANDBOX === 'off') return { kind: 'none', reason: 'switched off (SALE_SANDBOX=off)' };
  if (cached) return cached;
  cached = probe(env);
  return cached;
}

function probe(env: NodeJS.ProcessEnv): SandboxInfo {
  if (process.platform !== 'linux') return { kind: 'none', reason: `no sandbox is available on ${process.platform}` };
  const bwrap = (env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'bwrap')).find((p) => existsSync(p));
  if (!bwrap) return { kind: 'none', reason: 'bubblewrap (bwrap) is not installed; on Debian/Ubuntu: sudo apt-get install bubblewrap' };
  const r = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--die-with-parent', '--', '/bin/sh', '-c', 'exit 0'], { timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    const why = (r.stderr?.toString() || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    return { kind: 'none', reason: `bubblewrap is installed but cannot create a sandbox here (${why})` };
  }
  return { kind: 'bwrap', bwrap };
}

export interface SandboxSpawn {
  file: string;
  args: string[];
  /** True when the command really runs in a sandbox. */
  sandboxed: boolean;
}

/** How to spawn `command` (a shell command line) in `cwd` under the sandbox, or plainly through the shell. */
export function sandboxedSpawn(info: SandboxInfo, command: string, cwd: string, opts: { allowNetwork?: boolean; home?: string } = {}): SandboxSpawn {
  const shell = process.platform === 'win32' ? (process.env.ComSpec ?? 'cmd.exe') : '/bin/sh';
  if (info.kind === 'none') {
    return process.platform === 'win32'
      ? { file: shell, args: ['/d', '/s', '/c', `"${command}"`], sandboxed: false }
      : { file: shell, args: ['-c', command], sandboxed: false };
  }
  return { file: info.bwrap, args: [...bwrapArgs(cwd, opts), '--', '/bin/sh', '-c', command], sandboxed: true };
}

export function bwrapArgs(cwd: string, opts: { allowNetwork?: boolean; home?: string } = {}): string[] {
  const root = realpathSync(cwd);
  const home = opts.home ?? homedir();
  const a = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  for (const d of new Set(['/tmp', '/var/tmp', '/run', '/root', home])) {
    if (d && isDir(d) && !isInside(d, '/proc') && !isInside(d, '/dev')) a.push('--tmpfs', d);
  }
  // Tools installed under the (now hidden) home folder: the PATH entries and Node's own prefix, read-only. A `shims`
  // entry (pyenv, rbenv, nodenv, asdf) only dispatches into its version manager's folder, its parent: that comes back
  // whole, or `python3` there fails with "…/libexec/pyenv: No such file or directory". Other entries come back alone
  // (~/.cargo/bin, not ~/.cargo with its credentials).
  const back = new Set<string>();
  for (const p of (process.env.PATH ?? '').split(path.delimiter)) {
    if (p && isInside(p, home) && isDir(p)) back.add(path.basename(p) === 'shims' && path.dirname(p) !== home ? path.dirname(p) : p);
  }
  const nodePrefix = path.dirname(path.dirname(process.execPath));
  if (isInside(nodePrefix, home)) back.add(nodePrefix);
  for (const p of back) if (!isInside(root, p) && !isInside(p, root)) a.push('--ro-bind', p, p);
  a.push('--bind', root, root);
  // Dependencies installed outside the repository and linked in as node_modules (a mined task's deps/): read-only.
  const deps = linkedDependencies(root);
  if (deps) a.push('--ro-bind', deps, deps);
  const dotGit = path.join(root, '.git');
  if (isDir(dotGit)) {
    a.push('--ro-bind', dotGit, dotGit);
    // Hidden (an empty folder) and read-only: nothing can be planted there, even for the sandbox's lifetime.
    if (isDir(path.join(dotGit, 'hooks'))) a.push('--tmpfs', path.join(dotGit, 'hooks'), '--remount-ro', path.join(dotGit, 'hooks'));
  }
  a.push('--ro-bind', minimalPasswd(), '/etc/passwd');
  a.push('--unshare-all');
  if (opts.allowNetwork) a.push('--share-net');
  a.push('--die-with-parent', '--new-session', '--chdir', root, '--setenv', 'HOME', home);
  return a;
}

/** The real folder of `root/node_modules` when it is a symlink to a folder outside `root`. */
function linkedDependencies(root: string): string | undefined {
  const link = path.join(root, 'node_modules');
  try {
    if (!lstatSync(link).isSymbolicLink()) return undefined;
    const real = realpathSync(link);
    return isDir(real) && !isInside(real, root) ? real : undefined;
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isInside(p: string, parent: string): boolean {
  const rel = path.relative(parent, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

let passwdFile: string | undefined;
/** A passwd with only root and the current user, so commands can resolve names but not list the machine's users. */
function minimalPasswd(): string {
  if (passwdFile && existsSync(passwdFile)) return passwdFile;
  const u = userInfo();
  const dir = path.join(tmpdir(), `sale-sandbox-${u.uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'passwd');
  const lines = ['root:x:0:0:root:/root:/bin/sh'];
  if (u.uid !== 0) lines.push(`${u.username}:x:${u.uid}:${u.gid}::${homedir()}:/bin/sh`);
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o644 });
  passwdFile = file;
  return file;
}

/** One line for the user, said once: whether commands run in a sandbox. */
export function sandboxNotice(info: SandboxInfo): string {
  return info.kind === 'bwrap'
    ? 'Commands the agent causes (tests included) run in a bubblewrap sandbox: only the repository is writable, no network, home folder and git hooks hidden.'
    : `No sandbox: ${info.reason}. Commands the agent causes (tests included) run with your user's rights; SALE still puts back every change they make in the repository and removes secrets from their environment.`;
}

/** POSIX single-quoting for a shell command line. */
function shQuote(s: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line to type into a terminal (the extension's visible "SALE" terminal) so that the command runs
 * like the child-process runner runs it: secrets unset (`env -u NAME …`, names from `env`, the terminal's
 * environment being the editor's) and, with a sandbox, inside bubblewrap. POSIX shells only; Windows gets the
 * command unchanged (no sandbox there, and its terminal has no `env -u`).
 */
export function sandboxedShellLine(info: SandboxInfo, command: string, cwd: string, secretNames: string[], opts: { allowNetwork?: boolean } = {}): string {
  if (process.platform === 'win32') return command;
  const unset = secretNames.flatMap((n) => ['-u', shQuote(n)]).join(' ');
  const envPrefix = unset ? `env ${unset} ` : '';
  if (info.kind === 'none') return secretNames.length ? `${envPrefix}/bin/sh -c ${shQuote(command)}` : command;
  return `${envPrefix}${[info.bwrap, ...bwrapArgs(cwd, opts), '--', '/bin/sh', '-c', command].map(shQuote).join(' ')}`;
}
