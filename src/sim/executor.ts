import { fileCalls, readRanges } from './hunkEdits';
import { Rng } from './random';
import type { Bin, Draw } from './successModel';
import type { SimTask } from './taskIndex';
import { reasoningParagraph } from './textFiller';
import type { AgentSim } from './worldConfig';

/**
 * The simulated executor: plays the edit–test loop through the tools of toolSpecs.ts, one tool call per turn.
 * It is stateless: the conversation so far (its own earlier tool calls and their results) is replayed through
 * a script, and the first step beyond the history is the answer. With a successful draw it writes the hidden
 * solution; with a failing one it makes a plausible change that does not fix anything (a comment claiming the
 * fix), so the fixture's tests keep failing. Pass/fail is read from the run_tests result text (see testsPassed).
 */

export interface PastCall {
  name: string;
  args: Record<string, unknown>;
  /** The tool message answering this call, if any. */
  result: string | undefined;
}

export interface ExecStep {
  /** The turn's visible reasoning (its length follows the trace-length model). */
  content: string;
  call?: { name: string; args: Record<string, unknown> };
}

export interface ExecContext {
  agent: AgentSim;
  worldSeed: number;
  requestSeed: number | undefined;
  /** Undefined for tasks the simulator does not know (it then only looks around and gives up). */
  task: SimTask | undefined;
  taskKey: string;
  bin: Bin;
  draw: Draw;
  /** Tool names offered in the request. */
  tools: Set<string>;
  testCommand: string | undefined;
}

/**
 * True when a run_tests/run_command result reports exit code 0. Accepted spellings: "exit code: 0",
 * "exit code 0", "exitCode: 0", "exit_code=0", JSON "exitCode": 0. No exit code found = failure.
 */
