import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../../core/ports/commandRunner';
import { isLicencePath } from '../repoFiles';
import type { ManifestPackage, ManifestTask } from './manifest';
import { type PairOutcome, mineReleasePair } from './releasePair';
import { type TarballCache, unpackTarball } from './tarballs';

/**
 * `sale suite discover`: tries consecutive release pairs of one package and returns manifest entries — the
 * tasks that check out and, for every other pair, the reason it was left out. A maintainer's tool: its output is
 * reviewed and merged into the committed MANIFEST by hand.
 */
export interface DiscoverOptions {
  pkg: Omit<ManifestPackage, 'lines' | 'licence' | 'licenceFile' | 'generated'> & { generated?: string[] };
  /** Releases to pair, oldest first; default: the registry's list (npm view), stable versions only. */
  versions?: string[];
  /** Only the last N pairs. */
  last?: number;
  tarballs: TarballCache;
  outDir: string;
  runner: CommandRunner;
  installRunner?: CommandRunner;
  npmCacheDir: string;
  onPair?: (from: string, to: string, o: PairOutcome) => void;
}

export interface Discovered {
  pkg: ManifestPackage;
  tasks: ManifestTask[];
  skipped: { package: string; from: string; to: string; reason: string }[];
}

export function registryVersions(name: string): string[] {
  const out = execFileSync('npm', ['view', name, 'versions', '--json', '--loglevel=error'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString('utf8');
  const v = JSON.parse(out) as string[] | string;
  return (Array.isArray(v) ? v : [v]).filter((x) => /^\d+\.\d+\.\d+$/.test(x));
}

function countLines(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isDirectory()) n += countLines(p);
    else if (/\.[cm]?js$/.test(e) && st.size < 2_000_000) n += readFileSync(p, 'utf8').split('\n').length;
  }
  return n;
}

export async function discoverPackage(o: DiscoverOptions): Promise<Discovered> {
  let versions = o.versions ?? registryVersions(o.pkg.name);
  if (o.last !== undefined) versions = versions.slice(-(o.last + 1));
  const tasks: ManifestTask[] = [];
  const skipped: Discovered['skipped'] = [];
  for (let i = 1; i < versions.length; i++) {
    const [from, to] = [versions[i - 1], versions[i]];
    let r: PairOutcome;
    try {
      r = await mineReleasePair({ pkg: o.pkg, from, to, tarballs: o.tarballs, outDir: o.outDir, runner: o.runner, installRunner: o.installRunner, npmCacheDir: o.npmCacheDir });
    } catch (e) {
      r = { sha: '', status: 'skipped', reason: `error: ${(e as Error).message.split('\n')[0]}` };
    }
    o.onPair?.(from, to, r);
    if (r.status === 'skipped') skipped.push({ package: o.pkg.name, from, to, reason: r.reason });
    else {
      const task = JSON.parse(readFileSync(join(o.outDir, r.id, 'task.json'), 'utf8')) as { testCommand: string };
      tasks.push({ id: r.id, package: o.pkg.name, from, to, tests: r.tests ?? [], solution: r.solution ?? [], testCommand: task.testCommand, expect: { before: 'fail', after: 'pass' } });
    }
  }
  // Size and licence from the newest release tried.
  const tmp = mkdtempSync(join(tmpdir(), 'sale-discover-'));
  try {
    unpackTarball(await o.tarballs.get(o.pkg.name, versions[versions.length - 1]), tmp);
    const licenceFile = readdirSync(tmp).find((f) => isLicencePath(f)) ?? 'LICENSE';
    const licence = String((JSON.parse(readFileSync(join(tmp, 'package.json'), 'utf8')) as { license?: unknown }).license ?? 'unknown');
    return { pkg: { ...o.pkg, generated: o.pkg.generated ?? [], licence, licenceFile, lines: countLines(tmp) }, tasks, skipped };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
