/**
 * The width of an 11px chart label in the webview's own font (canvas measureText), for labelLayout; the estimate
 * when no canvas context is available. The font is read once per render, so a theme or font change is followed.
 */
import { estimateTextWidth, type MeasureText } from './labelLayout';

let canvas: HTMLCanvasElement | undefined;

export function measureLabel(): MeasureText {
  canvas ??= document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return estimateTextWidth;
  ctx.font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
  // +2 px: anti-aliasing and the SVG's own rounding.
  return (text) => Math.ceil(ctx.measureText(text).width) + 2;
}
