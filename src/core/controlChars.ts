/**
 * The one home of the terminal sanitiser. Model text (plans, file names, file contents, command output) is
 * hostile: OSC sequences retitle the window or write the clipboard, CSI sequences clear the screen or move the
 * cursor, C1 bytes act as 8-bit escapes. Everything printed to a terminal goes through here. Pure.
 */

// ESC-introduced sequences: OSC … (BEL | ST | end of text), DCS/SOS/PM/APC … (ST | end), CSI, then any other.
const OSC = /\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)/g;
const STRINGS = /\x1b[PX^_][\s\S]*?(?:\x1b\\|\x9c|$)/g;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]?/g;
const OTHER_ESC = /\x1b[ -/]*[0-~]?/g;
// The same introduced by single C1 code points (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC).
const C1_OSC = /\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)/g;
const C1_STRINGS = /[\x90\x98\x9e\x9f][\s\S]*?(?:\x1b\\|\x9c|$)/g;
const C1_CSI = /\x9b[0-?]*[ -/]*[@-~]?/g;
// Anything left: C0 but tab and newline, DEL, C1.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** SGR colour codes the CLI itself emits (bold, dim, red, green, yellow, reset): kept by `keepOwnColours`. */
const OWN_SGR = /\x1b\[(?:0|1|2|31|32|33)m/g;
const MARK = '\u{F0000}';

/**
 * Removes every escape sequence and control character except newline and tab; CRLF becomes LF and a lone CR is
 * removed. With `keepOwnColours`, the exact SGR codes our colour helpers print survive (they only colour text).
 */
export function stripControlSequences(text: string, opts: { keepOwnColours?: boolean } = {}): string {
  let s = text;
  if (opts.keepOwnColours) s = s.replace(/\u{F0000}/gu, '').replace(OWN_SGR, (m) => `${MARK}${m.slice(2, -1)}${MARK}`);
  s = s
    .replace(OSC, '').replace(STRINGS, '').replace(CSI, '').replace(OTHER_ESC, '')
    .replace(C1_OSC, '').replace(C1_STRINGS, '').replace(C1_CSI, '')
    .replace(/\r\n/g, '\n')
    .replace(CONTROLS, '');
  if (opts.keepOwnColours) s = s.replace(/\u{F0000}(\d+)\u{F0000}/gu, '\x1b[$1m');
  return s;
}

/** True when `text` holds anything `stripControlSequences` would remove (e.g. to refuse a command line). */
export function hasControlChars(text: string): boolean {
  return /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(text.replace(/\r\n/g, '\n'));
}
