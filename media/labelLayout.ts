/**
 * Where a picture's point labels go (pure, no DOM, unit-tested in test/unit/media/labelLayout.test.ts): each label
 * beside its point, on the side with more room, never over another label, a point or an interval bar, and inside
 * the picture. A label with no room beside its point moves up or down in steps and gets a leader line back to it.
 * Agents of one family ("sim-qwen3-4b", "sim-qwen3-8b") are labelled by what tells them apart ("4b", "8b"); the
 * full name stays in the point's tooltip. Text widths come from the caller: measured in the webview (canvas), or
 * estimated (tests, and before a font is known).
 */

export interface Box { left: number; top: number; right: number; bottom: number }

export interface LabelRequest {
  key: string;
  /** The point's centre. */
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel {
  key: string;
  text: string;
  /** Where the text starts (anchor 'start') or ends ('end'), and its baseline. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: Box;
  /** From the point to the label, when the label could not sit right beside it. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
  /** False when no spot was free: the label overlaps something or leaves the picture. */
  clear: boolean;
}

export type MeasureText = (text: string) => number;

/** Height of one 11px label line, and the distance of its baseline from the line's top. */
const LINE = 13;
const ASCENT = 10;
/** Space between a point's centre and its label. */
const GAP = 7;

/**
 * A safe over-estimate of an 11px sans-serif label's width (wide fonts such as DejaVu Sans run ~6.3 px a character
 * on average): labels placed with it still do not touch when the real font is narrower.
 */
export const estimateTextWidth: MeasureText = (text) => Math.ceil(text.length * 6.8) + 2;

export const boxesOverlap = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

const overlapArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

const outside = (a: Box, b: Box): number =>
  Math.max(0, b.left - a.left) + Math.max(0, a.right - b.right) + Math.max(0, b.top - a.top) + Math.max(0, a.bottom - b.bottom);

/** A square around a point marker of radius r, to keep labels off it. */
export const markerBox = (x: number, y: number, r = 5): Box => ({ left: x - r, top: y - r, right: x + r, bottom: y + r });

/**
 * Places every label, in the order given (earlier labels get the better spots). `obstacles`: what labels must not
 * cover (markers, bars). A label that cannot avoid everything takes the spot with the least overlap.
 */
export function placeLabels(reqs: LabelRequest[], bounds: Box, obstacles: Box[], measure: MeasureText = estimateTextWidth): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const mid = (bounds.left + bounds.right) / 2;
  // Vertical centres relative to the point: just above, level, just below, then further away in steps.
  const offsets = [-(LINE / 2 + 2), 0, LINE / 2 + 2];
  for (let k = 1; k <= 8; k++) offsets.push(-(LINE / 2 + 2) - k * (LINE + 1), LINE / 2 + 2 + k * (LINE + 1));
  for (const r of reqs) {
    const width = measure(r.text);
    const preferLeft = r.x > mid;
    let best: { label: PlacedLabel; cost: number } | undefined;
    offsets.forEach((dy, rank) => {
      const far = Math.abs(dy) > LINE;
      const top = r.y + dy - LINE / 2;
      // Beside the point on either side; away from it (a row above or below) also slid along to wherever it fits.
      const spots: { left: number; side: 'left' | 'right' | 'slid' }[] = [{ left: r.x + GAP, side: 'right' }, { left: r.x - GAP - width, side: 'left' }];
      if (preferLeft) spots.reverse();
      if (far) spots.push({ left: Math.max(bounds.left, Math.min(bounds.right - width, r.x - width / 2)), side: 'slid' });
      spots.forEach((spot, i) => {
        const box: Box = { left: spot.left, right: spot.left + width, top, bottom: top + LINE };
        const clash = placed.reduce((s, p) => s + overlapArea(box, p.box), 0) + obstacles.reduce((s, o) => s + overlapArea(box, o), 0);
        const out = outside(box, bounds);
        // Any overlap or overflow, however small, costs more than the furthest clean spot.
        const cost = (clash > 0 ? 1e5 + 100 * clash : 0) + (out > 0 ? 1e5 + 100 * out : 0) + rank * 10 + i * 3;
        if (best && best.cost <= cost) return;
        const end = spot.side === 'left';
        const edgeY = dy < 0 ? box.bottom : box.top;
        best = {
          cost,
          label: {
            key: r.key,
            text: r.text,
            x: end ? box.right : box.left,
            y: box.top + ASCENT,
            anchor: end ? 'end' : 'start',
            box,
            clear: clash === 0 && out === 0,
            leader: !far ? null
              : spot.side === 'slid' ? { x1: r.x, y1: r.y + Math.sign(dy) * 5, x2: Math.max(box.left, Math.min(box.right, r.x)), y2: edgeY }
                : { x1: r.x, y1: r.y + Math.sign(dy) * 5, x2: end ? box.right : box.left, y2: (box.top + box.bottom) / 2 },
          },
        };
      });
    });
    placed.push(best!.label);
  }
  return placed;
}

/**
 * Labels that tell agents apart: a prefix every name shares, up to a separator ("sim-qwen3-", "gpt-", "org/"), is
 * left out when what remains is still distinct and not empty. `prefix` is what was left out ('' when nothing). A
 * dot is no separator: it sits inside version numbers ("gpt-4.1-mini" keeps "4.1-mini").
 */
export function shortNames(names: readonly string[]): { short: Map<string, string>; prefix: string } {
  const keep = { short: new Map(names.map((n) => [n, n])), prefix: '' };
  if (names.length < 2) return keep;
  let common = names[0];
  for (const n of names) while (!n.startsWith(common)) common = common.slice(0, -1);
  const cut = Math.max(...['-', '_', '/', ':', ' '].map((s) => common.lastIndexOf(s))) + 1;
  if (cut <= 0) return keep;
  const rest = names.map((n) => n.slice(cut));
  if (rest.some((r) => !r) || new Set(rest).size !== names.length) return keep;
  return { short: new Map(names.map((n, i) => [n, rest[i]])), prefix: common.slice(0, cut) };
}

/**
 * `text` cut to at most `maxWidth`, with "…" in the middle: the start and the end of a model name (its family and
 * its size) both stay readable.
 */
export function fitText(text: string, maxWidth: number, measure: MeasureText = estimateTextWidth): string {
  if (measure(text) <= maxWidth) return text;
  for (let n = text.length - 1; n > 1; n--) {
    const head = Math.ceil(n * 0.45);
    const cut = `${text.slice(0, head)}…${text.slice(text.length - (n - head))}`;
    if (measure(cut) <= maxWidth) return cut;
  }
  return `${text.slice(0, 1)}…`;
}

/**
 * placeLabels with each text cut to a share of the plot's width: the longest share at which every label finds a
 * free spot (a crowded picture gets shorter labels rather than labels over each other).
 */
export function placeFittedLabels(reqs: LabelRequest[], bounds: Box, obstacles: Box[], plotWidth: number, measure: MeasureText = estimateTextWidth): PlacedLabel[] {
  let labels: PlacedLabel[] = [];
  for (const share of [0.45, 0.32, 0.22, 0.15]) {
    labels = placeLabels(reqs.map((r) => ({ ...r, text: fitText(r.text, share * plotWidth, measure) })), bounds, obstacles, measure);
    if (labels.every((l) => l.clear)) break;
  }
  return labels;
}
