import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The test command of a mined task, detected from the repository the way a developer would find it, and
 * narrowed to the changed test files when the runner takes file arguments (so a task is decided by its own
 * tests, and runs fast). Returns undefined when no runner is recognised.
 */
export interface DetectedTests {
  command: string;
  runner: 'node-test' | 'mocha' | 'jest' | 'vitest' | 'tape' | 'ava' | 'npm' | 'pytest' | 'go';
  /** True when the command names the changed tests rather than the whole suite. */
  narrowed: boolean;
}

const q = (p: string) => (/^[\w./@+-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The flags of a runner's command line without its test paths, or undefined when that cannot be told apart
 * (a flag may take a value: `--require x` keeps `x`, so only `--flag=value` and bare known switches are kept).
 */
function runnerFlags(args: string[]): string[] | undefined {
  const kept: string[] = [];
  for (const a of args) {
    if (/^--?[\w-]+=/.test(a) || /^--(recursive|exit|bail|parallel|full-trace|check-leaks|no-timeouts|color|no-color)$/.test(a)) kept.push(a);
    else if (/test|spec|\*/.test(a) && !a.startsWith('-')) continue;
    else return undefined;
  }
  return kept;
}

export function detectTestCommand(repoDir: string, changedTests: string[]): DetectedTests | undefined {
  const pkg = readJson(join(repoDir, 'package.json'));
  const js = changedTests.filter((p) => /\.[cm]?[jt]sx?$/.test(p));
  const py = changedTests.filter((p) => p.endsWith('.py'));
  const go = changedTests.filter((p) => p.endsWith('_test.go'));
  if (pkg) {
    const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
    const test = typeof scripts.test === 'string' ? scripts.test : '';
    if (test && !/no test specified/.test(test)) {
      const files = js.map(q).join(' ');
      // Narrow only when the script is the bare runner (flags of its own would be lost otherwise).
      const bare = (re: RegExp) => re.test(test.trim());
      if (js.length && bare(/^node --test( [^&|;]*)?$/) && !/--(require|import|loader)/.test(test)) return { command: `node --test ${files}`, runner: 'node-test', narrowed: true };
      const mochaFlags = bare(/^mocha( |$)/) && !/[&|;]/.test(test) ? runnerFlags(test.trim().split(/\s+/).slice(1)) : undefined;
      if (js.length && mochaFlags) return { command: ['node_modules/.bin/mocha', ...mochaFlags, files].filter(Boolean).join(' '), runner: 'mocha', narrowed: true };
      if (js.length && bare(/^jest( |$)/) && !/[&|;]/.test(test)) return { command: `node_modules/.bin/jest ${files}`, runner: 'jest', narrowed: true };
      if (js.length && bare(/^vitest( run)?( |$)/) && !/[&|;]/.test(test)) return { command: `node_modules/.bin/vitest run ${files}`, runner: 'vitest', narrowed: true };
      if (js.length && bare(/^(tape|tap) /) && !/[&|;]/.test(test)) return { command: `node_modules/.bin/${test.trim().split(' ')[0]} ${files}`, runner: 'tape', narrowed: true };
      if (js.length && bare(/^ava( |$)/) && !/[&|;]/.test(test)) return { command: `node_modules/.bin/ava ${files}`, runner: 'ava', narrowed: true };
      return { command: 'npm test --silent', runner: 'npm', narrowed: false };
    }
    if (js.length) return { command: `node --test ${js.map(q).join(' ')}`, runner: 'node-test', narrowed: true };
  }
  const pyProject = ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'setup.py'].some((f) => existsSync(join(repoDir, f)));
  if (py.length && (pyProject || py.some((p) => /(^|\/)test_[^/]+\.py$|_test\.py$/.test(p)))) {
    return { command: `python3 -m pytest -q ${py.filter((p) => !p.endsWith('conftest.py')).map(q).join(' ')}`.trim(), runner: 'pytest', narrowed: true };
  }
  if (go.length && existsSync(join(repoDir, 'go.mod'))) {
    const pkgs = [...new Set(go.map((p) => `./${p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.'}`))];
    return { command: `go test ${pkgs.map(q).join(' ')}`, runner: 'go', narrowed: true };
  }
  if (js.length && !pkg) return { command: `node --test ${js.map(q).join(' ')}`, runner: 'node-test', narrowed: true };
  return undefined;
}
