import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root, found from this file whether it runs bundled (dist/) or from source (src/cli/). */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'sale-vscode') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  throw new Error('Cannot find the SALE package root (package.json named sale-vscode).');
}

export const defaultPoolPath = () => join(packageRoot(), 'pools', 'sim-default.json');
export const defaultSuiteDir = () => join(packageRoot(), 'test', 'fixtures', 'suite');
