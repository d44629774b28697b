// Commands in the SALE terminal through shell integration, with the child-process fallback. Just over 300 lines:
// the terminal's lifecycle, the integration wait and the fallback decide together what one run does.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { HeadTailBuffer } from '../core/execution/childProcessRunner';
import { hasControlChars, stripControlSequences } from '../core/controlChars';
import type { CancelSignal } from '../core/ports/cancel';
import type { CommandResult, CommandRunner } from '../core/ports/commandRunner';
import { FallbackNotice, nextIntegrationWait } from './shellIntegrationWait';
import { shellQuote, stripTerminalControls, terminalResultDecision } from './terminalText';

export interface TerminalRunnerOptions {
  /** Terminal name shown in the terminal list. */
  name?: string;
  /**
   * How long to wait for the shell integration of a new terminal before falling back, counted from the start of its
   * shell process (read at each run; see shellIntegrationWait.ts for how the wait adapts).
   */
  shellIntegrationTimeoutMs: () => number;
  /** Whether to use the terminal at all (false: always the fallback); read at each run. */
  useShellIntegration: () => boolean;
  /** Runs commands when the terminal cannot (a ChildProcessCommandRunner). */
  fallback: CommandRunner;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /**
   * The notice that commands run as child processes: shown when a run falls back, withdrawn as soon as a later run
   * uses the terminal (a notification in the extension that can be closed from code).
   */
  notice: { show(message: string): void; withdraw(): void };
  headChars?: number;
  tailChars?: number;
  /**
   * What is typed into the terminal for a command: by default the command itself. The extension passes
   * commandSandbox.sandboxedShellLine, so the terminal runs it in the same sandbox, without secrets, as the fallback.
   */
  wrapCommand?: (command: string, cwd: string) => string;
}

interface SaleTerminal {
  terminal: vscode.Terminal;
  /** Set once shell integration failed to come up: later runs go straight to the fallback. */
  integrationFailed: boolean;
  createdAt: number;
  /** The folder the terminal's shell started in. */
  createdCwd?: string;
  /** Ms after creation when the shell process had started (its pid known); undefined until then. */
  shellStartedAtMs?: number;
  /** Ms after creation when shell integration came up (logged and learned once). */
  activatedAfterMs?: number;
}

/**
 * Runs commands (the test command above all) in a visible "SALE" terminal through VS Code's shell integration
 * API: the exit code comes from `onDidEndTerminalShellExecution`, the output from `execution.read()` called right
 * after `executeCommand`, so nothing is missed. When shell integration does not come up in time (a shell without it,
 * a remote without it; the wait adapts to a slowly starting shell, see shellIntegrationWait.ts), commands run as
 * child processes and a notice says so until a later run uses the terminal again.
 * A missing exit code is never a pass. Only the test command (see `setRerunnable`) is then run again as a child
 * process; any other command already ran once in the terminal, so its result stands, with a note.
 */
export class TerminalCommandRunner implements CommandRunner, vscode.Disposable {
  private current: SaleTerminal | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly notice = new FallbackNotice();
  /** Slowest shell-integration activation seen in this window (ms from terminal creation): later terminals wait as long. */
  private slowestSeenMs: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly name: string;
  /** Commands that may be run again as a child process when the terminal loses their result (the test command). */
  private readonly rerunnable = new Set<string>();

