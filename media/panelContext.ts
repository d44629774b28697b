/**
 * The bid panel's shared parts (webview): the VS Code API handle, sending validated messages, folds that remember
 * whether they are open, and figures for people (exact ones go in tooltips). Imported by every panel section.
 */
import { type WebviewMessage, WebviewMessageSchema } from '../src/vscode/webviewMessages';
import { type Child, h } from './dom';
import { roundForPeople } from './auctionChart';
import { formatUsd } from '../src/core/formatUsd';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
/** The folds (details) a person opened, kept across re-renders and reloads of the webview. */
export const openDetails = new Set<string>((vscode.getState() as { open?: string[] } | undefined)?.open ?? []);

export function send(msg: WebviewMessage): void {
  // Validate our own messages too: a bug here should show up in the log, not as a refused action.
  const r = WebviewMessageSchema.safeParse(msg);
  if (!r.success) {
    console.error('SALE panel: refusing to send an invalid message', r.error.issues);
    return;
  }
  vscode.postMessage(r.data);
}

export function details(key: string, summary: Child | Child[], body: Child | Child[], className = ''): HTMLElement {
  const d = h('details', { 'data-key': key, class: className, open: openDetails.has(key) },
    h('summary', {}, summary), body) as HTMLDetailsElement;
  d.addEventListener('toggle', () => {
    if (d.open) openDetails.add(key);
    else openDetails.delete(key);
    vscode.setState({ open: [...openDetails] });
  });
  return d;
}

/** Dollars for people (the one 'ui' formatter); the exact figure is in the element's tooltip (see usd()). */
export const fmtUsd = (usd: number): string => formatUsd(usd, 'ui');
export const usd = (v: number): HTMLElement => h('span', { title: formatUsd(v, 'micro') }, fmtUsd(v));

/** A figure for people (3 significant digits); the exact one is in the metric's tooltip. */
export const people = (n: number): string => (Number.isFinite(n) ? roundForPeople(n) : '–');

export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function fmt(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toFixed(digits);
}
