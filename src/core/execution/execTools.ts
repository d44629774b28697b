import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { errorMessage } from '../errors';
import { formatZodIssues } from '../zodIssues';
import type { FileJournal } from '../workspace/fileJournal';
import type { CancelSignal } from '../ports/cancel';
import { type CommandApprover, type CommandResult, type CommandRunner, commandPassed } from '../ports/commandRunner';
import { capText, clipLine, countOccurrences, lineCount, nearestHint, occurrenceLines, splitLines, tailText } from './toolText';
import { EXEC_TOOL_NAMES, type ExecToolName } from './toolSpecs';
import { looksBinary, walkWorkspace } from '../workspace/workspaceGate';

/**
 * The execution tools (EXEC_TOOLS) over the workspace gate, the file journal and a command runner.
 * Over 300 lines on purpose: `ExecToolbox` is one class with one method per tool and their shared argument
 * checks; splitting the tools apart would scatter the one rule they share (never throw at the model). The text
 * helpers live in toolText.ts.
 * `ExecToolbox.call` never throws for anything the model sends: unknown tools, malformed JSON, invalid arguments,
 * refused paths and failing edits all come back as a message for the model. Every result is capped.
 */
export interface ExecToolLimits {
  /** Cap of any single tool result the model sees, in characters (head and tail are kept). */
  maxResultChars: number;
  /** Characters of the test output's tail shown to the model. */
  testTailChars: number;
  /** Characters of a run_command output shown to the model (head and tail). */
  commandOutputChars: number;
  /** Lines read_file returns per call. */
  readMaxLines: number;
  /** Characters per line in read_file and search results. */
  maxLineChars: number;
  /** Entries list_files returns. */
  listMaxEntries: number;
  /** Matches search returns. */
  searchMaxMatches: number;
  /** Files larger than this are skipped by search. */
  searchMaxFileBytes: number;
  testTimeoutMs: number;
  commandTimeoutMs: number;
}

export const DEFAULT_EXEC_TOOL_LIMITS: ExecToolLimits = {
  maxResultChars: 16_000,
  testTailChars: 4096,
  commandOutputChars: 8000,
  readMaxLines: 400,
  maxLineChars: 500,
  listMaxEntries: 300,
  searchMaxMatches: 100,
  searchMaxFileBytes: 1024 * 1024,
  testTimeoutMs: 5 * 60_000,
  commandTimeoutMs: 2 * 60_000,
};

export interface ExecToolEnv {
  journal: FileJournal;
  runner: CommandRunner;
  approver: CommandApprover;
  /** The task's test command; run_tests refuses without one. */
  testCommand?: string;
  signal?: CancelSignal;
  limits?: Partial<ExecToolLimits>;
}

export interface ToolOutcome {
  /** The tool name as the model sent it. */
  name: string;
  /** What the model gets back, already capped to `maxResultChars`. */
  content: string;
  /** False for refusals, errors and failed edits (a failing test run is ok: the tool worked). */
  ok: boolean;
  /** True when the call changed (or may have changed) workspace files. */
  changed: boolean;
  /** Set by run_tests. */
  test?: CommandResult;
  /** Set by run_command when it ran. */
  command?: CommandResult;
  /** Set by finish. */
  finished?: { summary: string };
}

const pathArg = z.string({ error: 'must be a string (a path relative to the repository root)' });
const lineArg = z.coerce.number().int().min(1).optional();

const argSchemas = {
  list_files: z.object({ path: pathArg.optional() }),
  read_file: z.object({ path: pathArg, startLine: lineArg, endLine: lineArg }),
  search: z.object({ query: z.string().min(1, 'must not be empty'), path: pathArg.optional() }),
  edit_file: z.object({ path: pathArg, search: z.string().min(1, 'must not be empty'), replace: z.string() }),
  write_file: z.object({ path: pathArg, content: z.string() }),
  run_tests: z.object({}),
  run_command: z.object({ command: z.string().trim().min(1, 'must not be empty') }),
  finish: z.object({ summary: z.string().optional().default('') }),
} satisfies Record<ExecToolName, z.ZodType>;

export class ExecToolbox {
  readonly limits: ExecToolLimits;

  constructor(private readonly env: ExecToolEnv) {
    this.limits = { ...DEFAULT_EXEC_TOOL_LIMITS, ...env.limits };
  }

