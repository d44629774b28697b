/**
 * Stand-in for src/core/execution/commandSandbox.ts when scripts/redteam-against.sh runs the suite against a
 * revision that has no such module (before issue 9): commandAccounting.test.ts asks it only whether bubblewrap
 * exists, to choose which variant to run. It sandboxes nothing.
 */
import { execFileSync } from 'node:child_process';

export function detectSandbox(env: NodeJS.ProcessEnv = process.env): { kind: 'bwrap'; bwrap: string } | { kind: 'none'; reason: string } {
  if (env.SALE_SANDBOX === 'off') return { kind: 'none', reason: 'switched off' };
  try {
    return { kind: 'bwrap', bwrap: execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim() };
  } catch {
    return { kind: 'none', reason: 'bwrap not found' };
  }
}
