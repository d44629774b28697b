import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../gitCommits';

/**
 * Two consecutive releases as a tiny git history, so a release pair is mined exactly like a commit (mineCommit):
 *   1. release `from` as published;
 *   2. the same with `to`'s metadata (package.json, root dotfiles, lint configs: dependencies, scripts and tool
 *      settings, not the change to make);
 *   3. release `to` as published, except its build output (`generated`, e.g. dist/), which stays as in `from`:
 *      a bundle rebuilt from the new source would be a second copy of the solution and no task for an agent.
 * Mining commit 3 gives repo/ = `from` + `to`'s metadata + `to`'s test changes, solution/ = `to`'s other changes.
 * Author, committer and dates are fixed, so the hashes are the same on every machine.
 */
const METADATA = /^(package\.json|\.[^/]+|eslint\.config\.[cm]?js|tsconfig[^/]*\.json)$/;
const ENV = {
  GIT_AUTHOR_NAME: 'sale-suite',
  GIT_AUTHOR_EMAIL: 'sale-suite@invalid',
  GIT_COMMITTER_NAME: 'sale-suite',
  GIT_COMMITTER_EMAIL: 'sale-suite@invalid',
  GIT_AUTHOR_DATE: '2000-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2000-01-01T00:00:00Z',
};

function commitTree(repo: string, message: string): string {
  execFileSync('git', ['-C', repo, 'add', '-A', '-f', '.'], { stdio: 'pipe' });
  execFileSync('git', ['-C', repo, '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '--no-verify', '-m', message], { stdio: 'pipe', env: { ...process.env, ...ENV } });
  return git(repo, ['rev-parse', 'HEAD']).toString('utf8').trim();
}

function replaceTree(repo: string, from: string): void {
  for (const name of readdirSync(repo)) if (name !== '.git') rmSync(join(repo, name), { recursive: true, force: true });
  for (const name of readdirSync(from)) if (name !== '.git') cpSync(join(from, name), join(repo, name), { recursive: true, verbatimSymlinks: true });
}

export interface ReleaseHistory {
  repo: string;
  /** The commit that turns release `from` into release `to` (the one to mine). */
  head: string;
}

/** Builds the history in `repo` (an empty folder) from two unpacked releases. */
export function buildReleaseHistory(repo: string, fromDir: string, toDir: string, label: { name: string; from: string; to: string }, generated: string[] = []): ReleaseHistory {
  execFileSync('git', ['init', '-q', repo], { stdio: 'pipe' });
  replaceTree(repo, fromDir);
  commitTree(repo, `${label.name} ${label.from}`);
  for (const name of new Set([...readdirSync(fromDir), ...readdirSync(toDir)])) {
    if (name === '.git' || !METADATA.test(name)) continue;
    rmSync(join(repo, name), { recursive: true, force: true });
    if (existsSync(join(toDir, name))) cpSync(join(toDir, name), join(repo, name), { recursive: true, verbatimSymlinks: true });
  }
  commitTree(repo, `${label.name} ${label.from} with the metadata of ${label.to}`);
  replaceTree(repo, toDir);
  for (const g of generated) {
    const rel = g.replace(/\/+$/, '');
    if (!rel || rel.split('/').includes('..')) continue;
    rmSync(join(repo, rel), { recursive: true, force: true });
    if (existsSync(join(fromDir, rel))) cpSync(join(fromDir, rel), join(repo, rel), { recursive: true, verbatimSymlinks: true });
  }
  return { repo, head: commitTree(repo, `${label.name} ${label.to}`) };
}

const CHANGELOG = /^(CHANGELOG|CHANGES|HISTORY)(\.md)?$/i;
/** Changelog entries about the project's own upkeep, not a behaviour a user asks for. */
const UPKEEP = /^\[(Dev Deps|Deps|meta|actions|Tests|readme|docs|eslint|lint|types|Robustness|Refactor)\]/i;

const plain = (s: string) =>
  s
    .replace(/\[`?[0-9a-f]{7,40}`?\]\([^)]*\)/g, '')
    .replace(/\[`?#\d+`?\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The title and body of a release pair from the `to` release's changelog section, as a user would state the
 * change; undefined when the release has no changelog entry for that version.
 */
export function changelogText(toDir: string, name: string, version: string): { subject: string; body: string } | undefined {
  const file = readdirSync(toDir).find((f) => CHANGELOG.test(f));
  if (!file) return undefined;
  const lines = readFileSync(join(toDir, file), 'utf8').split('\n');
  const esc = version.replace(/\./g, '\\.');
  const start = lines.findIndex((l) => new RegExp(`^#+ .*\\bv?${esc}\\b`).test(l) || new RegExp(`^v?${esc}\\b`).test(l));
  if (start < 0) return undefined;
  const level = /^(#+)/.exec(lines[start])?.[1].length ?? 0;
  const section: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const h = /^(#+) /.exec(l);
    if (h && h[1].length <= Math.max(level, 1)) break;
    if (level === 0 && /^v?\d+\.\d+\.\d+\b/.test(l)) break;
    section.push(l);
  }
  const items = [...new Set(section.map((l) => /^\s*[-*] (.*)$/.exec(l)?.[1]).filter((x): x is string => !!x).map(plain).filter(Boolean))];
  const wanted = items.filter((i) => !UPKEEP.test(i));
  const chosen = wanted.length ? wanted : items;
  if (!chosen.length) return undefined;
  const lead = chosen.find((i) => /^\[(Fix|New|Breaking|Enhancement|Feature)\]/i.test(i)) ?? chosen[0];
  const subject = `${name}: ${lead.replace(/^\[[^\]]+\]\s*/, '')}`;
  const body = `Changes wanted in ${name} (release ${version}):\n${chosen.slice(0, 8).map((i) => `- ${i}`).join('\n')}`;
  return { subject, body };
}
