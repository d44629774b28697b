/**
 * Token logprobs as servers actually send them: `logprobs.content` with top-20 (OpenAI's maximum), top-5, an
 * empty `top_logprobs` list, `logprobs: null` although asked for, or nothing. We keep them in one shape and say
 * "absent" (undefined) whenever there is nothing an entropy could be computed from, so the auction drops the
 * entropy term visibly instead of computing a fake zero. Comparable entropy across agents (a common top-k) is
 * the auction's job: core/auction/entropy.ts.
 */

export interface NormalisedTokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

type WireEntry = { token?: unknown; logprob?: unknown; top_logprobs?: unknown };

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x <= 0 ? x : undefined;
}

/** One wire entry, or undefined when it is not usable (missing/positive/NaN logprob). */
export function normaliseEntry(e: WireEntry): NormalisedTokenLogprob | undefined {
  const logprob = num(e?.logprob);
  if (typeof e?.token !== 'string' || logprob === undefined) return undefined;
  const top = Array.isArray(e.top_logprobs)
    ? (e.top_logprobs as WireEntry[])
        .map((t) => ({ token: typeof t?.token === 'string' ? t.token : '', logprob: num(t?.logprob) }))
        .filter((t): t is { token: string; logprob: number } => t.logprob !== undefined)
        .sort((a, b) => b.logprob - a.logprob)
    : [];
  return { token: e.token, logprob, top };
}

/**
 * A completion's logprobs, or undefined when absent: no entries, or no entry with at least two alternatives
 * (a top-1 list carries no entropy at all, so it counts as absent rather than as "certain").
 */
export function normaliseLogprobs(entries: WireEntry[] | null | undefined): NormalisedTokenLogprob[] | undefined {
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const out = entries.map(normaliseEntry).filter((x): x is NormalisedTokenLogprob => !!x);
  if (out.length === 0 || !out.some((t) => t.top.length >= 2)) return undefined;
  return out;
}

/**
 * Drops the logprobs of tokens that fall inside `[from, to)` of the raw content (inline `<think>` thoughts), by
 * walking the tokens' text. If the tokens do not spell the content (a server that detokenises differently),
 * keeps the tokens after the last one whose end reaches `to`, which is the same in the common case.
 */
export function dropLogprobSpan(lps: NormalisedTokenLogprob[] | undefined, span: [number, number] | undefined): NormalisedTokenLogprob[] | undefined {
  if (!lps || !span) return lps;
  let pos = 0;
  const kept: NormalisedTokenLogprob[] = [];
  for (const t of lps) {
    const start = pos;
    pos += t.token.length;
    if (start >= span[1] || pos <= span[0]) kept.push(t);
  }
  // The separator whitespace after </think> is not part of the answer either.
  while (kept.length && kept[0].token.trim() === '' && lps.indexOf(kept[0]) > 0) kept.shift();
  return normaliseLogprobs(kept.map((t) => ({ token: t.token, logprob: t.logprob, top_logprobs: t.top })));
}
