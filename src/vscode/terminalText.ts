/**
 * Cleaning what a terminal's shell-integration stream yields into plain text for the model and the panel:
 * escape sequences (colours, cursor moves, OSC 633 shell-integration marks) removed, CR/LF normalised,
 * carriage-return overwrites resolved. Pure.
 */

// OSC … BEL|ST, DCS/SOS/PM/APC … ST, CSI sequences, then any other two-byte escape.
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const STRINGS = /\x1b[PX^_][\s\S]*?\x1b\\/g;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const C1_CSI = /\x9b[0-?]*[ -/]*[@-~]/g;
const OTHER_ESC = /\x1b[@-Z\\-_]|\x1b[()#][0-9A-Za-z]|\x1b[=>78c]/g;

export function stripTerminalControls(raw: string): string {
  let s = raw.replace(OSC, '').replace(STRINGS, '').replace(CSI, '').replace(C1_CSI, '').replace(OTHER_ESC, '');
  s = s.replace(/\r\n/g, '\n');
  // A lone CR moves to the line start: keep what was written last on that line.
  s = s
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
  // Remaining control characters other than tab/newline (bells, backspaces) carry nothing for a reader.
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
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
