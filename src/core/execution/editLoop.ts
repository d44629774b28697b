import { inputTokenBound } from '../callBudget';
import type { ChatMessage, ChatModel, ChatResult } from '../ports/chatModel';
import { errorMessage } from '../errors';
import type { SaleEvent } from '../events';
import { ExecToolbox, type ToolOutcome } from './execTools';
import { DEFAULT_EXEC_TOOL_LIMITS, type ExecToolLimits } from './execLimits';
import { accountChangedAnything, describeAccount } from './commandAccountText';
import type { CommandAccount } from '../workspace/fileJournal';
import { FileJournal, type RevertReport } from '../workspace/fileJournal';
import { type CancelSignal, abortSignalFor } from '../ports/cancel';
import { type CommandApprover, type CommandResult, type CommandRunner, commandPassed } from '../ports/commandRunner';
import { type AttemptHandoff, type RepoContext, executeMessages } from '../auction/prompts';
import { buildRepoContext } from '../workspace/repoContext';
import type { CodingTask } from '../task';
import { EXEC_TOOLS } from './toolSpecs';
import { type Clock, systemClock } from '../ports/clock';

/**
 * The winner's edit–test loop (DESIGN §3). Over 300 lines on purpose: the loop, its budget projection and its
 * stop reasons are one state machine whose guarantees (below) are easiest to check when read in one place.
 *
 * Budget semantics (tokens and dollars are per task: `spent` holds what was spent before this loop — the auction,
 * earlier attempts; `maxTurns` is per loop):
 * - Turns: at most `maxTurns` model calls, exactly.
 * - Before every call the loop projects the call's worst case and starts it only if spent + worst case fits in the
 *   budget, leaving room for at least `minOutputTokens` of output (default 256). The projection:
 *     input ≤ (previous call's reported input tokens) + (UTF-8 bytes, as JSON, of the messages appended since)
 *             + 16 per appended message; the first call: bytes of all messages and of the tool specs + 16 per message;
 *     output ≤ the `maxTokens` passed with the call = min(maxOutputTokensPerTurn, tokens left, dollars left at the
 *             agent's configured output price);
 *     dollars = input × inputPerMTok + output × outputPerMTok (the agent's configured prices).
 * - Hard guarantee (whatever the endpoint does): a call never starts unless its projection fits, so no call starts
 *   once the budget is used up, and after any call that overshoots, no further call starts. The budget can be
 *   exceeded only by what ONE call spent beyond its projection.
 * - Full guarantee: the budget is never exceeded when the endpoint honours `max_tokens`, reports usage, bills at the
 *   configured prices, and its tokenizer makes at most one token per byte plus 16 per message (true of byte-level
 *   BPE tokenizers). Dollars are compared with a float tolerance of ~1e-12.
 * - Final test runs cost no tokens and run even when the budget is spent.
 *
 * Outcome: after the loop stops (finish, budget, loop detection or a model error — not cancel), the test command
 * is run once more; `passed` is exactly "that run had an observed exit code 0". `reason` is 'passed' when
 * passed, otherwise why the loop stopped ('tests-failed' when it stopped on finish). On cancel the in-flight
 * model call is aborted, the journal is reverted (the workspace is back to its state before the journal's first
 * record — with a shared journal, before the first attempt) and `reason` is 'cancelled'.
 */
export interface ExecutionBudget {
  maxTurns: number;
  maxTokens: number;
  maxUsd: number;
}

export type ExecutionReason =
  | 'passed' | 'tests-failed' | 'budget-turns' | 'budget-tokens' | 'budget-usd' | 'cancelled' | 'model-error' | 'no-test-command' | 'loop';

/** How the loop stopped, before the final test run decided `passed`. */
export type LoopStop = 'finish' | 'budget-turns' | 'budget-tokens' | 'budget-usd' | 'cancelled' | 'model-error' | 'no-test-command' | 'loop';

export interface TranscriptEntry {
  turn: number;
  /** Tool called, or undefined for a turn that answered with text only. */
  tool?: string;
  /** Arguments (clipped). */
  args?: string;
  /** Result the model saw, or the text it wrote (clipped). */
  result: string;
  ok?: boolean;
}

