import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { CancelSignal } from '../ports/cancel';
import type { CommandApprover, CommandResult, CommandRunner } from '../ports/commandRunner';
import { type SandboxInfo, detectSandbox, sandboxedSpawn } from './commandSandbox';
import { scrubSecrets } from './secretEnv';

/**
 * Runs shell commands as child processes (the CLI's runner, and the extension's fallback when the terminal's shell
 * integration does not come up).
 *
 * - The shell runs in its own process group (POSIX: `detached`), so a time-out or cancel kills the whole group,
 *   grandchildren included; SIGTERM first, SIGKILL after a grace period. On Windows `taskkill /T /F` is used.
 * - stdout and stderr are captured interleaved, in arrival order, into a head+tail buffer: a command printing
 *   megabytes keeps its first and last part and a line saying how many characters were cut.
 * - `exitCode` is set only when the shell really exited with a code. Killed by a signal, timed out, cancelled or
 *   failed to start: `exitCode` is undefined, which {@link commandPassed} counts as a failure.
 * - When the shell has exited but a background process still holds the output pipes, the runner waits
 *   `lingerMs` and then kills the rest of the group, so a run never hangs on a stray daemon.
 * - The command runs in the platform's sandbox when there is one (commandSandbox.ts; default: detected), and its
 *   environment never holds anything named like a secret (secretEnv.ts).
 */
export interface ChildProcessRunnerOptions {
  /** Characters kept from the start of the output. */
  headChars?: number;
  /** Characters kept from the end of the output. */
  tailChars?: number;
  /** Time between SIGTERM and SIGKILL on time-out/cancel. */
  killGraceMs?: number;
  /** After the shell exits, how long to wait for the output pipes to close before killing what is left. */
  lingerMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Default: detectSandbox() (bubblewrap on Linux when it works; none elsewhere or with SALE_SANDBOX=off). */
  sandbox?: SandboxInfo;
  /** Let sandboxed commands use the network (default false). */
  allowNetwork?: boolean;
  /** More environment variable names to remove (e.g. the pool's apiKeyEnv names). */
  dropEnv?: string[];
}

export class ChildProcessCommandRunner implements CommandRunner {
  readonly headChars: number;
  readonly tailChars: number;
  private readonly killGraceMs: number;
  private readonly lingerMs: number;
  private readonly env: Record<string, string>;
  readonly sandbox: SandboxInfo;
  private readonly allowNetwork: boolean;
  private readonly dropEnv: string[];

  constructor(opts: ChildProcessRunnerOptions = {}) {
    this.sandbox = opts.sandbox ?? detectSandbox();
    this.allowNetwork = !!opts.allowNetwork;
    this.dropEnv = opts.dropEnv ?? [];
    this.headChars = opts.headChars ?? 64 * 1024;
    this.tailChars = opts.tailChars ?? 192 * 1024;
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.lingerMs = opts.lingerMs ?? 500;
    this.env = opts.env ?? {};
  }

  run(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }): Promise<CommandResult> {
    const started = Date.now();
    const out = new HeadTailBuffer(this.headChars, this.tailChars);
    const base = { command, runner: 'child-process' } as const;
    if (opts.signal?.cancelled) {
      return Promise.resolve({ ...base, exitCode: undefined, output: '[cancelled before start]', truncated: false, timedOut: false, durationMs: 0 });
    }
    return new Promise<CommandResult>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...scrubSecrets(process.env, this.dropEnv).env, NO_COLOR: '1', FORCE_COLOR: '0', CI: process.env.CI ?? '1', ...this.env };
      // A parent `node --test` would otherwise make child test runners report to it instead of printing.
      delete env.NODE_TEST_CONTEXT;
      let child: ReturnType<typeof spawn>;
      try {
        const how = sandboxedSpawn(this.sandbox, command, opts.cwd, { allowNetwork: this.allowNetwork });
        child = spawn(how.file, how.args, {
          cwd: opts.cwd,
          windowsVerbatimArguments: process.platform === 'win32',
          detached: process.platform !== 'win32',
          windowsHide: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env,
        });
      } catch (e) {
        resolve({ ...base, exitCode: undefined, output: `[could not start: ${(e as Error).message}]`, truncated: false, timedOut: false, durationMs: Date.now() - started });
        return;
      }
      const decOut = new StringDecoder('utf8');
      const decErr = new StringDecoder('utf8');
      child.stdout?.on('data', (b: Buffer) => out.push(decOut.write(b)));
      child.stderr?.on('data', (b: Buffer) => out.push(decErr.write(b)));

      let timedOut = false;
      let cancelled = false;
      let spawnError: Error | undefined;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];

      const killGroup = (sig: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          if (process.platform === 'win32') {
            spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
          } else {
            process.kill(-child.pid, sig);
          }
        } catch {
          /* group already gone */
        }
      };
      const stop = () => {
        killGroup('SIGTERM');
        timers.push(setTimeout(() => killGroup('SIGKILL'), this.killGraceMs));
      };

      const finish = () => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        removeCancel();
        out.push(decOut.end());
        out.push(decErr.end());
        const notes: string[] = [];
        if (spawnError) notes.push(`[could not start: ${spawnError.message}]`);
        if (timedOut) notes.push(`[timed out after ${opts.timeoutMs} ms; process group killed]`);
        if (cancelled) notes.push('[cancelled; process group killed]');
        if (exit?.signal && !timedOut && !cancelled) notes.push(`[killed by signal ${exit.signal}]`);
        const observed = !timedOut && !cancelled && !spawnError && exit !== undefined && exit.signal === null && typeof exit.code === 'number';
        const text = out.text();
        resolve({
          ...base,
          exitCode: observed ? (exit!.code as number) : undefined,
          output: notes.length ? `${text}${text && !text.endsWith('\n') ? '\n' : ''}${notes.join('\n')}` : text,
          truncated: out.cut > 0,
          timedOut,
          durationMs: Date.now() - started,
        });
      };

      timers.push(setTimeout(() => {
        if (exit) return;
        timedOut = true;
        stop();
      }, Math.max(1, opts.timeoutMs)));
      const removeCancel = opts.signal?.onCancel(() => {
        if (settled) return;
        cancelled = true;
        stop();
      }) ?? (() => undefined);

      child.on('error', (e) => {
        spawnError = e;
        // 'close' may never come when spawning failed.
        setImmediate(finish);
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // Output pipes still open (a background process kept them): give them a moment, then kill what is left.
        timers.push(setTimeout(() => {
          killGroup('SIGKILL');
          timers.push(setTimeout(finish, 200));
        }, this.lingerMs));
      });
      child.on('close', () => {
        // Kill anything left in the group (a backgrounded child that closed its output but still runs).
        if (process.platform !== 'win32') killGroup('SIGKILL');
        finish();
      });
    });
  }
}

