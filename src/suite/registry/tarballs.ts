import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SaleError } from '../../core/errors';

/**
 * Published release tarballs, fetched once through npm (its configured registry, its own cache and credentials)
 * and kept in SALE's cache folder, so later runs, and offline runs, never ask the registry again.
 */

/** SALE's cache folder: `$SALE_CACHE_DIR`, else `$XDG_CACHE_HOME/sale`, else `~/.cache/sale`. Outside every repository. */
export function saleCacheDir(): string {
  if (process.env.SALE_CACHE_DIR) return process.env.SALE_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sale');
}

/** Fetches `name@version` as a .tgz into `destDir` and returns its path. Injected in tests (no network there). */
export type TarballSource = (name: string, version: string, destDir: string) => Promise<string>;

/** The default source: `npm pack name@version`, which downloads the published tarball from the configured registry. */
export const npmPackSource: TarballSource = async (name, version, destDir) => {
  const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', destDir, '--json', '--ignore-scripts', '--loglevel=error'], {
    cwd: destDir,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60_000,
  }).toString('utf8');
  const file = (JSON.parse(out) as { filename?: string }[])[0]?.filename;
  if (!file) throw new SaleError(`npm pack ${name}@${version} gave no file name`, 'registry');
  return join(destDir, file.replace(/^@/, '').replace(/\//g, '-'));
};

const fileName = (name: string, version: string) => `${name.replace(/^@/, '').replace(/\//g, '+')}-${version}.tgz`;

export interface TarballCache {
  /** Path of the cached tarball, fetching it on a miss. */
  get(name: string, version: string): Promise<string>;
  /** How many tarballs came from the source (not the cache) so far. */
  fetched: number;
}

export function tarballCache(dir: string, source: TarballSource = npmPackSource): TarballCache {
  const cache: TarballCache = {
    fetched: 0,
    async get(name, version) {
      const file = join(dir, fileName(name, version));
      if (existsSync(file)) return file;
      mkdirSync(dir, { recursive: true });
      const tmp = mkdtempSync(join(dir, '_fetch-'));
      try {
        let got: string;
        try {
          got = await source(name, version, tmp);
        } catch (e) {
          throw new SaleError(`Could not fetch ${name}@${version} from the npm registry (and it is not in the cache ${dir}): ${(e as Error).message.split('\n')[0]}`, 'registry');
        }
        if (!existsSync(got)) {
          const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
          if (!tgz) throw new SaleError(`Fetching ${name}@${version} produced no tarball`, 'registry');
          got = join(tmp, tgz);
        }
        renameSync(got, file);
        cache.fetched++;
        return file;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
  return cache;
}

/** Unpacks a release tarball into `dir` (created), dropping its top folder (`package/` for npm). */
export function unpackTarball(file: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('tar', ['-x', '-z', '-f', file, '-C', dir, '--strip-components=1', '--no-same-owner', '--no-same-permissions'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new SaleError(`Could not unpack ${file}: ${(e as Error).message}`, 'registry');
  }
}
