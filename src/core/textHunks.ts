import { diffArrays } from 'diff';

/**
 * The hunks of a line diff: changed regions, with regions closer than two context windows (6 unchanged lines)
 * merged into one, as a unified diff groups them. Used by the simulated executor (one edit per hunk) and by
 * mining (what a commit changes, for its key steps).
 */
const HUNK_GAP = 6;

export interface Region {
  /** Old line range [start, end) in the original text. */
  start: number;
  end: number;
  /** The new lines replacing it. */
  lines: string[];
}

/** Changed regions of `before` → `after`, merged into hunks, in original line numbers (0-based). */
export function diffHunks(before: string, after: string): Region[] {
  const old = before.split('\n');
  const regions: Region[] = [];
  let pos = 0;
  // Length of the unchanged run since the last region (Infinity before the first).
  let gap = Infinity;
  for (const c of diffArrays(old, after.split('\n'))) {
    if (!c.added && !c.removed) {
      pos += c.value.length;
      gap = c.value.length;
      continue;
    }
    let last = regions[regions.length - 1];
    if (!last || gap > HUNK_GAP) {
      last = { start: pos, end: pos, lines: [] };
      regions.push(last);
    } else if (last.end < pos) {
      // A short unchanged run between two changes: it becomes part of the hunk.
      last.lines.push(...old.slice(last.end, pos));
      last.end = pos;
    }
    if (c.removed) {
      pos += c.value.length;
      last.end = pos;
    } else last.lines.push(...c.value);
    gap = 0;
  }
  return regions;
}

