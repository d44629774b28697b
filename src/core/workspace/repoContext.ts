import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RepoContext } from '../auction/prompts';
import type { CodingTask } from '../task';
import { WorkspaceGate, walkWorkspace } from './workspaceGate';

/**
 * The compact view of a repository that bidders and the executing agent get: a capped file list, the test
 * command, and short excerpts of the files the task points at.
 */
export interface RepoContextOptions {
  /** Files listed before the "… N more files" line. */
  maxFiles?: number;
  /** Lines per focus-file excerpt. */
  excerptLines?: number;
  /** Characters per focus-file excerpt. */
  excerptChars?: number;
  /** At most this many focus files get an excerpt. */
  maxExcerpts?: number;
}

export async function buildRepoContext(root: string, task: Pick<CodingTask, 'testCommand' | 'focusFiles'>, opts: RepoContextOptions = {}): Promise<RepoContext> {
  const maxFiles = opts.maxFiles ?? 200;
  const gate = await WorkspaceGate.open(root);
  const walk = await walkWorkspace(gate.root, gate.root, { maxEntries: 20_000 });
  const all = walk.entries.filter((e) => e.kind === 'file').map((e) => e.rel);
  const files = all.slice(0, maxFiles);
  if (all.length > maxFiles || walk.more) {
    files.push(`… ${walk.more ? 'more than ' : ''}${all.length - maxFiles} more files`);
  }
  const testCommand = task.testCommand ?? (await detectTestCommand(gate.root));
  const excerpts: { path: string; text: string }[] = [];
  for (const f of (task.focusFiles ?? []).slice(0, opts.maxExcerpts ?? 4)) {
    try {
      const r = await gate.readText(f, { maxBytes: 64 * 1024 });
      excerpts.push({ path: r.rel, text: excerpt(r.text, opts.excerptLines ?? 60, opts.excerptChars ?? 4000) });
    } catch {
      // A focus file that is missing, binary or outside the workspace is simply not shown.
    }
  }
  return { files, ...(testCommand ? { testCommand } : {}), ...(excerpts.length ? { excerpts } : {}) };
}

function excerpt(text: string, maxLines: number, maxChars: number): string {
  const lines = text.split('\n');
  let out = lines.slice(0, maxLines).join('\n');
  let cut = lines.length > maxLines;
  if (out.length > maxChars) {
    out = out.slice(0, maxChars);
    cut = true;
  }
  return cut ? `${out}\n… (excerpt; ${lines.length} lines in all)` : out;
}

/** npm's placeholder test script, which always fails. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * Finds the command that runs a repository's tests, in this order:
 * package.json `scripts.test` (not npm's placeholder) → `npm test`; `*.test.js|mjs|cjs` (or `test/*.js`) under
 * test/ or tests/ → `node --test`; pytest configuration (pytest.ini, conftest.py, `[tool.pytest…]` in
 * pyproject.toml, `[tool:pytest]` in setup.cfg, tox.ini) → `python3 -m pytest`; `test_*.py` / `*_test.py` under
 * test/ or tests/ (or at the top) → `python3 -m unittest discover -s <dir>`; a Makefile `test:` target →
 * `make test`; Cargo.toml → `cargo test`; go.mod → `go test ./...`. Undefined when nothing fits.
 */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  const read = async (rel: string) => fsp.readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  const list = async (rel: string) => fsp.readdir(path.join(root, rel)).catch(() => [] as string[]);

  const pkgText = await read('package.json');
  if (pkgText) {
    try {
      const pkg = JSON.parse(pkgText) as { scripts?: Record<string, unknown> };
      const t = pkg.scripts?.test;
      if (typeof t === 'string' && t.trim() && !NPM_PLACEHOLDER.test(t)) return 'npm test';
    } catch {
      // unreadable package.json: fall through to other signals
    }
  }
  for (const dir of ['test', 'tests']) {
    const names = await list(dir);
    if (names.some((n) => /\.test\.(?:c|m)?js$/.test(n)) || (pkgText && names.some((n) => /\.(?:c|m)?js$/.test(n)))) return 'node --test';
  }

  const pyproject = await read('pyproject.toml');
  const setupCfg = await read('setup.cfg');
  if ((await read('pytest.ini')) !== undefined || (await read('conftest.py')) !== undefined ||
    /\[tool\.pytest/.test(pyproject ?? '') || /\[tool:pytest\]/.test(setupCfg ?? '') || /\[pytest\]/.test((await read('tox.ini')) ?? '')) {
    return 'python3 -m pytest';
  }
  for (const dir of ['tests', 'test']) {
    const names = await list(dir);
    if (names.some(isPyTestFile)) {
      if (names.includes('conftest.py')) return 'python3 -m pytest';
      return `python3 -m unittest discover -s ${dir}`;
    }
  }
  if ((await list('.')).some(isPyTestFile)) return 'python3 -m unittest discover -s .';

  for (const mk of ['Makefile', 'makefile', 'GNUmakefile']) {
    const text = await read(mk);
    if (text && /^test\s*:/m.test(text)) return 'make test';
  }
  if ((await read('Cargo.toml')) !== undefined) return 'cargo test';
  if ((await read('go.mod')) !== undefined) return 'go test ./...';
  return undefined;
}

function isPyTestFile(n: string): boolean {
  return /^test_.*\.py$/.test(n) || /_test\.py$/.test(n);
}