export interface ExecutionResult {
  agent: string;
  model: string;
  passed: boolean;
  reason: ExecutionReason;
  stoppedBy: LoopStop;
  /** True when the agent called finish and it was accepted. */
  finished: boolean;
  summary?: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  filesChanged: string[];
  diff: string;
  /** The final test run (or the last one seen when there was none). */
  lastTest?: CommandResult;
  transcript: TranscriptEntry[];
  /** Model error or other failure detail. */
  error?: string;
  /** Set on cancel: what the revert did. */
  revert?: RevertReport;
  durationMs: number;
}

export interface LoopDetectionSettings {
  /** The same call (tool + arguments) with no file change in between: warn from this count on. */
  warnAfter: number;
  /** … and stop the loop at this count. */
  stopAfter: number;
  /** Consecutive turns without any tool call before the loop stops. */
  maxIdleTurns: number;
  /** Consecutive replies cut at the output limit (finish_reason "length") before the loop stops. */
  maxCutTurns: number;
}

export interface EditLoopOptions {
  model: ChatModel;
  agentId: string;
  task: CodingTask;
  plan: string;
  root: string;
  runner: CommandRunner;
  approver: CommandApprover;
  /** Shared across escalations; created on `root` when absent. */
  journal?: FileJournal;
  budget: ExecutionBudget;
  /** Spent on this task before this loop (auction, earlier attempts); counts against maxTokens and maxUsd. */
  spent?: { tokens: number; usd: number };
  signal?: CancelSignal;
  onEvent?: (e: SaleEvent) => void;
  seed?: number;
  /** 0 for the first attempt, 1 for the first escalation, … (events only). */
  escalation?: number;
  /** Built from the workspace when absent. */
  repoContext?: RepoContext;
  /** What an earlier, failed attempt learned (escalation). */
  handoff?: AttemptHandoff;
  maxOutputTokensPerTurn?: number;
  /** Below this much room for output the loop stops instead of calling. */
  minOutputTokens?: number;
  limits?: Partial<ExecToolLimits>;
  loopDetection?: Partial<LoopDetectionSettings>;
  /** Time source for `durationMs`; the system clock unless a test fixes it. */
  clock?: Clock;
}


/** What the calls act on (paths, commands), so progress reads "edit_file src/a.js" rather than only prose. */
function callTargets(calls: { arguments: string }[]): string {
  return calls
    .map((c) => {
      try {
        const a = JSON.parse(c.arguments) as { path?: unknown; command?: unknown; query?: unknown };
        const t = a.path ?? a.command ?? a.query;
        return typeof t === 'string' ? t : '';
      } catch {
        return '';
      }
    })
    .filter(Boolean)
    .join(', ');
}
const DEFAULT_LOOP: LoopDetectionSettings = { warnAfter: 3, stopAfter: 6, maxIdleTurns: 3, maxCutTurns: 3 };

/**
 * What the model is told when its reply was cut at `max_tokens`. A cut tool call is half-written JSON (or, from
 * endpoints that drop it, plain text), so it is never run; without this the model tends to send the same
 * oversized call again and the loop ends on repetition rather than on a reason the model could act on.
 */
export function cutReplyNotice(maxTokens: number, hadCall: boolean): string {
  return `Your last reply was cut off at the output limit of ${maxTokens} tokens a turn${hadCall ? ' in the middle of a tool call, so that call was not run' : ''}. ` +
    'Nothing was changed. Keep every reply well under the limit: change a large file with edit_file in small hunks ' +
    '(several hunks go in one call as `edits`: [{"search": …, "replace": …}], each a few lines with just enough context to be unique), ' +
    'never rewrite a large file whole with write_file (write a large new file in parts: write_file, then write_file with "append": true), ' +
    'and read large files in parts with read_file startLine/endLine.';
}

