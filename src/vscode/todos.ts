/**
 * Finds TODO / FIXME comments in source text. Pure (no `vscode`): used by the CodeLens, the quick fix,
 * "Solve with SALE" on the line under the cursor and "SALE: Pick a TODO".
 */

export const TODO_TAGS = ['TODO', 'FIXME', 'XXX', 'HACK', 'BUG'] as const;
export type TodoTag = (typeof TODO_TAGS)[number];

export interface TodoItem {
  /** 0-based line of the tag. */
  line: number;
  /** 0-based column of the tag. */
  column: number;
  /** 0-based last line of the comment (continuation lines included). */
  endLine: number;
  tag: TodoTag;
  /** The comment text after the tag, continuation lines joined with spaces. */
  text: string;
  /** Author or ticket in `TODO(name):`, if any. */
  owner?: string;
}

// A comment opener, then the tag as a whole word, optional (owner), then ':' or whitespace.
// Openers: // /* * # -- <!-- ; %  ('*' and ';' and '%' only at the start of a line, to avoid code like `a * TODO`).
const TAG_RE = new RegExp(
  String.raw`(?:^\s*(?:\*|;+|%+)|(?:^|[\s;{}(),])(?:\/\/+!?|\/\*+!?|#+|--|<!--))\s*(` + TODO_TAGS.join('|') + String.raw`)\b(?:\(([^)]{0,80})\))?\s*(?::|-|\s|$)(.*)$`,
);
// A continuation line: the same kind of comment, not a new tag, not empty.
const CONT_RE = /^\s*(?:\/\/+|#+|\*(?!\/)|--|;+|%+)\s?(.*)$/;
const CLOSERS_RE = /\s*(?:\*\/|-->)\s*$/;

const MAX_CONTINUATION_LINES = 6;
const MAX_TEXT = 500;

function clean(text: string): string {
  return text.replace(CLOSERS_RE, '').trim();
}

function openerKind(line: string, tagIndex: number): string {
  const before = line.slice(0, tagIndex).trimEnd();
  if (/\/\/+!?$/.test(before)) return '//';
  if (/#+$/.test(before)) return '#';
  if (/--$/.test(before) && !/<!--$/.test(before)) return '--';
  if (/;+$/.test(before)) return ';';
  if (/%+$/.test(before)) return '%';
  return 'block';
}

/** Every TODO-like comment in `text`, in order. */
export function findTodos(text: string): TodoItem[] {
  const lines = text.split(/\r?\n/);
  const out: TodoItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > 2000) continue; // minified code: skip
    const m = TAG_RE.exec(line);
    if (!m) continue;
    const tag = m[1] as TodoTag;
    const column = line.indexOf(tag, m.index);
    let body = clean(m[3] ?? '');
    let endLine = i;
    const kind = openerKind(line, column);
    const blockOpen = kind === 'block' && !/\*\/|-->/.test(line.slice(column));
    for (let j = i + 1; j < lines.length && j <= i + MAX_CONTINUATION_LINES; j++) {
      const next = lines[j];
      if (TAG_RE.test(next)) break;
      if (blockOpen) {
        // inside /* … */ or <!-- … -->: take lines up to the closer
        const t = clean(next).replace(/^\s*\*(?!\/)\s?/, '').trim();
        if (!t && !/\*\/|-->/.test(next)) break;
        if (t) body += ` ${t}`;
        endLine = j;
        if (/\*\/|-->/.test(next)) break;
        continue;
      }
      if (kind === 'block') break;
      const c = CONT_RE.exec(next);
      if (!c) break;
      const marker = next.trimStart();
      if (kind !== 'block' && !marker.startsWith(kind === '//' ? '//' : kind)) break;
      const t = clean(c[1]);
      if (!t) break;
      body += ` ${t}`;
      endLine = j;
    }
    body = body.replace(/\s+/g, ' ').trim();
    if (!body) continue; // a bare "TODO" says nothing to solve
    out.push({ line: i, column, endLine, tag, text: body.slice(0, MAX_TEXT), ...(m[2] ? { owner: m[2].trim() } : {}) });
  }
  return out;
}

/** The TODO whose comment covers `line` (0-based), if any. */
export function todoAtLine(text: string, line: number): TodoItem | undefined {
  return findTodos(text).find((t) => line >= t.line && line <= t.endLine);
}

/** A short task title from a TODO: its first sentence, capped. */
export function todoTitle(todo: Pick<TodoItem, 'text'>, max = 120): string {
  const t = todo.text.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return `${cut.slice(0, sp > max / 2 ? sp : max)}…`;
}

/** Lines around a location, numbered (1-based), for the task body. */
export function excerptAround(text: string, line: number, before = 12, after = 18): { startLine: number; text: string } {
  const lines = text.split(/\r?\n/);
  const start = Math.max(0, line - before);
  const end = Math.min(lines.length, line + after + 1);
  const width = String(end).length;
  return {
    startLine: start + 1,
    text: lines.slice(start, end).map((l, i) => `${String(start + i + 1).padStart(width)}  ${l}`).join('\n'),
  };
}