  async call(name: string, rawArgs: string): Promise<ToolOutcome> {
    const fail = (content: string): ToolOutcome => ({ name, content: capText(content, this.limits.maxResultChars), ok: false, changed: false });
    if (!(EXEC_TOOL_NAMES as readonly string[]).includes(name)) {
      return fail(`Unknown tool "${String(name).slice(0, 100)}". Available tools: ${EXEC_TOOL_NAMES.join(', ')}.`);
    }
    const tool = name as ExecToolName;
    let json: unknown;
    const text = (rawArgs ?? '').trim();
    if (text === '') json = {};
    else {
      try {
        json = JSON.parse(text);
      } catch (e) {
        return fail(`The arguments of ${tool} are not valid JSON (${errorMessage(e)}). Send one JSON object, e.g. ${exampleArgs(tool)}.`);
      }
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      return fail(`The arguments of ${tool} must be a JSON object, e.g. ${exampleArgs(tool)}.`);
    }
    const parsed = argSchemas[tool].safeParse(json);
    if (!parsed.success) {
      const issues = formatZodIssues(parsed.error, { style: 'inline', root: '(arguments)' });
      return fail(`Invalid arguments for ${tool}: ${issues}. Example: ${exampleArgs(tool)}.`);
    }
    try {
      const out = await this.dispatch(tool, parsed.data as never);
      return { ...out, name, content: capText(out.content, this.limits.maxResultChars) };
    } catch (e) {
      return fail(`${tool} failed: ${errorMessage(e)}`);
    }
  }

  private dispatch(tool: ExecToolName, args: Record<string, unknown>): Promise<ToolOutcome> {
    switch (tool) {
      case 'list_files': return this.listFiles(args as z.infer<typeof argSchemas.list_files>);
      case 'read_file': return this.readFile(args as z.infer<typeof argSchemas.read_file>);
      case 'search': return this.search(args as z.infer<typeof argSchemas.search>);
      case 'edit_file': return this.editFile(args as z.infer<typeof argSchemas.edit_file>);
      case 'write_file': return this.writeFile(args as z.infer<typeof argSchemas.write_file>);
      case 'run_tests': return this.runTests();
      case 'run_command': return this.runCommand(args as z.infer<typeof argSchemas.run_command>);
      case 'finish': return Promise.resolve(this.finish(args as z.infer<typeof argSchemas.finish>));
    }
  }

  private get gate() {
    return this.env.journal.gate;
  }

  private ok(name: ExecToolName, content: string, extra: Partial<ToolOutcome> = {}): ToolOutcome {
    return { name, content, ok: true, changed: false, ...extra };
  }

  private async listFiles(a: { path?: string }): Promise<ToolOutcome> {
    const g = await this.gate.resolve(a.path ?? '.', { allowRoot: true });
    const st = await fsp.stat(g.abs).catch(() => undefined);
    if (!st) return { ...this.ok('list_files', `"${g.rel}" does not exist.`), ok: false };
    if (!st.isDirectory()) return { ...this.ok('list_files', `"${g.rel}" is a file, not a folder; use read_file.`), ok: false };
    const max = this.limits.listMaxEntries;
    const walk = await walkWorkspace(this.gate.root, g.abs, { maxEntries: max });
    const lines = walk.entries.map((e) => (e.kind === 'dir' ? `${e.rel}/` : e.rel));
    if (!lines.length) return this.ok('list_files', `"${g.rel}" is empty (dependency, build and cache folders are not listed).`);
    if (walk.more) lines.push(`… more entries not shown (cap ${max}); list a subfolder to see them.`);
    return this.ok('list_files', lines.join('\n'));
  }

  private async readFile(a: { path: string; startLine?: number; endLine?: number }): Promise<ToolOutcome> {
    const r = await this.gate.readText(a.path);
    const lines = splitLines(r.text);
    const total = lines.length;
    const start = a.startLine ?? 1;
    if (total === 0) return this.ok('read_file', `${r.rel} is empty.`);
    if (start > total) return { ...this.ok('read_file', `${r.rel} has only ${total} lines; startLine ${start} is past the end.`), ok: false };
    const maxEnd = start + this.limits.readMaxLines - 1;
    const end = Math.min(a.endLine ?? total, total, maxEnd);
    if (end < start) return { ...this.ok('read_file', `endLine ${a.endLine} is before startLine ${start}.`), ok: false };
    const width = String(end).length;
    const body = lines.slice(start - 1, end).map((l, i) => `${String(start + i).padStart(width)}| ${clipLine(l, this.limits.maxLineChars)}`).join('\n');
    const notes: string[] = [];
    if (end < Math.min(a.endLine ?? total, total)) {
      notes.push(`… shown up to line ${end} of ${total} (at most ${this.limits.readMaxLines} lines a call); read on with startLine=${end + 1}.`);
    }
    if (r.truncated) notes.push(`… the file is ${r.totalBytes} bytes; only the first ${this.gate.maxReadBytes} bytes can be read.`);
    const header = `${r.rel} (lines ${start}–${end} of ${total}${r.truncated ? '+' : ''})`;
    return this.ok('read_file', [header, body, ...notes].join('\n'));
  }

