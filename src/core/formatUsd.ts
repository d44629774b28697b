/**
 * The one dollar formatter. Three styles because the places differ in what a reader needs:
 * - 'ui' (panel, status bar, notifications): "$0", 4 decimals under a cent, else cents;
 * - 'micro' (CLI logs and tables): always 6 decimals, so simulated fractions of a cent stay comparable line to line;
 * - 'sig4' (bench reports): 4 significant digits (2 to 8 decimals), "—" for a missing figure.
 */
export type UsdStyle = 'ui' | 'micro' | 'sig4';

export function formatUsd(usd: number, style: UsdStyle = 'ui'): string {
  switch (style) {
    case 'ui':
      if (usd === 0) return '$0';
      if (usd < 0.01) return `$${usd.toFixed(4)}`;
      return `$${usd.toFixed(2)}`;
    case 'micro':
      return `$${usd.toFixed(6)}`;
    case 'sig4':
      if (!Number.isFinite(usd)) return '—';
      if (usd === 0) return '$0';
      return `$${usd.toFixed(usdDigits(usd))}`;
  }
}

/** Decimals that give `v` four significant digits, clamped to 2..8 (also used for a spread's ± part). */
export function usdDigits(v: number): number {
  return Math.min(8, Math.max(2, 3 - Math.floor(Math.log10(Math.abs(v)))));
}
