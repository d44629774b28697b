import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SaleError } from '../../core/errors';
import { formatZodIssues } from '../../core/zodIssues';

/**
 * The real-history suite's MANIFEST: facts only (package names, release pairs, file lists, the test command, the
 * expected outcome, the licence), never a line of the packages' code. `materialise.ts` rebuilds each task from
 * the npm registry at run time; `discover.ts` writes the manifest and says why each release pair was left out.
 */
const NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;
const VERSION = /^\d+\.\d+\.\d+(-[\w.-]+)?$/;
const REL_PATH = z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').some((x) => x === '..' || x === ''), 'a relative path inside the package');

export const ManifestTaskSchema = z.object({
  /** Folder name of the materialised task: `<package>-<from>-<to>`. */
  id: z.string().regex(/^[a-z0-9][\w.-]*$/),
  package: z.string().regex(NAME),
  from: z.string().regex(VERSION),
  to: z.string().regex(VERSION),
  /** The test files release `to` adds or changes (copied into repo/). */
  tests: z.array(REL_PATH).min(1),
  /** The other files release `to` adds or changes (solution/), docs included. */
  solution: z.array(REL_PATH).min(1),
  testCommand: z.string().min(1),
  /** Checked by `verify`: the tests fail on repo/ and pass with solution/ applied. */
  expect: z.object({ before: z.literal('fail'), after: z.literal('pass') }),
});
export type ManifestTask = z.infer<typeof ManifestTaskSchema>;

export const ManifestPackageSchema = z.object({
  name: z.string().regex(NAME),
  /** SPDX id from package.json, and the licence file kept in every task. */
  licence: z.string().min(1),
  licenceFile: REL_PATH,
  /** `{tests}` stands for the changed test entry points (those matching `testEntry`). */
  testCommand: z.string().includes('{tests}'),
  testEntry: z.string().min(1),
  /** Build output (e.g. `dist/`): kept as in release `from`, never part of a solution. */
  generated: z.array(z.string().transform((p) => p.replace(/\/+$/, '')).pipe(REL_PATH)).default([]),
  /** Lines of JavaScript in the newest release used (source and tests), for "packages of different sizes". */
  lines: z.number().int().nonnegative(),
  /** Why the package is in the suite. */
  why: z.string().min(1),
});
export type ManifestPackage = z.infer<typeof ManifestPackageSchema>;

export const ManifestSchema = z.object({
  name: z.string().min(1),
  /** Tasks whose packages are small and quick to install: the CI form of `verify`. */
  quick: z.array(z.string()).default([]),
  packages: z.array(ManifestPackageSchema).min(1),
  tasks: z.array(ManifestTaskSchema).min(1),
  /** Release pairs and candidate packages left out, with the reason: the record of what was tried. */
  skipped: z.array(z.object({ package: z.string(), from: z.string().optional(), to: z.string().optional(), reason: z.string().min(1) })).default([]),
}).superRefine((m, ctx) => {
  const ids = new Set<string>();
  const pkgs = new Set(m.packages.map((p) => p.name));
  m.tasks.forEach((t, i) => {
    if (ids.has(t.id)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'id'], message: `duplicate task id ${t.id}` });
    ids.add(t.id);
    if (!pkgs.has(t.package)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'package'], message: `package ${t.package} is not listed under packages` });
  });
  m.quick.forEach((id, i) => {
    if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['quick', i], message: `quick task ${id} is not a task` });
  });
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function parseManifest(json: unknown, where = 'manifest'): Manifest {
  const r = ManifestSchema.safeParse(json);
  if (!r.success) throw new SaleError(`Invalid suite manifest ${where}:\n${formatZodIssues(r.error)}`, 'suite-invalid');
  return r.data;
}

export function loadManifest(file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SaleError(`Cannot read the suite manifest ${file}: ${(e as Error).message}`, 'suite-invalid');
  }
  return parseManifest(json, file);
}

/** The test command of a task: the package's template with its changed test entry points. */
export function expandTestCommand(pkg: Pick<ManifestPackage, 'testCommand' | 'testEntry'>, changedTests: string[]): string | undefined {
  const entry = new RegExp(pkg.testEntry);
  const files = changedTests.filter((p) => entry.test(p)).sort();
  if (!files.length) return undefined;
  return pkg.testCommand.replace('{tests}', files.map((f) => (/^[\w./@+-]+$/.test(f) ? f : `'${f.replace(/'/g, `'\\''`)}'`)).join(' '));
}