  private async search(a: { query: string; path?: string }): Promise<ToolOutcome> {
    const g = await this.gate.resolve(a.path ?? '.', { allowRoot: true });
    const st = await fsp.stat(g.abs).catch(() => undefined);
    if (!st) return { ...this.ok('search', `"${g.rel}" does not exist.`), ok: false };
    const files = st.isDirectory()
      ? (await walkWorkspace(this.gate.root, g.abs, { maxEntries: 20_000 })).entries.filter((e) => e.kind === 'file')
      : [{ abs: g.abs, rel: g.rel, size: st.size }];
    const run = (caseless: boolean) => this.searchFiles(files, a.query, caseless);
    let res = await run(false);
    let note = '';
    if (res.matches.length === 0) {
      res = await run(true);
      if (res.matches.length) note = `No exact-case match; case-insensitive matches:\n`;
    }
    if (res.matches.length === 0) return this.ok('search', `No matches for ${JSON.stringify(a.query)} under "${g.rel}" (binary files, files over ${this.limits.searchMaxFileBytes} bytes and dependency/build folders are skipped).`);
    const more = res.more ? `\n… more matches not shown (cap ${this.limits.searchMaxMatches}); narrow the query or the path.` : '';
    return this.ok('search', `${note}${res.matches.join('\n')}${more}`);
  }

  private async searchFiles(files: { abs: string; rel: string; size: number }[], query: string, caseless: boolean) {
    const matches: string[] = [];
    const q = caseless ? query.toLowerCase() : query;
    for (const f of files) {
      if (f.size > this.limits.searchMaxFileBytes) continue;
      let data: Buffer;
      try {
        data = await fsp.readFile(f.abs);
      } catch {
        continue;
      }
      if (looksBinary(data)) continue;
      const lines = splitLines(data.toString('utf8'));
      for (let i = 0; i < lines.length; i++) {
        const line = caseless ? lines[i].toLowerCase() : lines[i];
        if (!line.includes(q)) continue;
        if (matches.length >= this.limits.searchMaxMatches) return { matches, more: true };
        matches.push(`${f.rel}:${i + 1}: ${clipLine(lines[i].trim(), this.limits.maxLineChars / 2)}`);
      }
    }
    return { matches, more: false };
  }

  private async editFile(a: { path: string; search: string; replace: string }): Promise<ToolOutcome> {
    const r = await this.gate.readText(a.path);
    const failed = (msg: string) => ({ ...this.ok('edit_file', msg), ok: false });
    if (r.truncated) return failed(`${r.rel} is ${r.totalBytes} bytes, too large to edit with search/replace.`);
    const original = await fsp.readFile(r.abs);
    if (!Buffer.from(r.text, 'utf8').equals(original)) return failed(`${r.rel} is not valid UTF-8 text; it cannot be edited safely.`);
    let search = a.search;
    let replace = a.replace;
    let count = countOccurrences(r.text, search);
    if (count === 0 && r.text.includes('\r\n') && !search.includes('\r\n') && search.includes('\n')) {
      // The file uses CRLF line ends; the model almost always writes LF.
      const crlf = search.replace(/\n/g, '\r\n');
      if (countOccurrences(r.text, crlf) > 0) {
        search = crlf;
        replace = replace.replace(/\r?\n/g, '\r\n');
        count = countOccurrences(r.text, search);
      }
    }
    if (count === 0) return failed(`The search text was not found in ${r.rel}; nothing was changed. ${nearestHint(r.text, a.search)}`);
    if (count > 1) {
      const lines = occurrenceLines(r.text, search).slice(0, 10);
      return failed(`The search text occurs ${count} times in ${r.rel} (at lines ${lines.join(', ')}); nothing was changed. ` +
        'Include more surrounding lines in `search` so that it matches exactly one place.');
    }
    if (search === replace) return failed('`search` and `replace` are identical; nothing to change.');
    const at = r.text.indexOf(search);
    const next = r.text.slice(0, at) + replace + r.text.slice(at + search.length);
    await this.env.journal.writeText(r.rel, next);
    const line = r.text.slice(0, at).split('\n').length;
    return this.ok('edit_file', `Edited ${r.rel} at line ${line} (${lineCount(search)} line(s) replaced by ${lineCount(replace)}).`, { changed: true });
  }

