/**
 * Reads judges' answers — the one place for every juror quirk: plain JSON, JSON in a ``` fence or wrapped in
 * prose, scores written as "4/5", "8/10", "3 out of 5", "four" or "Score: 3", and `scores` given as a list or as
 * a {"1": 4} map. Anything that is not a score 0–5 is unreadable (null), never guessed.
 */

const WORDS: Record<string, number> = { zero: 0, none: 0, one: 1, two: 2, three: 3, four: 4, five: 5 };
const WORD_RE = 'zero|one|two|three|four|five';
/** A score as written: number or word, optionally "/ N" or "out of N". */
const SCORE_TEXT = new RegExp(`^\\s*\\**\\s*(\\d+(?:\\.\\d+)?|${WORD_RE})\\s*\\**\\s*(?:(?:\\/|out of)\\s*(\\d+|${WORD_RE}))?\\s*\\**\\s*[.!]?\\s*$`, 'i');

function wordOrNumber(s: string): number {
  const w = WORDS[s.toLowerCase()];
  return w ?? Number(s);
}

function inRange(n: number): number | null {
  return Number.isFinite(n) && n >= 0 && n <= 5 ? n : null;
}

/** A score value from JSON or text; "8/10" is scaled to 4 (out-of-N other than 5 is rescaled). */
export function toScore(v: unknown): number | null {
  if (typeof v === 'number') return inRange(v);
  if (typeof v !== 'string') return null;
  const m = SCORE_TEXT.exec(v);
  if (!m) return null;
  const n = wordOrNumber(m[1]);
  if (m[2] === undefined) return inRange(n);
  const of = wordOrNumber(m[2]);
  if (!(of > 0) || n > of) return null;
  return inRange(Math.round((n / of) * 5 * 100) / 100);
}

function tryJson(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** The JSON in an answer: the whole text, a ``` fence anywhere, or the widest {…} / […] span. */
export function jsonIn(text: string): unknown {
  const t = text.trim();
  const whole = tryJson(t);
  if (whole !== undefined) return whole;
  for (const m of t.matchAll(/```(?:json|JSON)?\s*([\s\S]*?)```/g)) {
    const j = tryJson(m[1].trim());
    if (j !== undefined) return j;
  }
  for (const re of [/\{[\s\S]*\}/, /\[[\s\S]*\]/]) {
    const m = re.exec(t);
    const j = m ? tryJson(m[0]) : undefined;
    if (j !== undefined) return j;
  }
  return undefined;
}

/** "score: 3", "Score - 4/5", "I'd give it four out of five", "Rating: **4**". */
function scoreInProse(text: string): number | null {
  const num = `(\\d+(?:\\.\\d+)?|${WORD_RE})(?:\\s*(?:\\/|out of)\\s*(\\d+|${WORD_RE}))?`;
  const patterns = [
    new RegExp(`(?:score|rating|rate|grade)\\W{0,5}(?:is\\s+|of\\s+|:\\s*)?(?:an?\\s+)?\\**${num}`, 'i'),
    new RegExp(`\\b(\\d+(?:\\.\\d+)?|${WORD_RE})\\s*(?:\\/|out of)\\s*(\\d+|${WORD_RE})`, 'i'),
  ];
  for (const [i, re] of patterns.entries()) {
    const m = re.exec(text);
    // The bare-number fallback only counts with an explicit "/5" or "out of", so "Plan 1" is not a score.
    if (!m || (i === 1 && m[2] === undefined)) continue;
    const s = toScore(m[2] !== undefined ? `${m[1]}/${m[2]}` : m[1]);
    if (s !== null) return s;
  }
  return null;
}

/** One-plan answer: {"score": n}, or a score in prose. */
export function parsePairScore(text: string): { score: number | null; note?: string } {
  const j = jsonIn(text) as { score?: unknown; rating?: unknown; reason?: unknown } | undefined;
  if (j && typeof j === 'object' && ('score' in j || 'rating' in j)) {
    const raw = 'score' in j ? j.score : j.rating;
    const s = toScore(raw);
    return s === null ? { score: null, note: `unreadable score ${JSON.stringify(raw)}` } : { score: s, note: typeof j.reason === 'string' ? j.reason.slice(0, 300) : undefined };
  }
  if (typeof j === 'number' || typeof j === 'string') {
    const s = toScore(j);
    if (s !== null) return { score: s };
  }
  const s = toScore(text) ?? scoreInProse(text);
  return s === null ? { score: null, note: 'no score found in answer' } : { score: s };
}

type Entry = { plan?: unknown; id?: unknown; score?: unknown; rating?: unknown; reason?: unknown };

/** Batch answer: {"scores":[{"plan":id,"score":n}]} (or a bare list, or {"scores":{"1":n}}); label → score. */
export function parseBatchScores(text: string, labels: number[]): Map<number, { score: number | null; note?: string }> {
  const out = new Map<number, { score: number | null; note?: string }>();
  for (const l of labels) out.set(l, { score: null, note: 'no score for this plan in the answer' });
  const j = jsonIn(text) as { scores?: unknown } | unknown[] | undefined;
  const scores = Array.isArray(j) ? j : j && typeof j === 'object' ? (j as { scores?: unknown }).scores : undefined;
  const entries: Entry[] | undefined = Array.isArray(scores)
    ? (scores as Entry[])
    : scores && typeof scores === 'object'
      ? Object.entries(scores as Record<string, unknown>).map(([plan, score]) => (score && typeof score === 'object' ? { plan, ...(score as Entry) } : { plan, score }))
      : undefined;
  if (entries) {
    for (const e of entries) {
      if (!e || typeof e !== 'object') continue;
      const id = e.plan ?? e.id;
      const label = typeof id === 'number' ? id : typeof id === 'string' ? Number(id.replace(/^\D+/, '')) : NaN;
      if (!out.has(label)) continue;
      const raw = e.score ?? e.rating;
      const s = toScore(raw);
      out.set(label, s === null ? { score: null, note: `unreadable score ${JSON.stringify(raw)}` } : { score: s, note: typeof e.reason === 'string' ? e.reason.slice(0, 300) : undefined });
    }
    return out;
  }
  // Plain-text fallback: "Plan 2: 4", "Plan 1 — 4/5", "**Plan 3**: four out of five". The score must end its
  // clause, so "Plan 2: one of the better…" is not read as a 1.
  const re = new RegExp(`plan\\s*#?\\s*(\\d+)\\W{0,12}?(?:score\\W{0,3})?(\\d+(?:\\.\\d+)?|${WORD_RE})(?:\\s*(?:\\/|out of)\\s*(\\d+|${WORD_RE}))?(?=\\s*(?:points?\\b|[.,;:)*]|$))`, 'gim');
  for (const m of text.matchAll(re)) {
    const label = Number(m[1]);
    const s = toScore(m[3] !== undefined ? `${m[2]}/${m[3]}` : m[2]);
    if (out.has(label) && s !== null) out.set(label, { score: s });
  }
  return out;
}
