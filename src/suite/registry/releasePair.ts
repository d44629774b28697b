import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../../core/ports/commandRunner';
import { type MineOutcome, mineCommit, qualifyCommit } from '../mineCommit';
import { taskBody } from '../minedTaskText';
import { type ManifestPackage, expandTestCommand } from './manifest';
import { buildReleaseHistory, changelogText } from './releaseRepo';
import { type TarballCache, unpackTarball } from './tarballs';

/**
 * One pair of consecutive releases → one suite task, mined like a commit (releaseRepo.ts builds the history,
 * mineCommit checks fail-before / pass-after and installs the dependencies the tests import).
 */
export interface ReleasePairOptions {
  pkg: Pick<ManifestPackage, 'name' | 'testCommand' | 'testEntry'> & { generated?: string[] };
  from: string;
  to: string;
  tarballs: TarballCache;
  outDir: string;
  runner: CommandRunner;
  installRunner?: CommandRunner;
  npmCacheDir: string;
  testTimeoutMs?: number;
}

export type PairOutcome = MineOutcome & { tests?: string[]; solution?: string[] };

export const pairId = (name: string, from: string, to: string) => `${name.replace(/^@/, '').replace(/\//g, '-').toLowerCase()}-${from}-${to}`;

export async function mineReleasePair(o: ReleasePairOptions): Promise<PairOutcome> {
  const id = pairId(o.pkg.name, o.from, o.to);
  if (existsSync(join(o.outDir, id, 'task.json'))) return { sha: '', status: 'exists', id };
  const [a, b] = [await o.tarballs.get(o.pkg.name, o.from), await o.tarballs.get(o.pkg.name, o.to)];
  const tmp = mkdtempSync(join(tmpdir(), 'sale-release-pair-'));
  try {
    unpackTarball(a, join(tmp, 'from'));
    unpackTarball(b, join(tmp, 'to'));
    const { repo, head } = buildReleaseHistory(join(tmp, 'git'), join(tmp, 'from'), join(tmp, 'to'), { name: o.pkg.name, from: o.from, to: o.to }, o.pkg.generated ?? []);
    const q = qualifyCommit(repo, head);
    if ('reason' in q) return { sha: head, status: 'skipped', reason: q.reason };
    const tests = q.tests.filter((f) => f.status !== 'D').map((f) => f.path).sort();
    const solution = q.others.map((f) => f.path).sort();
    const text = changelogText(join(tmp, 'to'), o.pkg.name, o.to);
    const subject = text?.subject ?? `${o.pkg.name}: the changes of release ${o.to}`;
    const outcome = await mineCommit(head, {
      repo,
      outDir: o.outDir,
      runner: o.runner,
      installRunner: o.installRunner,
      cacheDir: o.npmCacheDir,
      family: o.pkg.name,
      testTimeoutMs: o.testTimeoutMs,
      testCommand: (changed) => expandTestCommand(o.pkg, changed),
      devDependencies: 'imported',
      naming: { id, title: `${subject.slice(0, 110)} (${o.to})`, body: taskBody(subject, text?.body ?? '', tests), origin: { repo: o.pkg.name, package: o.pkg.name, from: o.from, to: o.to } },
    });
    return { ...outcome, tests, solution };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
