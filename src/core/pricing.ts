import type { TokenPrice } from './ports/chatModel';

/** One blended $/MTok figure for the score: plans are output tokens, so output price dominates (3:1). */
export function blendedPrice(p: TokenPrice): number {
  return (p.inputPerMTok + 3 * p.outputPerMTok) / 4;
}

/**
 * Dollars of one call. `cachedInputTokens` (part of `inputTokens`) are charged at `cachedInputPerMTok` when the
 * pool gives one (clamped to 0..inputTokens; the model client has already refused counts it cannot trust).
 */
export function usageCostUsd(p: TokenPrice, inputTokens: number, outputTokens: number, cachedInputTokens = 0): number {
  const cached = Math.min(Math.max(0, cachedInputTokens), inputTokens);
  const cachedPrice = p.cachedInputPerMTok ?? p.inputPerMTok;
  return ((inputTokens - cached) * p.inputPerMTok + cached * cachedPrice + outputTokens * p.outputPerMTok) / 1e6;
}