export async function runEditTestLoop(opts: EditLoopOptions): Promise<ExecutionResult> {
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const limits: ExecToolLimits = { ...DEFAULT_EXEC_TOOL_LIMITS, ...opts.limits };
  const loopCfg: LoopDetectionSettings = { ...DEFAULT_LOOP, ...opts.loopDetection };
  const maxOutPerTurn = opts.maxOutputTokensPerTurn ?? 4096;
  const minOut = opts.minOutputTokens ?? 256;
  const spent = opts.spent ?? { tokens: 0, usd: 0 };
  const emit = (e: SaleEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // a broken listener must not break execution
    }
  };
  const agent = opts.agentId;
  const journal = opts.journal ?? (await FileJournal.open(opts.root));
  const testCommand = opts.task.testCommand;
  const transcript: TranscriptEntry[] = [];
  let turns = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let usd = 0;
  let lastTest: CommandResult | undefined;
  let summary: string | undefined;
  let error: string | undefined;
  let finished = false;

  emit({ type: 'exec-start', agent, escalation: opts.escalation ?? 0 });
  const onAccount = (command: string, account: CommandAccount) => {
    if (!accountChangedAnything(account)) return;
    const blocked = account.gitRestored.length > 0 || account.errors.length > 0 || account.notRevertible.length > 0;
    emit({ type: 'log', level: blocked ? 'warn' : 'info', message: `"${clip(command, 120)}" changed the working tree:\n${describeAccount(account)}` });
  };

  const done = async (stoppedBy: LoopStop): Promise<ExecutionResult> => {
    let revert: RevertReport | undefined;
    let passed = false;
    if (stoppedBy !== 'cancelled' && stoppedBy !== 'no-test-command' && testCommand && !opts.signal?.cancelled) {
      // The final test run is accounted like every other: what it changes in the tree is put back and reported.
      const run = await journal.runAccounted(testCommand, 'restore', () => opts.runner.run(testCommand, { cwd: journal.root, timeoutMs: limits.testTimeoutMs, signal: opts.signal }));
      if (!run.value) throw run.error;
      onAccount(testCommand, run.account);
      const final = run.value;
      lastTest = final;
      passed = commandPassed(final);
      emit({ type: 'exec-test', agent, passed, exitCode: final.exitCode, outputTail: final.output.slice(-limits.testTailChars), runner: final.runner });
    }
    if (opts.signal?.cancelled) {
      stoppedBy = 'cancelled';
      passed = false;
    }
    if (stoppedBy === 'cancelled') revert = await journal.revert();
    const reason: ExecutionReason = passed ? 'passed' : stoppedBy === 'finish' ? 'tests-failed' : stoppedBy;
    const result: ExecutionResult = {
      agent,
      model: opts.model.agent.model,
      passed,
      reason,
      stoppedBy,
      finished,
      ...(summary !== undefined ? { summary } : {}),
      turns,
      inputTokens,
      outputTokens,
      usd,
      filesChanged: await journal.changedFiles(),
      diff: capDiff(await journal.diff(), limits.maxDiffChars),
      ...(lastTest ? { lastTest } : {}),
      transcript,
      ...(error ? { error } : {}),
      ...(revert ? { revert } : {}),
      durationMs: clock.now() - started,
    };
    emit({ type: 'exec-done', agent, passed, reason, turns, tokens: inputTokens + outputTokens, usd });
    return result;
  };

  if (!testCommand) {
    error = 'The task has no test command, so success cannot be checked; execution refused.';
    return done('no-test-command');
  }
  if (opts.signal?.cancelled) return done('cancelled');

  const ctx = opts.repoContext ?? (await buildRepoContext(journal.root, opts.task));
  const toolbox = new ExecToolbox({ journal, runner: opts.runner, approver: opts.approver, testCommand, signal: opts.signal, limits, onAccount });
  const messages: ChatMessage[] = executeMessages(agent, opts.task, ctx, opts.plan, opts.handoff);
  const price = opts.model.agent.price;

  // Upper bound of the next call's input tokens (see the module comment).
  let prevInput: number | undefined;
  let sentCount = 0;
  const projectInput = (): number => {
    const fresh = prevInput === undefined ? messages : messages.slice(sentCount);
    return (prevInput ?? 0) + inputTokenBound(fresh, prevInput === undefined ? EXEC_TOOLS : undefined);
  };

  let testsPassedSinceChange = false;
  let nudgedAboutTests = false;
  let idleTurns = 0;
  let cutTurns = 0;
  const repeats = new Map<string, number>();

  for (;;) {
    if (opts.signal?.cancelled) return done('cancelled');
    if (turns >= opts.budget.maxTurns) return done('budget-turns');

    // Budget projection for the next call.
    const estIn = projectInput();
    const tokenRoom = opts.budget.maxTokens - (spent.tokens + inputTokens + outputTokens) - estIn;
    if (tokenRoom < minOut) return done('budget-tokens');
    const usdLeft = opts.budget.maxUsd - (spent.usd + usd) - (estIn * price.inputPerMTok) / 1e6;
    const usdRoom = price.outputPerMTok > 0 ? Math.floor((usdLeft * 1e6) / price.outputPerMTok) : usdLeft >= 0 ? Infinity : -1;
    if (usdRoom < minOut) return done('budget-usd');
    const maxTokens = Math.floor(Math.min(maxOutPerTurn, tokenRoom, usdRoom));

    let res: ChatResult;
    try {
      res = await callCancellable(opts.model, {
        messages: [...messages], tools: EXEC_TOOLS, maxTokens, seed: opts.seed, purpose: 'execute',
        ...(turns <= 1 ? { onSlowStart: (waitedMs: number) => emit({ type: 'model-loading', agent, waitedMs }) } : {}),
      }, opts.signal);
    } catch (e) {
      if (opts.signal?.cancelled) return done('cancelled');
      error = errorMessage(e);
      return done('model-error');
    }
    turns++;
    inputTokens += res.inputTokens;
    outputTokens += res.outputTokens;
    usd += res.usd;
    prevInput = res.inputTokens;
    sentCount = messages.length;
    // Estimated usage and capped Retry-After waits are the user's to see, in the log and the CLI's report.
    for (const n of [res.usageEstimated, ...(res.notes ?? [])]) if (n) emit({ type: 'log', level: 'warn', message: `${agent}, turn ${turns}: ${n}.` });
    if (opts.signal?.cancelled) return done('cancelled');

    const calls = normaliseCalls(res, turns);
    messages.push({
      role: 'assistant',
      content: res.text || null,
      ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
    });
    emit({
      type: 'exec-turn', agent, turn: turns, tokens: inputTokens + outputTokens, usd,
      ...(calls.length ? { tool: calls.map((c) => c.name).join(', ') } : {}),
      ...(callTargets(calls) || res.text ? { detail: clip([callTargets(calls), res.text.trim()].filter(Boolean).join(' — '), 200) } : {}),
    });

    if (res.finishReason === 'length') {
      cutTurns++;
      const notice = cutReplyNotice(maxTokens, calls.length > 0);
      transcript.push({ turn: turns, ...(calls.length ? { tool: calls.map((c) => c.name).join(', '), ok: false } : {}), result: clip(`[cut at ${maxTokens} tokens] ${res.text}`, 300) });
      // Every tool call of the assistant message needs its answer; a cut call is answered with the notice.
      for (const c of calls) messages.push({ role: 'tool', tool_call_id: c.id, content: notice });
      if (!calls.length) messages.push({ role: 'user', content: notice });
      if (cutTurns >= loopCfg.maxCutTurns) {
        error = `${cutTurns} replies in a row were cut at the output limit (${maxTokens} tokens).`;
        return done('loop');
      }
      continue;
    }
    cutTurns = 0;

    if (!calls.length) {
      transcript.push({ turn: turns, result: clip(res.text, 300) });
      idleTurns++;
      if (idleTurns >= loopCfg.maxIdleTurns) {
        error = `${idleTurns} turns in a row without a tool call.`;
        return done('loop');
      }
      messages.push({ role: 'user', content: 'Continue with the tools: edit files with edit_file or write_file, run run_tests, and call finish once the tests pass. Do not answer with text only.' });
      continue;
    }
    idleTurns = 0;

    let stop: LoopStop | undefined;
    for (const [i, c] of calls.entries()) {
      if (stop) {
        messages.push({ role: 'tool', tool_call_id: c.id, content: 'Not run: the work has ended.' });
        continue;
      }
      if (i >= limits.maxCallsPerTurn) {
        const msg = `Not run: at most ${limits.maxCallsPerTurn} tool calls are run per turn; this turn had ${calls.length}. Send fewer calls per turn.`;
        if (i === limits.maxCallsPerTurn) transcript.push({ turn: turns, tool: c.name, args: clip(c.arguments, 200), result: `${msg} (${calls.length - i} calls refused)`, ok: false });
        messages.push({ role: 'tool', tool_call_id: c.id, content: msg });
        continue;
      }
      let out: ToolOutcome = await toolbox.call(c.name, c.arguments);
      if (opts.signal?.cancelled) return done('cancelled');
      if (out.test) {
        lastTest = out.test;
        const passed = commandPassed(out.test);
        testsPassedSinceChange = passed;
        emit({ type: 'exec-test', agent, passed, exitCode: out.test.exitCode, outputTail: out.test.output.slice(-limits.testTailChars), runner: out.test.runner });
      }
      if (out.changed) {
        testsPassedSinceChange = false;
        repeats.clear();
      }
      if (out.finished) {
        if (testsPassedSinceChange) {
          finished = true;
          summary = out.finished.summary;
          stop = 'finish';
        } else if (!nudgedAboutTests) {
          nudgedAboutTests = true;
          const why = lastTest === undefined ? 'you have not run them yet' : commandPassed(lastTest) ? 'files changed after the last passing run' : 'the last run failed';
          out = { ...out, ok: false, content: `Not finished: the tests have not passed yet (${why}). Run run_tests, fix what fails, and call finish again once they pass.` };
        } else {
          summary = out.finished.summary;
          stop = 'finish';
        }
      } else {
        const sig = `${c.name}\u0000${canonicalArgs(c.arguments)}`;
        const n = (repeats.get(sig) ?? 0) + 1;
        repeats.set(sig, n);
        if (n >= loopCfg.stopAfter) {
          error = `The same ${c.name} call was made ${n} times with no change to the files in between.`;
          stop = 'loop';
        } else if (n >= loopCfg.warnAfter) {
          out = { ...out, content: `${out.content}\n[Note: you have made this exact call ${n} times with no file change in between; the result will not change. Edit a file, run the tests, or finish.]` };
        }
      }
      transcript.push({ turn: turns, tool: c.name, args: clip(c.arguments, 200), result: clip(out.content, 300), ok: out.ok });
      messages.push({ role: 'tool', tool_call_id: c.id, content: out.content });
    }
    if (stop) return done(stop);
  }
}

