/**
 * Cleaning what a terminal's shell-integration stream yields into plain text for the model and the panel:
 * escape sequences (colours, cursor moves, OSC 633 shell-integration marks) removed, CR/LF normalised,
 * carriage-return overwrites resolved. Pure.
 */
import { stripControlSequences } from '../core/controlChars';

export function stripTerminalControls(raw: string): string {
  // A lone CR moves to the line start: keep what was written last on that line; then the one sanitiser.
  const lines = raw
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
  return stripControlSequences(lines);
}

/** Single-quotes a path for POSIX shells. */
export function shellQuote(p: string): string {
  return `'${p.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to do with a command's result from the terminal. A missing exit code is never a pass. Running the command
 * again as a child process is only safe for a command that may run twice (the task's test command): any other
 * command (one the user approved once: `git commit`, `echo x >> f`) already ran in the terminal, so its result
 * stands — a failure when no exit code was seen — with a note saying why.
 */
export function terminalResultDecision(r: { exitCode: number | undefined; output: string }, rerunnable: boolean):
  { action: 'use' } | { action: 'rerun'; why: string } | { action: 'note'; exitCode: number | undefined; note: string } {
  if (r.exitCode === undefined) {
    if (rerunnable) return { action: 'rerun', why: 'the terminal reported no exit code' };
    return { action: 'note', exitCode: undefined, note: '[the SALE terminal reported no exit code: counted as a failure; not run again, since this command may not be safe to run twice]' };
  }
  if (!r.output.trim()) {
    if (rerunnable) return { action: 'rerun', why: 'no output was captured from the terminal' };
    return { action: 'note', exitCode: r.exitCode, note: '[no output was captured from the SALE terminal; not run again, since this command may not be safe to run twice]' };
  }
  return { action: 'use' };
}
