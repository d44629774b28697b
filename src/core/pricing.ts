import type { TokenPrice } from './ports/chatModel';

/** One blended $/MTok figure for the score: plans are output tokens, so output price dominates (3:1). */
export function blendedPrice(p: TokenPrice): number {
  return (p.inputPerMTok + 3 * p.outputPerMTok) / 4;
}

/** Dollars of one call. Cached prompt tokens are part of `inputTokens` and cost `cachedInputPerMTok` when set. */
export function usageCostUsd(p: TokenPrice, inputTokens: number, outputTokens: number, cachedInputTokens = 0): number {
  const cached = Math.min(Math.max(0, cachedInputTokens), inputTokens);
  return ((inputTokens - cached) * p.inputPerMTok + cached * (p.cachedInputPerMTok ?? p.inputPerMTok) + outputTokens * p.outputPerMTok) / 1e6;
}
