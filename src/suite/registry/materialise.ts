import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRunner } from '../../core/ports/commandRunner';
import { SaleError } from '../../core/errors';
import { checkTask } from '../../core/suite';
import { classifyLicence } from '../repoFiles';
import type { Manifest, ManifestTask } from './manifest';
import { mineReleasePair } from './releasePair';
import type { TarballCache } from './tarballs';

/**
 * The manifest's tasks, made real in a suite folder (normally SALE's cache, outside the repository): release
 * tarballs from the registry (cached), each pair mined like a commit, its file lists checked against the
 * manifest. A task already in the folder is reused as it is, so once materialised the suite works offline.
 */
export interface MaterialiseOptions {
  manifest: Manifest;
  outDir: string;
  tarballs: TarballCache;
  runner: CommandRunner;
  installRunner?: CommandRunner;
  npmCacheDir: string;
  /** Only these task ids (default: all). */
  only?: string[];
  onTask?: (t: ManifestTask, status: 'cached' | 'materialised' | 'failed', detail?: string) => void;
}

export interface MaterialisedTask {
  task: ManifestTask;
  status: 'cached' | 'materialised' | 'failed';
  detail?: string;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export async function materialiseSuite(o: MaterialiseOptions): Promise<MaterialisedTask[]> {
  const out: MaterialisedTask[] = [];
  const wanted = o.only ? o.manifest.tasks.filter((t) => o.only!.includes(t.id)) : o.manifest.tasks;
  if (o.only) {
    const missing = o.only.filter((id) => !o.manifest.tasks.some((t) => t.id === id));
    if (missing.length) throw new SaleError(`Not in the manifest: ${missing.join(', ')}`, 'usage');
  }
  for (const t of wanted) {
    const pkg = o.manifest.packages.find((p) => p.name === t.package)!;
    const taskDir = join(o.outDir, t.id);
    let r: MaterialisedTask;
    if (existsSync(join(taskDir, 'task.json'))) r = { task: t, status: 'cached' };
    else {
      try {
        const m = await mineReleasePair({ pkg, from: t.from, to: t.to, tarballs: o.tarballs, outDir: o.outDir, runner: o.runner, installRunner: o.installRunner, npmCacheDir: o.npmCacheDir });
        if (m.status === 'skipped') r = { task: t, status: 'failed', detail: m.reason };
        else if (!sameList(m.tests ?? [], t.tests) || !sameList(m.solution ?? [], t.solution)) {
          rmSync(taskDir, { recursive: true, force: true });
          r = { task: t, status: 'failed', detail: `the release pair's files differ from the manifest (tests ${JSON.stringify(m.tests)}, solution ${JSON.stringify(m.solution)})` };
        } else r = { task: t, status: 'materialised' };
      } catch (e) {
        r = { task: t, status: 'failed', detail: (e as Error).message.split('\n')[0] };
      }
    }
    out.push(r);
    o.onTask?.(t, r.status, r.detail);
  }
  return out;
}

export interface VerifiedTask {
  id: string;
  package: string;
  before: 'fail' | 'pass' | 'missing';
  after: 'fail' | 'pass' | 'missing';
  ok: boolean;
  detail?: string;
  ms: number;
}

/**
 * Re-checks a materialised task: its licence file is there and permissive, its test command is the manifest's,
 * and its tests fail on repo/ and pass with solution/ applied (fresh copies, real runs).
 */
export async function verifyTask(t: ManifestTask, licenceFile: string, dir: string, runner: CommandRunner, timeoutMs = 5 * 60_000): Promise<VerifiedTask> {
  const t0 = Date.now();
  const base = { id: t.id, package: t.package };
  if (!existsSync(join(dir, 'task.json'))) return { ...base, before: 'missing', after: 'missing', ok: false, detail: 'not materialised', ms: 0 };
  const licence = join(dir, 'repo', licenceFile);
  const verdict = classifyLicence(existsSync(licence) ? readFileSync(licence, 'utf8') : undefined);
  if (!verdict.permissive) return { ...base, before: 'missing', after: 'missing', ok: false, detail: `licence: ${verdict.reason}`, ms: 0 };
  const command = (JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8')) as { testCommand?: string }).testCommand;
  if (command !== t.testCommand) return { ...base, before: 'missing', after: 'missing', ok: false, detail: `test command ${JSON.stringify(command)} is not the manifest's`, ms: 0 };
  const why = await checkTask(join(dir, 'repo'), join(dir, 'solution'), t.testCommand, runner, timeoutMs);
  const ms = Date.now() - t0;
  if (!why) return { ...base, before: 'fail', after: 'pass', ok: true, ms };
  const before = /already pass before/.test(why) ? 'pass' : 'fail';
  return { ...base, before, after: before === 'pass' ? 'missing' : 'fail', ok: false, detail: why, ms };
}