export function testsPassed(result: string | undefined): boolean {
  if (!result) return false;
  const m = /exit[ _-]?code["']?\s*[:=]?\s*(-?\d+)/i.exec(result);
  return !!m && Number(m[1]) === 0;
}

function commentFor(path: string, text: string): string | undefined {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  if (['js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'java', 'c', 'h', 'cc', 'cpp', 'go', 'rs', 'cs', 'kt', 'swift', 'scala', 'php', 'dart'].includes(ext)) return `// ${text}`;
  if (['py', 'sh', 'rb', 'yml', 'yaml', 'toml', 'pl', 'r', 'mk', 'cfg', 'ini'].includes(ext) || path.endsWith('Makefile')) return `# ${text}`;
  if (['css', 'scss', 'less'].includes(ext)) return `/* ${text} */`;
  if (['html', 'xml', 'svg', 'md', 'vue'].includes(ext)) return `<!-- ${text} -->`;
  if (['sql', 'lua', 'hs'].includes(ext)) return `-- ${text}`;
  return undefined;
}

/** A change that looks like an attempt but does not alter behaviour: a comment claiming the fix above the changed line. */
function wrongChange(path: string, before: string | undefined, after: string, note: string): { name: 'edit_file' | 'write_file'; args: Record<string, unknown> } {
  const comment = commentFor(path, note);
  if (before === undefined) return { name: 'write_file', args: { path, content: comment ? `${comment}\n` : '\n' } };
  if (!comment) return { name: 'write_file', args: { path, content: before.endsWith('\n') ? before : `${before}\n` } };
  const a = before.split('\n');
  const b = after.split('\n');
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  const unique = (line: string) => line.trim().length > 0 && before.indexOf(line) === before.lastIndexOf(line);
  for (let d = 0; d < a.length; d++) {
    for (const i of [p + d, p - d]) {
      if (i < 0 || i >= a.length || !unique(a[i])) continue;
      const indent = /^\s*/.exec(a[i])![0];
      return { name: 'edit_file', args: { path, search: a[i], replace: `${indent}${comment}\n${a[i]}` } };
    }
  }
  return { name: 'write_file', args: { path, content: `${comment}\n${before}` } };
}

function turnTokens(ctx: ExecContext, turn: number): number {
  const t = ctx.agent.trace;
  const r = new Rng(ctx.worldSeed, ctx.requestSeed ?? 0, 'trace-length', ctx.agent.id, ctx.taskKey, turn);
  const mean = t.tokensPerTurn * t.verbosity * (1 + t.growthPerBin * (ctx.bin - 1));
  return Math.max(8, Math.round(mean * Math.exp(t.noise * r.normal() - (t.noise * t.noise) / 2)));
}

type Step = { lead: string; name: string; args: Record<string, unknown> } | { lead: string; finish: string };

function* script(ctx: ExecContext): Generator<Step, void, string | undefined> {
  const has = (n: string) => ctx.tools.has(n);
  const task = ctx.task;
  if (has('list_files')) yield { lead: 'First I will look at the layout of the repository.', name: 'list_files', args: { path: '.' } };
  if (!task) {
    if (has('run_tests')) yield { lead: 'Let me see what the tests say.', name: 'run_tests', args: {} };
    yield { lead: 'I could not find where to make this change with confidence.', finish: 'I could not identify a safe change for this task, so I left the repository unchanged.' };
    return;
  }
  const files = task.solution;
  // The file a failing agent fiddles with and re-reads: the first solution file that already exists.
  const target = files.find((x) => task.original.get(x.path) !== undefined) ?? files[0];
  // Large files are read only around the lines that change (a whole 4k-token file costs every later turn too).
  const reads = (f: { path: string; content: string }) => {
    const before = task.original.get(f.path);
    if (before === undefined) return [];
    const ranges = readRanges(before, f.content);
    return ranges ? ranges.map((r) => ({ path: f.path, ...r })) : [{ path: f.path }];
  };
  if (has('read_file')) {
    for (const f of files) for (const args of reads(f)) yield { lead: `Reading ${f.path}${'startLine' in args ? ` (lines ${args.startLine}–${args.endLine})` : ''}, which the plan says to change.`, name: 'read_file', args };
  }
  const canEdit = has('edit_file');
  const canWrite = has('write_file');
  const key = task.task.keySteps;
  const notes = [key[0], 'handle the edge cases described in the task', key[key.length - 1], 'keep the behaviour consistent with the tests'];
  const maxAttempts = 1 + ctx.agent.execution.maxRetries;
  for (let attempt = 1; ; attempt++) {
    if (ctx.draw.success && attempt === 1) {
      for (const f of files) yield* changeFile(f.path, task.original.get(f.path), f.content, canEdit, canWrite);
    } else if (ctx.draw.success) {
      // Files already hold the solution; a retry only rewrites those small enough to send whole.
      for (const f of files) if (canWrite && (fileCalls(f.path, undefined, f.content)?.length ?? 2) === 1) yield { lead: `Writing the corrected ${f.path}.`, name: 'write_file', args: { path: f.path, content: f.content } };
    } else {
      const f = target;
      if (f) {
        const change = wrongChange(f.path, task.original.get(f.path), f.content, capitalizeNote(notes[(attempt - 1) % notes.length]));
        if ((change.name === 'edit_file' && canEdit) || (change.name === 'write_file' && canWrite)) {
          yield { lead: `Changing ${f.path} as planned.`, name: change.name, args: change.args };
        }
      }
    }
    let result: string | undefined;
    if (has('run_tests')) result = yield { lead: 'Now I will run the tests.', name: 'run_tests', args: {} };
    else if (has('run_command') && ctx.testCommand) result = yield { lead: 'Now I will run the tests.', name: 'run_command', args: { command: ctx.testCommand } };
    if (testsPassed(result)) {
      yield {
        lead: 'The tests pass.',
        finish: `Changed ${files.map((f) => f.path).join(', ')}: ${key.join('; ')}. The test command now exits with code 0.`,
      };
      return;
    }
    if (attempt >= maxAttempts) {
      yield {
        lead: 'The tests still fail and I am out of ideas that fit the plan.',
        finish: `I could not make the tests pass after ${attempt} attempt${attempt > 1 ? 's' : ''}; the last test run still failed. The change to ${target?.path ?? 'the code'} is incomplete.`,
      };
      return;
    }
    if (has('read_file') && target && task.original.get(target.path) !== undefined) {
      yield { lead: 'The tests still fail; let me read the file again.', name: 'read_file', args: reads(target)[0] };
    }
  }
}

/**
 * The calls that write one solution file: one edit_file per hunk (or a new file in parts), as hunkEdits plans
 * them. An edit the tool refuses makes the agent fall back to writing the file whole.
 */
function* changeFile(path: string, before: string | undefined, after: string, canEdit: boolean, canWrite: boolean): Generator<Step, void, string | undefined> {
  const planned = fileCalls(path, before, after);
  const usable = planned && planned.every((c) => (c.name === 'edit_file' ? canEdit : canWrite));
  if (usable) {
    if (!planned.length) return;
    let i = 0;
    for (const c of planned) {
      i++;
      const lead = c.name === 'edit_file'
        ? `Applying the change to ${path}${planned.length > 1 ? ` (hunk ${i} of ${planned.length})` : ''}.`
        : `Writing ${path}${planned.length > 1 ? ` (part ${i} of ${planned.length})` : ''}.`;
      const result = yield { lead, name: c.name, args: c.args };
      if (callFailed(result)) break;
      if (i === planned.length) return;
    }
  }
  if (canWrite) yield { lead: `Writing the corrected ${path}.`, name: 'write_file', args: { path, content: after } };
}

/** True when a tool result reads as a refusal (any tool implementation's wording, not only ours). */
function callFailed(result: string | undefined): boolean {
  return result === undefined || /nothing was changed|^(error|invalid)|not found|found \d+ times|too large|does not exist|not valid|binary|refused|outside/i.test(result);
}

function capitalizeNote(s: string): string {
  const t = s.trim();
  return `${t[0]?.toUpperCase() ?? ''}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/**
 * The next turn given the calls made so far. A `finish` step becomes a finish tool call when that tool is
 * offered, and plain text otherwise; after the script ends the agent just says it is done.
 */
export function nextExecStep(ctx: ExecContext, history: PastCall[], identifier?: string): ExecStep {
  const gen = script(ctx);
  let step = gen.next();
  for (const past of history) {
    if (step.done) break;
    step = gen.next(past.result);
  }
  const turn = history.length;
  const vars = { id: identifier ?? 'the code', file: ctx.task?.solution[0]?.path ?? 'the code' };
  const rng = new Rng(ctx.worldSeed, ctx.requestSeed ?? 0, 'trace-text', ctx.agent.id, ctx.taskKey, turn, ctx.draw.success);
  const tokens = turnTokens(ctx, turn);
  if (step.done) {
    // The loop may refuse a finish (e.g. "tests have not passed yet"); the agent has nothing left to try, so it
    // finishes again with the same summary (a bounded number of times), then only talks.
    const finishes = history.filter((h) => h.name === 'finish');
    const last = finishes[finishes.length - 1];
    if (last && ctx.tools.has('finish') && finishes.length < 3) {
      return { content: reasoningParagraph(Math.min(tokens, 60), 'I have nothing further that fits the plan.', vars, rng), call: { name: 'finish', args: last.args } };
    }
    return { content: 'Done; nothing more to do.' };
  }
  const s = step.value;
  const content = reasoningParagraph(tokens, s.lead, vars, rng);
  if ('finish' in s) {
    if (ctx.tools.has('finish')) return { content, call: { name: 'finish', args: { summary: s.finish } } };
    return { content: `${content}\n\n${s.finish}` };
  }
  return { content, call: { name: s.name, args: s.args } };
}
