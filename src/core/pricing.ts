import type { TokenPrice } from './ports/chatModel';

/** One blended $/MTok figure for the score: plans are output tokens, so output price dominates (3:1). */
export function blendedPrice(p: TokenPrice): number {
  return (p.inputPerMTok + 3 * p.outputPerMTok) / 4;
}

export function usageCostUsd(p: TokenPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1e6;
}
