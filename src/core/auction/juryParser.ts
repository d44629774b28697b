/** Reads judges' answers. Anything that is not a number 0–5 is unreadable (null), never guessed. */

function toScore(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 5 ? n : null;
}

function jsonIn(text: string): unknown {
  const t = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '');
  try {
    return JSON.parse(t);
  } catch {
    const m = /\{[\s\S]*\}/.exec(t);
    if (!m) return undefined;
    try {
      return JSON.parse(m[0]);
    } catch {
      return undefined;
    }
  }
}

/** One-plan answer: {"score": n}. */
export function parsePairScore(text: string): { score: number | null; note?: string } {
  const j = jsonIn(text) as { score?: unknown; reason?: unknown } | undefined;
  if (j && typeof j === 'object' && 'score' in j) {
    const s = toScore(j.score);
    return s === null ? { score: null, note: `unreadable score ${JSON.stringify(j.score)}` } : { score: s, note: typeof j.reason === 'string' ? j.reason.slice(0, 300) : undefined };
  }
  const m = /score\D{0,5}(\d+(?:\.\d+)?)/i.exec(text);
  const s = m ? toScore(m[1]) : null;
  return s === null ? { score: null, note: 'no score found in answer' } : { score: s };
}

/** Batch answer: {"scores":[{"plan":id,"score":n}]}; returns label → score (null when unreadable/missing). */
export function parseBatchScores(text: string, labels: number[]): Map<number, { score: number | null; note?: string }> {
  const out = new Map<number, { score: number | null; note?: string }>();
  for (const l of labels) out.set(l, { score: null, note: 'no score for this plan in the answer' });
  const j = jsonIn(text) as { scores?: unknown } | unknown[] | undefined;
  const arr = Array.isArray(j) ? j : j && typeof j === 'object' && Array.isArray((j as { scores?: unknown }).scores) ? (j as { scores: unknown[] }).scores : undefined;
  if (arr) {
    for (const e of arr) {
      if (!e || typeof e !== 'object') continue;
      const { plan, score, reason } = e as { plan?: unknown; score?: unknown; reason?: unknown };
      const label = typeof plan === 'number' ? plan : typeof plan === 'string' ? Number(plan) : NaN;
      if (!out.has(label)) continue;
      const s = toScore(score);
      out.set(label, s === null ? { score: null, note: `unreadable score ${JSON.stringify(score)}` } : { score: s, note: typeof reason === 'string' ? reason.slice(0, 300) : undefined });
    }
    return out;
  }
  // Plain-text fallback: "Plan 2: 4" lines.
  for (const m of text.matchAll(/plan\s*#?\s*(\d+)\D{0,12}?(\d+(?:\.\d+)?)\s*(?:\/\s*5)?/gi)) {
    const label = Number(m[1]);
    const s = toScore(m[2]);
    if (out.has(label) && s !== null) out.set(label, { score: s });
  }
  return out;
}