  private async writeFile(a: { path: string; content: string }): Promise<ToolOutcome> {
    const w = await this.env.journal.writeText(a.path, a.content);
    return this.ok('write_file', `${w.created ? 'Created' : 'Overwrote'} ${w.rel} (${w.bytes} bytes).`, { changed: true });
  }

  private async runTests(): Promise<ToolOutcome> {
    const cmd = this.env.testCommand;
    if (!cmd) return { ...this.ok('run_tests', 'No test command is known for this task, so tests cannot be run.'), ok: false };
    const res = await this.env.runner.run(cmd, { cwd: this.gate.root, timeoutMs: this.limits.testTimeoutMs, signal: this.env.signal });
    const passed = commandPassed(res);
    const tail = tailText(res.output, this.limits.testTailChars);
    const content = `Test command: ${cmd}\nExit code: ${describeExit(res)}\nResult: ${passed ? 'PASSED' : 'FAILED'}\n` +
      `--- output${tail.cut ? ` (last ${this.limits.testTailChars} characters; ${tail.cut} earlier characters cut)` : ''} ---\n${tail.text || '(no output)'}`;
    return this.ok('run_tests', content, { test: res });
  }

  private async runCommand(a: { command: string }): Promise<ToolOutcome> {
    let approved = false;
    try {
      approved = await this.env.approver.approve(a.command);
    } catch {
      approved = false;
    }
    if (!approved) {
      return { ...this.ok('run_command', `The command was not approved (by the user or the allow-list), so it did not run: ${a.command}. Use the file tools and run_tests instead.`), ok: false };
    }
    const snap = await this.env.journal.snapshotBeforeCommand();
    let res: CommandResult | undefined;
    let runError: unknown;
    try {
      res = await this.env.runner.run(a.command, { cwd: this.gate.root, timeoutMs: this.limits.commandTimeoutMs, signal: this.env.signal });
    } catch (e) {
      runError = e;
    }
    // Recorded even when the runner failed: a half-run command can still have changed files.
    const changes = await this.env.journal.recordCommandChanges(snap);
    if (!res) throw runError;
    const notes: string[] = [];
    if (changes.recorded.length) notes.push(`Files changed by the command: ${changes.recorded.slice(0, 20).join(', ')}${changes.recorded.length > 20 ? ', …' : ''}`);
    if (changes.notRevertible.length) notes.push(`Warning: ${changes.notRevertible.length} changed file(s) could not be snapshotted and cannot be reverted exactly.`);
    const out = capText(res.output, this.limits.commandOutputChars);
    const content = `Command: ${a.command}\nExit code: ${describeExit(res)}\n--- output ---\n${out || '(no output)'}${notes.length ? `\n${notes.join('\n')}` : ''}`;
    return this.ok('run_command', content, { command: res, changed: changes.recorded.length + changes.notRevertible.length > 0 });
  }

  private finish(a: { summary: string }): ToolOutcome {
    return this.ok('finish', 'Finish received.', { finished: { summary: a.summary } });
  }
}

function describeExit(r: CommandResult): string {
  if (r.exitCode !== undefined && !r.timedOut) return String(r.exitCode);
  if (r.timedOut) return 'none (timed out; counts as a failure)';
  return 'none (no exit code observed: killed, cancelled or not started; counts as a failure)';
}

function exampleArgs(tool: ExecToolName): string {
  switch (tool) {
    case 'list_files': return '{"path": "src"}';
    case 'read_file': return '{"path": "src/index.js", "startLine": 1, "endLine": 80}';
    case 'search': return '{"query": "function truncate"}';
    case 'edit_file': return '{"path": "src/a.js", "search": "old exact text", "replace": "new text"}';
    case 'write_file': return '{"path": "src/new.js", "content": "…"}';
    case 'run_tests': return '{}';
    case 'run_command': return '{"command": "npm run lint"}';
    case 'finish': return '{"summary": "what changed and why"}';
  }
}
