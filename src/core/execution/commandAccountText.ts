import type { CommandAccount } from '../workspace/fileJournal';

/**
 * One paragraph, for the model and the log, saying what a command did to the working tree and what SALE did about
 * it. Empty when the command changed nothing.
 */
export function describeAccount(a: CommandAccount, maxNames = 20): string {
  const list = (xs: string[]) => `${xs.slice(0, maxNames).join(', ')}${xs.length > maxNames ? `, … (${xs.length} in all)` : ''}`;
  const lines: string[] = [];
  if (a.restored.length) lines.push(`Files the command changed or deleted, put back: ${list(a.restored)}`);
  if (a.removed.length) lines.push(`Files the command created, removed again: ${list(a.removed)}`);
  if (a.recorded.length) lines.push(`Files changed by the command: ${list(a.recorded)} (kept in this attempt; reverted with it)`);
  if (a.gitRestored.length) lines.push(`Blocked: the command changed ${list(a.gitRestored)}; put back.`);
  if (a.notRevertible.length) lines.push(`Warning: ${a.notRevertible.length} changed file(s) could not be snapshotted and cannot be reverted exactly: ${list(a.notRevertible)}`);
  if (a.skippedChanged.length) lines.push(`Changed dependency/build/cache folders (not reverted): ${list(a.skippedChanged)}`);
  if (a.errors.length) lines.push(`Could not put back: ${list(a.errors)}`);
  return lines.join('\n');
}

/** True when the command changed anything at all. */
export function accountChangedAnything(a: CommandAccount): boolean {
  return a.restored.length + a.removed.length + a.recorded.length + a.gitRestored.length + a.notRevertible.length + a.skippedChanged.length + a.errors.length > 0;
}