/** Keeps the first `head` and the last `tail` characters of a stream and counts what falls in between. */
export class HeadTailBuffer {
  private headText = '';
  private tailParts: string[] = [];
  private tailLen = 0;
  cut = 0;

  constructor(private readonly head: number, private readonly tail: number) {}

  push(s: string): void {
    if (!s) return;
    if (this.headText.length < this.head) {
      const take = Math.min(this.head - this.headText.length, s.length);
      this.headText += s.slice(0, take);
      s = s.slice(take);
      if (!s) return;
    }
    this.tailParts.push(s);
    this.tailLen += s.length;
    if (this.tailLen > this.tail * 2) this.compact();
  }

  private compact(): void {
    const joined = this.tailParts.join('');
    const drop = joined.length - this.tail;
    if (drop > 0) {
      this.cut += drop;
      this.tailParts = [joined.slice(drop)];
      this.tailLen = this.tail;
    } else {
      this.tailParts = [joined];
      this.tailLen = joined.length;
    }
  }

  text(): string {
    this.compact();
    const tail = this.tailParts.join('');
    if (this.cut === 0) return this.headText + tail;
    return `${this.headText}\n… [${this.cut} characters cut] …\n${tail}`;
  }
}

/**
 * An approver for the CLI: a command is approved when it matches one of the patterns.
 * - A RegExp must match the whole command (it is tested as given; anchor it yourself).
 * - A string pattern matches WHOLE arguments: pattern and command are split into words, and there must be as many
 *   command words as pattern words, each matching its pattern word. `*` inside a pattern word matches any
 *   characters within that one word, and never a word starting with `-` unless the pattern word starts with `-`.
 *   So `"npm test*"` admits `npm test` and `npm testing`, but not `npm test --prefix=DIR` (an extra argument that
 *   would run another package.json), and `"npm run *"` admits `npm run lint` but not `npm run --prefix=x`.
 * - String patterns never approve a command holding shell syntax: control characters (`;` `&` `|` `` ` `` `$`
 *   `>` `<` newline), quotes, backslashes, globs (`*` `?` `[`), `~`, braces, parentheses, `#` or `!`. Use a RegExp
 *   to allow those deliberately.
 */
export function allowListApprover(patterns: (string | RegExp)[]): CommandApprover & { patterns: (string | RegExp)[] } {
  return {
    patterns,
    approve: async (command: string) => allowListMatches(patterns, command),
  };
}

const SHELL_SYNTAX = /[;&|`<>\n\r$'"\\*?[\]{}()~#!]/;

export function allowListMatches(patterns: (string | RegExp)[], command: string): boolean {
  const cmd = command.trim();
  const words = cmd.split(/\s+/).filter(Boolean);
  const plain = !SHELL_SYNTAX.test(cmd);
  for (const p of patterns) {
    if (p instanceof RegExp) {
      const m = p.exec(cmd);
      if (m && m.index === 0 && m[0].length === cmd.length) return true;
      continue;
    }
    if (!plain) continue;
    const pw = p.trim().split(/\s+/).filter(Boolean);
    if (pw.length && pw.length === words.length && pw.every((w, i) => wordMatches(w, words[i]))) return true;
  }
  return false;
}

function wordMatches(pattern: string, word: string): boolean {
  if (!pattern.includes('*')) return pattern === word;
  if (word.startsWith('-') && !pattern.startsWith('-')) return false;
  const re = new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(word);
}
