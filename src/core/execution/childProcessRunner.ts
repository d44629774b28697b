import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { CancelSignal } from '../ports/cancel';
import type { CommandApprover, CommandResult, CommandRunner } from '../ports/commandRunner';

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
}

export class ChildProcessCommandRunner implements CommandRunner {
  readonly headChars: number;
  readonly tailChars: number;
  private readonly killGraceMs: number;
  private readonly lingerMs: number;
  private readonly env: Record<string, string>;

  constructor(opts: ChildProcessRunnerOptions = {}) {
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
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: process.env.CI ?? '1', ...this.env };
      // A parent `node --test` would otherwise make child test runners report to it instead of printing.
      delete env.NODE_TEST_CONTEXT;
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(command, {
          cwd: opts.cwd,
          shell: true,
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
 * - A string is an exact command, or a prefix pattern ending in `*` (e.g. `"npm run *"`). String patterns never
 *   approve a command containing shell control characters (`;` `&` `|` `` ` `` `$(` `>` `<` newline), so
 *   `"npm test*"` does not let `npm test && rm -rf ~` through. Use a RegExp to allow those deliberately.
 */
export function allowListApprover(patterns: (string | RegExp)[]): CommandApprover & { patterns: (string | RegExp)[] } {
  return {
    patterns,
    approve: async (command: string) => allowListMatches(patterns, command),
  };
}

export function allowListMatches(patterns: (string | RegExp)[], command: string): boolean {
  const cmd = command.trim();
  const hasControl = /[;&|`<>\n\r]|\$\(/.test(cmd);
  for (const p of patterns) {
    if (p instanceof RegExp) {
      const m = p.exec(cmd);
      if (m && m.index === 0 && m[0].length === cmd.length) return true;
      continue;
    }
    if (hasControl) continue;
    const pat = p.trim();
    if (pat.endsWith('*')) {
      if (cmd.startsWith(pat.slice(0, -1))) return true;
    } else if (cmd === pat) return true;
  }
  return false;
}
