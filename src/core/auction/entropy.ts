import type { TokenLogprob } from '../ports/chatModel';

/**
 * Entropy of a plan from its token logprobs. Servers send different top-k (OpenAI up to 20, vLLM/Ollama what
 * was asked, some fewer), and a top-20 entropy is larger than a top-5 one of the same distribution. So every
 * bid in an auction is measured at one common k: the alternatives are truncated to the k most likely and
 * renormalised to sum to 1 (DESIGN "Logprobs of any top-k").
 */
/** Alternatives asked for per token (top_logprobs). More from an endpoint are ignored, so H ≤ ln 5 always. */
export const ENTROPY_TOP_K = 5;

/** Entropy (nats) of one token's distribution from its k most likely alternatives, renormalised. */
export function tokenEntropy(t: TokenLogprob, k = ENTROPY_TOP_K): number {
  const sorted = t.top.length ? [...t.top].sort((a, b) => b.logprob - a.logprob) : [{ token: t.token, logprob: t.logprob }];
  const ps = sorted.slice(0, Math.max(1, k)).map((a) => Math.exp(a.logprob)).filter((p) => Number.isFinite(p) && p > 0);
  const z = ps.reduce((s, p) => s + p, 0);
  if (z <= 0) return 0;
  return ps.reduce((h, p) => {
    const q = p / z;
    return h - q * Math.log(q);
  }, 0);
}

/** The top-k this completion was sent with (most alternatives any token has), 0 when absent. */
export function availableTopK(logprobs: TokenLogprob[] | undefined): number {
  if (!logprobs || logprobs.length === 0) return 0;
  return logprobs.reduce((k, t) => Math.max(k, t.top.length), 0);
}

/** The k every bid is measured at: ENTROPY_TOP_K, or less when some bidder sent fewer alternatives. */
export function commonTopK(all: (TokenLogprob[] | undefined)[]): number {
  const ks = all.map(availableTopK).filter((k) => k >= 2);
  return ks.length ? Math.min(ENTROPY_TOP_K, ...ks) : 0;
}

/** Mean per-token entropy of a completion at top-k, or null when the endpoint gave no (usable) logprobs. */
export function meanEntropy(logprobs: TokenLogprob[] | undefined, k = ENTROPY_TOP_K): number | null {
  if (!logprobs || logprobs.length === 0 || availableTopK(logprobs) < 2 || k < 2) return null;
  return logprobs.reduce((s, t) => s + tokenEntropy(t, k), 0) / logprobs.length;
}
