/**
 * Turns what the user pointed at — a TODO comment, an editor selection, typed text, a GitHub issue — into a
 * CodingTask. Pure (no `vscode`), so each rule is unit-tested.
 */
import { randomBytes } from 'node:crypto';
import type { CodingTask, TaskSource } from '../core/task';
import { excerptAround, todoTitle, type TodoItem } from './todos';

const MAX_TITLE = 120;
const MAX_BODY = 12_000;

export interface TaskBase {
  /** Repository label for memory (origin URL or folder name). */
  repo: string;
  testCommand?: string;
}

export function newTaskId(source: TaskSource, now = Date.now()): string {
  return `${source}-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

function firstLineTitle(text: string): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const stripped = line.replace(/^(?:\/\/+|#+|\/\*+|\*+|--|<!--)\s*/, '').replace(/\s*(?:\*\/|-->)$/, '').trim();
  if (stripped.length <= MAX_TITLE) return stripped;
  const cut = stripped.slice(0, MAX_TITLE);
  const sp = cut.lastIndexOf(' ');
  return `${cut.slice(0, sp > MAX_TITLE / 2 ? sp : MAX_TITLE)}…`;
}

function capBody(body: string): string {
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n…(truncated)` : body;
}

/** Typed text: the first line is the title, the rest (or the whole text, if it is one line) the body. */
export function taskFromText(text: string, base: TaskBase): CodingTask {
  const trimmed = text.trim();
  if (!trimmed) throw new Error('The task text is empty.');
  const lines = trimmed.split(/\r?\n/);
  const title = firstLineTitle(trimmed);
  const rest = lines.slice(1).join('\n').trim();
  return {
    id: newTaskId('text'),
    title,
    body: capBody(rest || (title === trimmed ? '' : trimmed)),
    source: 'text',
    repo: base.repo,
    testCommand: base.testCommand,
  };
}

export interface SelectionInput {
  /** Path relative to the workspace folder, with forward slashes. */
  file: string;
  /** 0-based first and last lines of the selection. */
  startLine: number;
  endLine: number;
  selectedText: string;
  languageId?: string;
}

/**
 * A selection: if it reads like prose (a description, a comment, an issue pasted in), it is the task; if it is
 * code, the task is about that code and the title says where it is.
 */
export function taskFromSelection(sel: SelectionInput, base: TaskBase): CodingTask {
  const text = sel.selectedText.replace(/\s+$/, '');
  if (!text.trim()) throw new Error('The selection is empty.');
  const where = `${sel.file}:${sel.startLine + 1}${sel.endLine > sel.startLine ? `-${sel.endLine + 1}` : ''}`;
  const code = looksLikeCode(text);
  const title = code ? `Fix the code at ${where}` : firstLineTitle(text);
  const fence = '```';
  const body = code
    ? `The user selected this code in ${where}:\n\n${fence}${sel.languageId ?? ''}\n${text}\n${fence}`
    : `${text.trim()}\n\n(Selected in ${where}.)`;
  return {
    id: newTaskId('selection'),
    title,
    body: capBody(body),
    source: 'selection',
    repo: base.repo,
    testCommand: base.testCommand,
    focusFiles: [sel.file],
  };
}

/** Heuristic: several lines with code punctuation, or a single line that ends like a statement. */
export function looksLikeCode(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 0) return false;
  const commentOnly = lines.every((l) => /^\s*(?:\/\/|#|\*|\/\*|--|<!--)/.test(l));
  if (commentOnly) return false;
  const codey = lines.filter((l) => /[;{}()=]\s*$|^\s*(?:function|const|let|var|def|class|return|if|for|while|import|export)\b|=>/.test(l)).length;
  return codey / lines.length >= 0.4;
}

export interface TodoInput {
  file: string;
  todo: TodoItem;
  /** The whole text of the file, for an excerpt around the comment. */
  fileText: string;
}

export function taskFromTodo(input: TodoInput, base: TaskBase): CodingTask {
  const { todo, file } = input;
  const ex = excerptAround(input.fileText, todo.line);
  const fence = '```';
  const body = `${todo.text}\n\nFrom a ${todo.tag} comment in ${file}:${todo.line + 1}${todo.owner ? ` (${todo.owner})` : ''}. ` +
    `Resolve it and remove the comment when done.\n\n${fence}\n${ex.text}\n${fence}`;
  return {
    id: newTaskId('todo'),
    title: todoTitle(todo, MAX_TITLE),
    body: capBody(body),
    source: 'todo',
    repo: base.repo,
    testCommand: base.testCommand,
    focusFiles: [file],
  };
}

export interface IssueInput {
  number: number;
  title: string;
  body: string | null;
  url: string;
  labels?: string[];
}

export function taskFromIssue(issue: IssueInput, base: TaskBase): CodingTask {
  const labels = issue.labels?.length ? `\n\nLabels: ${issue.labels.join(', ')}` : '';
  return {
    id: newTaskId('issue'),
    title: issue.title.trim().slice(0, 300),
    body: capBody(`${(issue.body ?? '').trim()}\n\n(GitHub issue #${issue.number}: ${issue.url})${labels}`.trim()),
    source: 'issue',
    repo: base.repo,
    testCommand: base.testCommand,
  };
}