/** Runs a model call that a cancel aborts at once, even if the model ignores its AbortSignal. */
async function callCancellable(model: ChatModel, req: Parameters<ChatModel['chat']>[0], signal?: CancelSignal): Promise<ChatResult> {
  if (!signal) return model.chat(req);
  const abort = abortSignalFor(signal);
  const call = model.chat({ ...req, signal: abort.signal });
  call.catch(() => undefined);
  let remove = () => undefined as unknown;
  const cancelled = new Promise<never>((_, reject) => {
    remove = signal.onCancel(() => reject(new Error('cancelled')));
  });
  cancelled.catch(() => undefined);
  try {
    return await Promise.race([call, cancelled]);
  } finally {
    remove();
    abort.dispose();
  }
}

function normaliseCalls(res: ChatResult, turn: number): { id: string; name: string; arguments: string }[] {
  const seen = new Set<string>();
  return (res.toolCalls ?? []).map((c, i) => {
    let id = typeof c.id === 'string' && c.id ? c.id : `call_${turn}_${i}`;
    if (seen.has(id)) id = `${id}_${i}`;
    seen.add(id);
    return { id, name: String(c.name ?? ''), arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) };
  });
}

function canonicalArgs(raw: string): string {
  try {
    const v = JSON.parse(raw || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return JSON.stringify(Object.keys(v).sort().map((k) => [k, v[k]]));
    }
    return JSON.stringify(v);
  } catch {
    return raw;
  }
}

/** Keeps a report's diff bounded (a 200 MB write must not become a 400 MB report). */
function capDiff(diff: string, max: number): string {
  if (diff.length <= max) return diff;
  return `${diff.slice(0, max)}\n… [diff cut: ${diff.length - max} more characters; the files on disk hold the whole change]\n`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
