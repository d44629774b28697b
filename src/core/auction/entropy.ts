import type { TokenLogprob } from '../ports/chatModel';

/**
 * Entropy (nats) of one token's distribution estimated from its top-k alternatives, renormalised to sum to 1.
 * Top-k misses the tail, so this is an estimate, the same one for every agent.
 */
/** Alternatives asked for per token (top_logprobs). More from an endpoint are ignored, so H ≤ ln 5 always. */
export const ENTROPY_TOP_K = 5;

export function tokenEntropy(t: TokenLogprob): number {
  const alts = t.top.length ? t.top.slice(0, ENTROPY_TOP_K) : [{ token: t.token, logprob: t.logprob }];
  const ps = alts.map((a) => Math.exp(a.logprob)).filter((p) => Number.isFinite(p) && p > 0);
  const z = ps.reduce((s, p) => s + p, 0);
  if (z <= 0) return 0;
  return ps.reduce((h, p) => {
    const q = p / z;
    return h - q * Math.log(q);
  }, 0);
}

/** Mean per-token entropy of a completion, or null when the endpoint gave no logprobs. */
export function meanEntropy(logprobs: TokenLogprob[] | undefined): number | null {
  if (!logprobs || logprobs.length === 0) return null;
  return logprobs.reduce((s, t) => s + tokenEntropy(t), 0) / logprobs.length;
}
