import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type RecoveryReport, inspectUnfinishedJournals, recoverJournals, recoveryHasWork } from '../core/workspace/journalRecovery';
import { requireRepo } from './auctionCommand';

/**
 * `sale recover [--repo DIR] [--dry-run] [--force] [--json]`: puts back what an unfinished SALE run left in a
 * repository (killed, crashed, window closed before accept/revert), from the write-ahead journal.
 */
export async function runRecoverCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: 'string' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const repo = requireRepo(values.repo ?? process.cwd());
  const opts = { force: !!values.force };
  const report = values['dry-run'] ? await inspectUnfinishedJournals(repo, opts) : await recoverJournals(repo, opts);
  if (values.json) process.stdout.write(JSON.stringify({ repo: resolve(repo), dryRun: !!values['dry-run'], ...report }, null, 2) + '\n');
  else process.stdout.write(formatRecovery(report, !!values['dry-run']) + '\n');
  return report.errors.length ? 1 : 0;
}

export function formatRecovery(r: RecoveryReport, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = (done: string, would: string) => (dryRun ? would : done);
  if (!r.runs && !r.skippedLive.length) return 'Nothing to recover: no unfinished SALE run in this repository.';
  if (r.runs && !recoveryHasWork(r) && !r.errors.length) lines.push(`${r.runs} unfinished run(s) found; every file was already as it was before them.`);
  const list = (title: string, xs: string[]) => {
    if (!xs.length) return;
    lines.push(`${title} (${xs.length}):`);
    for (const x of xs.slice(0, 200)) lines.push(`  ${x}`);
    if (xs.length > 200) lines.push(`  … and ${xs.length - 200} more`);
  };
  list(verb('Restored to their bytes before the run', 'Would restore'), r.restored);
  list(verb('Removed (created by the run)', 'Would remove'), r.removed);
  list(verb('Empty folders removed', 'Would remove empty folders'), r.removedDirs);
  list(verb('Git hooks/config put back', 'Would put back'), r.gitRestored);
  for (const s of r.skippedLive) lines.push(`Skipped a run of process ${s.pid} (started ${new Date(s.startedAt).toISOString()}): it is still running. Use --force if it is not SALE.`);
  list('Could not restore (the journal is kept; run sale recover again)', r.errors);
  return lines.join('\n');
}
