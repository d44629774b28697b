import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { SaleError } from '../core/errors';
import { loadSuite } from '../core/suite';
import { dependencyInstallRunner } from '../suite/dependencyInstall';
import { mineRepo } from '../suite/mineRepo';
import { bold, dim, yellow } from './bidTable';

export const SUITE_MINE_USAGE = `sale suite mine --repo DIR (--commits A..B | SHA…) --out SUITE_DIR [--family NAME] [--npm-cache DIR]
  Turns commits that changed source and tests together into suite tasks (DESIGN §5): repo/ = the parent commit
  plus the commit's test changes (so the new tests fail), solution/ = its other changes, the test command
  detected and narrowed to the changed tests. Each task is kept only if its tests fail before and pass after;
  other commits are listed with the reason they were skipped. Non-permissive licences are skipped; the
  licence file stays in repo/. Dependencies (package-lock.json) are installed once per task through one npm cache.
  Mining into an existing suite folder keeps its tasks (it resumes).`;

export async function runSuiteCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'materialise' || sub === 'materialize' || sub === 'verify' || sub === 'discover') {
    return (await import('./suiteRegistryCommand')).runSuiteRegistryCommand(sub === 'materialize' ? 'materialise' : sub, rest);
  }
  if (sub !== 'mine') {
    process.stdout.write(`${SUITE_MINE_USAGE}\n\n${(await import('./suiteRegistryCommand')).SUITE_REGISTRY_USAGE}\n`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      commits: { type: 'string' },
      out: { type: 'string' },
      family: { type: 'string' },
      'npm-cache': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SUITE_MINE_USAGE}\n`);
    return 0;
  }
  if (!values.repo || !values.out) throw new SaleError(`--repo and --out are required.\n\n${SUITE_MINE_USAGE}`, 'usage');
  const shas = [...(values.commits && !values.commits.includes('..') ? [values.commits] : []), ...positionals];
  const range = values.commits?.includes('..') ? values.commits : undefined;
  if (!range && !shas.length) throw new SaleError(`Give the commits: --commits A..B or one or more SHAs.\n\n${SUITE_MINE_USAGE}`, 'usage');
  const out = resolve(values.out);
  let mined = 0;
  const outcomes = await mineRepo({
    repo: resolve(values.repo),
    outDir: out,
    commits: range ? { range } : { shas },
    runner: new ChildProcessCommandRunner(),
    installRunner: dependencyInstallRunner(),
    ...(values['npm-cache'] ? { cacheDir: resolve(values['npm-cache']) } : {}),
    ...(values.family ? { family: values.family } : {}),
    onOutcome: (o) => {
      const sha = o.sha.slice(0, 8);
      if (o.status === 'mined') {
        mined++;
        process.stdout.write(`${bold('mined')}   ${sha} → ${o.id}  ${dim(o.testCommand)}\n`);
      } else if (o.status === 'exists') process.stdout.write(`${dim('kept')}    ${sha} → ${o.id} (already in the suite)\n`);
      else process.stdout.write(`${yellow('skipped')} ${sha}: ${o.reason}\n`);
    },
  });
  // The result must load as a suite (the same validator the bench and the simulator use).
  const tasks = outcomes.some((o) => o.status !== 'skipped') ? loadSuite(out).length : 0;
  process.stdout.write(`\n${mined} task(s) mined, ${outcomes.filter((o) => o.status === 'skipped').length} commit(s) skipped; the suite in ${out} has ${tasks} task(s).\n`);
  return 0;
}
