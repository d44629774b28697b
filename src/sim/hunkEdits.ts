import { countOccurrences } from '../core/execution/toolText';
import { diffHunks } from '../core/textHunks';
import { countTokens } from './tokenizer';

/**
 * How a competent agent changes a file whose new text it knows: one `edit_file` per hunk of the diff (regions
 * closer than two context windows form one hunk), each with just enough surrounding lines to match exactly one
 * place, and every call small enough to fit in one turn's output. A hunk too large for one call is split (its old
 * lines removed in pieces, its new lines inserted in pieces); a large new file is written in parts with
 * `append`. Reads of large files cover only the lines around the hunks.
 */

export type FileCall =
  | { name: 'edit_file'; args: { path: string; search: string; replace: string } }
  | { name: 'write_file'; args: { path: string; content: string; append?: true } };

/** Output tokens one edit may carry (search + replace text); leaves room in a 4,096-token turn for JSON escaping and prose. */
export const EDIT_TOKEN_BUDGET = 1000;
/** Files up to this size are read whole; larger ones in ranges around the hunks. */
export const WHOLE_READ_MAX_LINES = 250;
export const WHOLE_READ_MAX_CHARS = 12_000;
const READ_MARGIN = 30;
const READ_WINDOW = 200;
const MAX_CONTEXT = 12;

/** The file calls that turn `before` (undefined: a new file) into `after`, or undefined when no safe plan exists. */
export function fileCalls(path: string, before: string | undefined, after: string, budget = EDIT_TOKEN_BUDGET): FileCall[] | undefined {
  if (before === undefined) return newFileCalls(path, after, budget);
  if (before === after) return [];
  const cur = before.split('\n');
  const calls: FileCall[] = [];
  let delta = 0;
  for (const h of diffHunks(before, after)) {
    const start = h.start + delta;
    const oldCount = h.end - h.start;
    const cost = countTokens(cur.slice(start, start + oldCount).join('\n')) + countTokens(h.lines.join('\n'));
    if (cost <= budget) {
      if (!edit(cur, start, start + oldCount, h.lines, calls, path)) return undefined;
    } else {
      // Too large for one turn: remove the old lines in pieces, then insert the new ones in pieces.
      let left = oldCount;
      while (left > 0) {
        const k = piece(cur.slice(start, start + left), budget / 2);
        if (!k || !edit(cur, start, start + k, [], calls, path)) return undefined;
        left -= k;
      }
      let at = start;
      for (let i = 0; i < h.lines.length;) {
        const k = piece(h.lines.slice(i), budget);
        if (!k || !edit(cur, at, at, h.lines.slice(i, i + k), calls, path)) return undefined;
        at += k;
        i += k;
      }
    }
    delta += h.lines.length - oldCount;
  }
  return cur.join('\n') === after ? calls : undefined;
}

/** The 1-based inclusive line ranges worth reading before editing (undefined: read the file whole). */
export function readRanges(before: string, after: string): { startLine: number; endLine: number }[] | undefined {
  const total = before.split('\n').length;
  if (total <= WHOLE_READ_MAX_LINES && before.length <= WHOLE_READ_MAX_CHARS) return undefined;
  const spans: [number, number][] = [];
  for (const h of diffHunks(before, after)) {
    const a = Math.max(1, h.start + 1 - READ_MARGIN);
    const b = Math.min(total, Math.max(h.end, h.start + 1) + READ_MARGIN);
    const last = spans[spans.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else spans.push([a, b]);
  }
  const out: { startLine: number; endLine: number }[] = [];
  for (const [a, b] of spans) for (let s = a; s <= b; s += READ_WINDOW) out.push({ startLine: s, endLine: Math.min(b, s + READ_WINDOW - 1) });
  return out.length ? out : [{ startLine: 1, endLine: Math.min(total, READ_WINDOW) }];
}

function newFileCalls(path: string, content: string, budget: number): FileCall[] | undefined {
  if (countTokens(content) <= budget) return [{ name: 'write_file', args: { path, content } }];
  const lines = content.split('\n');
  const calls: FileCall[] = [];
  for (let i = 0; i < lines.length;) {
    const k = piece(lines.slice(i), budget);
    if (!k) return undefined;
    const text = lines.slice(i, i + k).join('\n') + (i + k < lines.length ? '\n' : '');
    calls.push({ name: 'write_file', args: { path, content: text, ...(i > 0 ? { append: true as const } : {}) } });
    i += k;
  }
  return calls;
}

/** How many leading lines fit in `budget` tokens (0 when even the first does not). */
function piece(lines: string[], budget: number): number {
  let used = 0;
  let k = 0;
  while (k < lines.length) {
    const t = countTokens(lines[k]) + 1;
    if (used + t > budget) break;
    used += t;
    k++;
  }
  return k;
}

/**
 * Appends one edit replacing lines [a, b) of `cur` by `lines` and applies it to `cur`. Context lines are added
 * (above, then below, alternately) until the search text is non-empty, matches exactly one place, and — for pure
 * insertions and deletions — carries at least one line that stays, so the line breaks come out right.
 */
function edit(cur: string[], a: number, b: number, lines: string[], calls: FileCall[], path: string): boolean {
  const text = cur.join('\n');
  const offsetOf = (line: number) => cur.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  const needsContext = a === b || lines.length === 0;
  let c0 = a;
  let c1 = b;
  for (let step = 0; ; step++) {
    const search = cur.slice(c0, c1).join('\n');
    const ok = (!needsContext || c0 < a || c1 > b) && search.trim() !== '' &&
      countOccurrences(text, search) === 1 && text.indexOf(search) === offsetOf(c0);
    if (ok) {
      const replaced = [...cur.slice(c0, a), ...lines, ...cur.slice(b, c1)];
      calls.push({ name: 'edit_file', args: { path, search, replace: replaced.join('\n') } });
      cur.splice(a, b - a, ...lines);
      return true;
    }
    const canUp = c0 > 0;
    const canDown = c1 < cur.length;
    if ((!canUp && !canDown) || a - c0 + (c1 - b) >= 2 * MAX_CONTEXT) return false;
    if (canUp && (step % 2 === 0 || !canDown)) c0--;
    else c1++;
  }
}