  constructor(private readonly opts: TerminalRunnerOptions) {
    this.name = opts.name ?? 'SALE';
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (this.current?.terminal === t) this.current = undefined;
      }),
      // Also after a fallback: a late activation is learned, and the next run uses the terminal again.
      vscode.window.onDidChangeTerminalShellIntegration((e) => {
        const st = this.current;
        if (!st || e.terminal !== st.terminal || st.activatedAfterMs !== undefined) return;
        st.activatedAfterMs = Date.now() - st.createdAt;
        this.slowestSeenMs = Math.max(this.slowestSeenMs ?? 0, st.activatedAfterMs);
        this.opts.log('info', `SALE terminal: shell integration active after ${st.activatedAfterMs} ms (shell process started after ${st.shellStartedAtMs ?? '?'} ms).`);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.current?.terminal.dispose();
    this.current = undefined;
  }

  /** Declares the commands that are safe to run twice (the current task's test command); others never are. */
  setRerunnable(commands: Iterable<string>): void {
    this.rerunnable.clear();
    for (const c of commands) if (c.trim()) this.rerunnable.add(c.trim());
  }

  /** The terminal in use, if any (tests look at it). */
  get terminal(): vscode.Terminal | undefined {
    return this.current?.terminal;
  }

  run(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }): Promise<CommandResult> {
    // One command at a time in the one terminal.
    const next = this.queue.then(() => this.runNow(command, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }): Promise<CommandResult> {
    // The command line is shown in the terminal: escape sequences in it would drive the terminal itself.
    if (hasControlChars(command)) {
      return { command: stripControlSequences(command), exitCode: undefined, output: '[refused: the command holds control characters or escape sequences]', truncated: false, timedOut: false, durationMs: 0, runner: 'terminal' };
    }
    if (!this.opts.useShellIntegration()) return this.fallback(command, opts, 'the setting sale.terminal.useShellIntegration is off');
    if (opts.signal?.cancelled) {
      return { command, exitCode: undefined, output: '[cancelled before start]', truncated: false, timedOut: false, durationMs: 0, runner: 'terminal' };
    }
    const st = this.ensureTerminal(opts.cwd);
    if (st.integrationFailed && !st.terminal.shellIntegration) return this.fallback(command, opts, 'shell integration is not available in the SALE terminal');
    st.terminal.show(true);
    const si = await this.waitForIntegration(st);
    if (!si) {
      st.integrationFailed = true;
      const waited = Date.now() - st.createdAt;
      const why = st.shellStartedAtMs === undefined
        ? `the terminal's shell did not start within ${waited} ms`
        : `shell integration did not come up within ${waited - st.shellStartedAtMs} ms of the shell's start`;
      return this.fallback(command, opts, why);
    }
    // Move to the working directory first when the shell is elsewhere. A fresh terminal (nothing typed into it yet)
    // is where it was created, even before shell integration has reported a cwd: no `cd` then (on a loaded machine
    // that extra command alone could time out and force the fallback).
    const fresh = !st.terminal.state.isInteractedWith && st.createdCwd !== undefined;
    const here = si.cwd?.fsPath ?? (fresh ? st.createdCwd : undefined);
    if (!here || path.resolve(here) !== path.resolve(opts.cwd)) {
      const cd = await this.execute(st, si, `cd ${shellQuote(opts.cwd)}`, 30_000, undefined);
      if (cd.exitCode !== 0) {
        this.opts.log('warn', `Could not cd to ${opts.cwd} in the SALE terminal (exit ${cd.exitCode ?? 'unknown'}).`);
        return this.fallback(command, opts, 'the SALE terminal could not change to the repository folder');
      }
    }
    const line = this.opts.wrapCommand ? this.opts.wrapCommand(command, opts.cwd) : command;
    const r = await this.execute(st, si, line, opts.timeoutMs, opts.signal);
    r.result = { ...r.result, command };
    if (r.timedOut || r.cancelled) return r.result;
    const d = terminalResultDecision({ exitCode: r.exitCode, output: r.result.output }, this.rerunnable.has(command.trim()));
    if (d.action === 'rerun') {
      this.opts.log('warn', `SALE terminal: ${d.why} for "${command}"; running it again as a child process (it is the test command).`);
      return this.fallback(command, opts, d.why, r.exitCode === undefined ? r.result.output : undefined);
    }
    if (this.notice.terminalUsed() === 'withdraw') {
      this.opts.log('info', 'SALE terminal: shell integration works again; commands run in the SALE terminal.');
      this.opts.notice.withdraw();
    }
    if (d.action === 'note') {
      this.opts.log('warn', `"${command}": ${d.note.slice(1, -1)}.`);
      const out = r.result.output;
      return { ...r.result, exitCode: d.exitCode, output: `${out}${out && !out.endsWith('\n') ? '\n' : ''}${d.note}` };
    }
    return r.result;
  }

  private ensureTerminal(cwd: string): SaleTerminal {
    if (this.current && this.current.terminal.exitStatus === undefined) return this.current;
    const terminal = vscode.window.createTerminal({
      name: this.name,
      cwd,
      iconPath: new vscode.ThemeIcon('beaker'),
      env: { NO_COLOR: '1', FORCE_COLOR: '0', NODE_TEST_CONTEXT: null },
      isTransient: true,
    });
    const st: SaleTerminal = { terminal, integrationFailed: false, createdAt: Date.now(), createdCwd: cwd };
    terminal.processId.then(
      () => (st.shellStartedAtMs = Date.now() - st.createdAt),
      () => undefined,
    );
    this.current = st;
    return st;
  }

  /** Waits as nextIntegrationWait says: on while the shell is still starting, then the (learned) budget from its start. */
  private async waitForIntegration(st: SaleTerminal): Promise<vscode.TerminalShellIntegration | undefined> {
    for (;;) {
      if (st.terminal.shellIntegration) return st.terminal.shellIntegration;
      if (st.terminal.exitStatus !== undefined) return undefined;
      const wait = nextIntegrationWait({
        elapsedMs: Date.now() - st.createdAt,
        configuredMs: this.opts.shellIntegrationTimeoutMs(),
        shellStartedAtMs: st.shellStartedAtMs,
        slowestSeenMs: this.slowestSeenMs,
      });
      if (wait === 'give-up') return undefined;
      const si = await this.integrationWithin(st.terminal, wait);
      if (si) return si;
    }
  }

  private integrationWithin(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(terminal.shellIntegration);
      }, timeoutMs);
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal !== terminal) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.shellIntegration);
      });
    });
  }

  private async execute(st: SaleTerminal, si: vscode.TerminalShellIntegration, command: string, timeoutMs: number, signal: CancelSignal | undefined):
    Promise<{ result: CommandResult; exitCode: number | undefined; timedOut: boolean; cancelled: boolean }> {
    const started = Date.now();
    const buf = new HeadTailBuffer(this.opts.headChars ?? 64 * 1024, this.opts.tailChars ?? 192 * 1024);
    let timedOut = false;
    let cancelled = false;
    let ended: { exitCode: number | undefined } | undefined;
    let endSub: vscode.Disposable | undefined;

    const execution = si.executeCommand(command);
    // read() right away: it only yields what is written after it is first called.
    const stream = execution.read();
    const endPromise = new Promise<void>((resolve) => {
      endSub = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution) return;
        ended = { exitCode: e.exitCode };
        resolve();
      });
    });
    const readPromise = (async () => {
      try {
        for await (const chunk of stream) buf.push(chunk);
      } catch (e) {
        buf.push(`\n[reading the terminal failed: ${(e as Error).message}]`);
      }
    })();

    let stopTimer: NodeJS.Timeout | undefined;
    const interrupt = () => {
      st.terminal.sendText('\x03', false);
      // If Ctrl+C does not end it, the terminal goes (and a fresh one is made next time).
      stopTimer = setTimeout(() => {
        if (!ended) {
          st.terminal.dispose();
          if (this.current === st) this.current = undefined;
        }
      }, 3000);
    };
    const timer = setTimeout(() => {
      if (ended) return;
      timedOut = true;
      interrupt();
    }, Math.max(1, timeoutMs));
    const removeCancel = signal?.onCancel(() => {
      if (ended) return;
      cancelled = true;
      interrupt();
    }) ?? (() => undefined);
    const closed = new Promise<void>((resolve) => {
      const sub = vscode.window.onDidCloseTerminal((t) => {
        if (t === st.terminal) {
          sub.dispose();
          resolve();
        }
      });
      endPromise.then(() => sub.dispose());
    });

    await Promise.race([endPromise, closed]);
    clearTimeout(timer);
    if (stopTimer) clearTimeout(stopTimer);
    removeCancel();
    endSub?.dispose();
    // The stream ends with the execution; give a straggler a moment, never forever.
    await Promise.race([readPromise, new Promise((r) => setTimeout(r, 2000))]);

    const text = stripTerminalControls(buf.text());
    const notes: string[] = [];
    if (timedOut) notes.push(`[timed out after ${timeoutMs} ms; interrupted]`);
    if (cancelled) notes.push('[cancelled; interrupted]');
    if (!ended && !timedOut && !cancelled) notes.push('[the SALE terminal was closed before the command ended]');
    if (ended && ended.exitCode === undefined && !timedOut && !cancelled) notes.push('[the terminal reported no exit code: counted as a failure]');
    const exitCode = timedOut || cancelled ? undefined : ended?.exitCode;
    return {
      exitCode,
      timedOut,
      cancelled,
      result: {
        command,
        exitCode,
        output: notes.length ? `${text}${text && !text.endsWith('\n') ? '\n' : ''}${notes.join('\n')}` : text,
        truncated: buf.cut > 0,
        timedOut,
        durationMs: Date.now() - started,
        runner: 'terminal',
      },
    };
  }

  private async fallback(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }, why: string, earlierOutput?: string): Promise<CommandResult> {
    const message = `SALE runs "${command}" as a child process, not in the SALE terminal: ${why}. The panel shows its result and output.`;
    this.opts.log('warn', message);
    if (this.notice.fallback(why) === 'show') this.opts.notice.show(message);
    const r = await this.opts.fallback.run(command, opts);
    const note = earlierOutput ? `[terminal run gave no exit code; its output began: ${earlierOutput.slice(0, 500)}]\n` : '';
    return { ...r, output: note + r.output, runner: 'terminal-fallback' };
  }
}
