import type { CancelSignal } from './cancel';

/**
 * How the core runs shell commands (tests, approved commands). Implemented by core/execution/childProcessRunner.ts
 * (CLI, bench, and the extension's fallback) and src/vscode/terminalCommandRunner.ts (a visible VS Code terminal).
 */
/** Result of running one shell command. `exitCode` undefined means it was never observed: a failure. */
export interface CommandResult {
  command: string;
  exitCode: number | undefined;
  output: string;
  /** True when output was cut to the runner's cap. */
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  /** Which runner produced it (e.g. "child-process", "terminal", "terminal-fallback"). */
  runner: string;
}

export interface CommandRunner {
  run(command: string, opts: { cwd: string; timeoutMs: number; signal?: CancelSignal }): Promise<CommandResult>;
}

/** A command passes only with an observed exit code of 0. Missing output or exit code is a failure. */
export function commandPassed(r: CommandResult): boolean {
  return r.exitCode === 0 && !r.timedOut;
}

/** Asks the user (VS Code) or an allow-list (CLI) whether a non-test command may run. */
export interface CommandApprover {
  approve(command: string): Promise<boolean>;
}
