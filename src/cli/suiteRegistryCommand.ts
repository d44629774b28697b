import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { SaleError } from '../core/errors';
import { loadSuite } from '../core/suite';
import { dependencyInstallRunner } from '../suite/dependencyInstall';
import { discoverPackage } from '../suite/registry/discover';
import { type Manifest, loadManifest } from '../suite/registry/manifest';
import { materialiseSuite, verifyTask } from '../suite/registry/materialise';
import { saleCacheDir, tarballCache } from '../suite/registry/tarballs';
import { bold, dim, yellow } from './bidTable';
import { packageRoot } from './resources';

export const defaultManifestPath = () => join(packageRoot(), 'bench', 'real-history', 'manifest.json');
export const defaultMaterialisedDir = (m: Manifest) => join(saleCacheDir(), 'suites', m.name);

export const SUITE_REGISTRY_USAGE = `sale suite materialise [--manifest FILE] [--out DIR] [--quick] [--only ID,…]
  Builds the real-history suite from its manifest (default bench/real-history/manifest.json): release tarballs
  from the npm registry, each pair of releases mined like a commit. Tarballs, the npm cache and the tasks are
  kept in ${'$'}SALE_CACHE_DIR (default ~/.cache/sale); a task already there is reused (offline runs work then).
  Prints the suite folder, for \`sale bench --suite\`.
sale suite verify [--manifest FILE] [--out DIR] [--quick] [--only ID,…]
  Materialises, then checks every task: licence kept and permissive, tests fail before and pass after.
sale suite discover --package NAME --test-command 'CMD {tests}' --test-entry REGEX --why TEXT [--generated dist/,…] [--versions V1,V2,… | --last N] [--out DIR] [--json FILE]
  Tries consecutive release pairs of a package and writes manifest entries (tasks, and skipped pairs with why).`;

function common(rest: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  return parseArgs({
    args: rest,
    options: { manifest: { type: 'string' }, out: { type: 'string' }, quick: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...extra },
  }).values as Record<string, string | boolean | undefined>;
}

function setup(values: Record<string, string | boolean | undefined>) {
  const manifest = loadManifest(resolve(String(values.manifest ?? defaultManifestPath())));
  const outDir = resolve(String(values.out ?? defaultMaterialisedDir(manifest)));
  const only = values.only ? String(values.only).split(',').filter(Boolean) : values.quick ? manifest.quick : undefined;
  return { manifest, outDir, only, tarballs: tarballCache(join(saleCacheDir(), 'tarballs')), npmCacheDir: join(saleCacheDir(), 'npm'), runner: new ChildProcessCommandRunner(), installRunner: dependencyInstallRunner() };
}

async function materialise(values: Record<string, string | boolean | undefined>) {
  const s = setup(values);
  const results = await materialiseSuite({
    ...s,
    onTask: (t, status, detail) => process.stderr.write(`${status === 'failed' ? yellow(status) : dim(status.padEnd(12))} ${t.id}${detail ? `: ${detail}` : ''}\n`),
  });
  return { ...s, results };
}

export async function runSuiteRegistryCommand(sub: string, rest: string[]): Promise<number> {
  if (sub === 'discover') return discover(rest);
  const values = common(rest);
  if (values.help) {
    process.stdout.write(`${SUITE_REGISTRY_USAGE}\n`);
    return 0;
  }
  const m = await materialise(values);
  const failed = m.results.filter((r) => r.status === 'failed');
  if (sub === 'materialise') {
    if (!failed.length) loadSuite(m.outDir); // the same validator the bench uses
    process.stderr.write(`${m.results.length - failed.length} of ${m.results.length} task(s) ready (${m.tarballs.fetched} tarball(s) downloaded).\n`);
    process.stdout.write(`${m.outDir}\n`);
    return failed.length ? 1 : 0;
  }
  const rows = [];
  for (const r of m.results) {
    const pkg = m.manifest.packages.find((p) => p.name === r.task.package)!;
    const v = await verifyTask(r.task, pkg.licenceFile, join(m.outDir, r.task.id), m.runner);
    rows.push(r.status === 'failed' ? { ...v, detail: r.detail } : v);
  }
  const w = Math.max(4, ...rows.map((r) => r.id.length));
  process.stdout.write(`\n${bold(`${'task'.padEnd(w)}  before  after  ok    s`)}\n`);
  for (const r of rows) process.stdout.write(`${r.id.padEnd(w)}  ${r.before.padEnd(6)}  ${r.after.padEnd(5)}  ${(r.ok ? 'yes' : yellow('NO')).padEnd(r.ok ? 4 : 13)}  ${(r.ms / 1000).toFixed(1)}${r.detail ? `  ${dim(r.detail.slice(0, 200))}` : ''}\n`);
  const ok = rows.filter((r) => r.ok).length;
  const pkgs = new Set(rows.map((r) => r.package)).size;
  process.stdout.write(`\n${ok} of ${rows.length} task(s) from ${pkgs} package(s) fail before and pass after. Suite folder: ${m.outDir}\n`);
  return ok === rows.length ? 0 : 1;
}

async function discover(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: { package: { type: 'string' }, 'test-command': { type: 'string' }, 'test-entry': { type: 'string' }, why: { type: 'string' }, generated: { type: 'string' }, versions: { type: 'string' }, last: { type: 'string' }, out: { type: 'string' }, json: { type: 'string' } },
  });
  if (!values.package || !values['test-command'] || !values['test-entry'] || !values.why) throw new SaleError(`--package, --test-command, --test-entry and --why are required.\n\n${SUITE_REGISTRY_USAGE}`, 'usage');
  const outDir = resolve(values.out ?? join(saleCacheDir(), 'suites', 'discover'));
  const found = await discoverPackage({
    pkg: { name: values.package, testCommand: values['test-command'], testEntry: values['test-entry'], why: values.why, generated: values.generated ? values.generated.split(',').filter(Boolean) : [] },
    last: values.last ? Number(values.last) : undefined,
    ...(values.versions ? { versions: values.versions.split(',').filter(Boolean) } : {}),
    tarballs: tarballCache(join(saleCacheDir(), 'tarballs')),
    outDir,
    runner: new ChildProcessCommandRunner(),
    installRunner: dependencyInstallRunner(),
    npmCacheDir: join(saleCacheDir(), 'npm'),
    onPair: (from, to, o) => process.stderr.write(`${from} → ${to}: ${o.status === 'skipped' ? yellow(`skipped: ${o.reason.slice(0, 240)}`) : bold(o.status)}\n`),
  });
  const json = `${JSON.stringify(found, null, 2)}\n`;
  if (values.json) writeFileSync(resolve(values.json), json);
  else process.stdout.write(json);
  process.stderr.write(`${found.tasks.length} task(s), ${found.skipped.length} pair(s) skipped; tasks in ${outDir}\n`);
  return 0;
}
