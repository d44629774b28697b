/**
 * The one dollar formatter. Three styles because the places differ in what a reader needs:
 * - 'ui' (panel, status bar, notifications, routing view): for people — "$0", two significant digits under a
 *   dollar ($0.013, $0.0042), cents from a dollar up, "<$0.0001" below that; the exact figure goes in a tooltip
 *   ('micro'). Every place a person reads uses this one style, so one spend never shows as $0.01 here, $0.013 there;
 * - 'micro' (CLI logs and tables): always 6 decimals, so simulated fractions of a cent stay comparable line to line;
 * - 'sig4' (bench reports): 4 significant digits (2 to 8 decimals), "—" for a missing figure.
 */
export type UsdStyle = 'ui' | 'micro' | 'sig4';

export function formatUsd(usd: number, style: UsdStyle = 'ui'): string {
  switch (style) {
    case 'ui':
      if (!Number.isFinite(usd)) return '—';
      if (usd === 0) return '$0';
      if (usd < 0) return `−${formatUsd(-usd, 'ui')}`;
      if (usd < 0.0001) return '<$0.0001';
      if (Number(usd.toPrecision(2)) < 1) return `$${Number(usd.toPrecision(2))}`;
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
