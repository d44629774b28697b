/**
 * The webview's DOM builders: elements are created with attributes and text nodes only (never innerHTML), so text
 * from models, tasks or files shows as characters. No state here.
 */
export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined | null | ((ev: Event) => void)>;

/** Creates an element. Strings become text nodes; attributes are set as attributes (never innerHTML). */
export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function button(label: string, key: string, onClick: () => void, opts: { secondary?: boolean; disabled?: boolean; title?: string } = {}): HTMLElement {
  return h('vscode-button', { 'data-key': key, secondary: opts.secondary, disabled: opts.disabled, title: opts.title, 'aria-label': opts.title ?? label, onclick: () => {
    if (!opts.disabled) onClick();
  } }, label);
}
