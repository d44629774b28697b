/**
 * Temporary folders and repositories for tests that run real files, git and test runners: make and remove a temp
 * folder, write a tree into it, snapshot it byte for byte, and NODE_REPO (the repository of builders' `task()`).
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function makeTempDir(prefix = 'sale-exec-'): Promise<string> {
  return fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), prefix)));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

/** Writes files (relative path → content) under root, creating folders. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await fsp.writeFile(abs, content);
  }
}

/**
 * Every entry under root (files: sha256 + mode; folders; symlinks: target), skipping `skip` folder names.
 * Used to assert "not one byte changed".
 */
export async function treeSnapshot(root: string, skip: string[] = []): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (dir: string) => {
    for (const name of (await fsp.readdir(dir)).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const st = await fsp.lstat(abs);
      if (st.isSymbolicLink()) out[rel] = `link:${await fsp.readlink(abs)}`;
      else if (st.isDirectory()) {
        if (skip.includes(name)) continue;
        out[`${rel}/`] = `dir:${(st.mode & 0o7777).toString(8)}`;
        await visit(abs);
      } else {
        const h = createHash('sha256').update(await fsp.readFile(abs)).digest('hex');
        out[rel] = `file:${(st.mode & 0o7777).toString(8)}:${h}`;
      }
    }
  };
  await visit(root);
  return out;
}

/** A tiny node repo whose `node --test` fails until src/add.js returns a + b. */
export const NODE_REPO: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/add.js': 'function add(a, b) {\n  return a - b;\n}\nmodule.exports = { add };\n',
  'test/add.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add');\n" +
    "test('adds', () => { assert.strictEqual(add(2, 3), 5); });\n",
};
