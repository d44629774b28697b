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
