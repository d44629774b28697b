import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * Default CLI memory file: one per repository, kept in the user's state folder rather than inside the repo,
 * so SALE never leaves untracked files in a working tree it was pointed at.
 */
export function defaultMemoryPath(repoDir: string): string {
  const abs = resolve(repoDir);
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  const key = `${basename(abs).replace(/[^A-Za-z0-9._-]/g, '_')}-${createHash('sha256').update(abs).digest('hex').slice(0, 10)}`;
  return join(state, 'sale', 'memory', `${key}.jsonl`);
}
