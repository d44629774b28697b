import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import * as path from 'node:path';

/**
 * The one home of the write-ahead journal on disk: `$XDG_STATE_HOME/sale/journal/<repo-key>/` (POSIX; default
 * `~/.local/state`), `%LOCALAPPDATA%\sale\journal\<repo-key>\` on Windows. Outside every repository, so a
 * journal never shows up as an untracked file, and a command run in the repository cannot reach it (the sandbox
 * mounts only the repository writable). `<repo-key>` is the repository folder's name plus a hash of its real path.
 */
export function journalHome(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'sale', 'journal');
  const state = env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
  return path.join(state, 'sale', 'journal');
}

/** The journal folder of one repository (its runs are sub-folders). `realRoot` must be symlink-resolved. */
export function repoJournalDir(realRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = `${path.basename(realRoot).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40)}-${createHash('sha256').update(realRoot).digest('hex').slice(0, 16)}`;
  return path.join(journalHome(env), key);
}
