import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Tracked files whose bytes git already holds, so the command snapshot (workspace/treeSnapshot.ts) records a blob
 * id instead of copying them: a snapshot of a large repository then costs a walk and four git queries, not a copy
 * of every file. A file qualifies only when git itself guarantees its working bytes equal the blob in the index:
 *   - stage 0, a regular file, no assume-unchanged or skip-worktree bit (`ls-files -v` tag H);
 *   - not reported by `git diff-files` (git compares its stat cache and re-hashes racily clean files);
 *   - no `filter`, `ident` or `working-tree-encoding` attribute (conversions that could keep the size), and where
 *     an end-of-line conversion may apply (`text`/`eol` set, or core.autocrlf), the blob's size equals the file's
 *     (end-of-line conversion always changes the size when it changes bytes).
 * Anything else — dirty, untracked, ignored, converted, or a repository whose top level is not the root — is
 * copied as before. Reading back verifies the blob's id (sha1 or sha256 over git's "blob <len>\0" header and the
 * bytes), so a missing or altered object is an error, never wrong bytes.
 *
 * The index is trusted only as it was before the task's first command (`trustedIndex`, from gitIndexStamp): without
 * a sandbox a command could rewrite it so that a changed file looks clean and names the wrong blob. Once anything
 * rewrote it (the agent, or the user staging meanwhile), the rest of the task copies, as before.
 *
 * git runs with the fsmonitor hook off: the snapshot starts no program the repository's config names.
 */
const GIT_SAFE = ['-c', 'core.fsmonitor=false'];
const MAX_LIST_BYTES = 512 * 1024 * 1024;

function git(root: string, args: string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', [...GIT_SAFE, ...args], { cwd: root, encoding: 'buffer', maxBuffer: MAX_LIST_BYTES, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

const splitZ = (b: Buffer) => b.toString('utf8').split('\0').filter((s) => s.length > 0);

/** Identity of the repository's index file (inode, size, times), or undefined outside a git work tree. */
export async function gitIndexStamp(root: string): Promise<string | undefined> {
  try {
    const rel = (await git(root, ['rev-parse', '--git-path', 'index'])).toString('utf8').trim();
    const st = await fsp.stat(path.resolve(root, rel));
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Blob ids of the files in `sizes` (relative, '/'-separated → size now) whose bytes git holds exactly (see the
 * module comment). Empty when `root` is not the top of a git work tree, the index is not `trustedIndex` any more, or
 * git fails: the caller copies everything.
 */
export async function cleanTrackedBlobs(root: string, sizes: ReadonlyMap<string, number>, trustedIndex: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!sizes.size || !trustedIndex) return out;
  try {
    if ((await gitIndexStamp(root)) !== trustedIndex) return out;
    const top = (await git(root, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    if (path.resolve(top) !== path.resolve(root)) return out;
    const candidates = new Map<string, string>();
    for (const line of splitZ(await git(root, ['ls-files', '-s', '-v', '-z']))) {
      const m = /^H 100(644|755) ([0-9a-f]{40}|[0-9a-f]{64}) 0\t(.+)$/s.exec(line);
      if (m && sizes.has(m[3])) candidates.set(m[3], m[2]);
    }
    if (!candidates.size) return out;
    for (const rel of splitZ(await git(root, ['diff-files', '--name-only', '-z']))) candidates.delete(rel);
    // Attributes: path NUL attribute NUL value NUL, five per path. A filter, ident or working-tree-encoding excludes
    // the file; with an end-of-line conversion possible (text, eol, core.autocrlf) the blob's size must equal the
    // file's (a conversion that changes bytes changes the size). Sizes are asked only then: it reads object headers.
    const autocrlf = (await git(root, ['config', '--get', 'core.autocrlf']).catch(() => Buffer.from(''))).toString('utf8').trim().toLowerCase();
    const eolEverywhere = autocrlf === 'true' || autocrlf === 'input';
    const needSize = new Set<string>();
    const attrs = splitZ(await git(root, ['check-attr', '-z', '--stdin', 'filter', 'ident', 'working-tree-encoding', 'text', 'eol'], [...candidates.keys()].join('\0') + '\0'));
    for (let i = 0; i + 2 < attrs.length; i += 3) {
      const [rel, name, value] = [attrs[i], attrs[i + 1], attrs[i + 2]];
      if (value === 'unspecified' || value === 'unset') continue;
      if (name === 'text' || name === 'eol') needSize.add(rel);
      else candidates.delete(rel);
    }
    const sized = [...candidates.keys()].filter((rel) => eolEverywhere || needSize.has(rel));
    const sizeOf = new Map<string, number>();
    if (sized.length) {
      const ids = [...new Set(sized.map((rel) => candidates.get(rel)!))];
      for (const line of (await git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], ids.join('\n') + '\n')).toString('utf8').split('\n')) {
        const [id, type, size] = line.split(' ');
        if (type === 'blob') sizeOf.set(id, Number(size));
      }
    }
    const checkSize = new Set(sized);
    for (const [rel, id] of candidates) if (!checkSize.has(rel) || sizeOf.get(id) === sizes.get(rel)) out.set(rel, id);
  } catch {
    out.clear();
  }
  return out;
}

/** git's id of a blob with these bytes (sha1, or sha256 for a 64-digit id). */
export function gitBlobId(bytes: Buffer, idLength: number): string {
  return createHash(idLength === 64 ? 'sha256' : 'sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The bytes of blob `id` from the repository at `root`, checked against the id and the expected length. */
export async function readGitBlob(root: string, id: string, len: number): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await git(root, ['cat-file', 'blob', id]);
  } catch (e) {
    throw new Error(`git object ${id.slice(0, 12)} cannot be read from ${root} (${(e as Error).message.split('\n')[0]})`);
  }
  if (bytes.length !== len || gitBlobId(bytes, id.length) !== id) throw new Error(`git object ${id.slice(0, 12)} is damaged`);
  return bytes;
}
