/**
 * How long the SALE terminal waits for shell integration, and when the "runs as a child process" notice is up.
 * Pure (no `vscode`): `TerminalCommandRunner` asks these at each step, the unit tests drive them with numbers.
 *
 * Why it adapts: on a loaded machine a new terminal's shell can take longer to even start than the old fixed
 * 5 s wait, and a slow start is not a shell without integration. So the configured wait counts from the moment
 * the shell process started (its pid is known); until then the wait extends, up to a hard cap. Once integration
 * was seen to take longer than the configured wait in this window, later terminals wait that long (with margin).
 */

/** Never wait longer than this for one terminal's shell integration, however slowly the shell starts. */
export const SHELL_INTEGRATION_CAP_MS = 60_000;
/** Later terminals wait this many times the slowest activation seen in the window. */
const LEARNED_MARGIN = 1.5;

export interface IntegrationWaitState {
  /** Since the terminal was created. */
  elapsedMs: number;
  /** The user's setting `sale.terminal.shellIntegrationTimeoutMs`. */
  configuredMs: number;
  /** Since creation, when the shell process had started (pid known); undefined while it has not. */
  shellStartedAtMs: number | undefined;
  /** Slowest shell-integration activation (from creation) seen in this window, if any. */
  slowestSeenMs?: number;
  capMs?: number;
}

/** The wait that applies once the shell runs: the setting, or more when this window has seen slower starts. */
export function integrationBudgetMs(configuredMs: number, slowestSeenMs: number | undefined, capMs = SHELL_INTEGRATION_CAP_MS): number {
  const learned = slowestSeenMs === undefined ? 0 : Math.ceil(slowestSeenMs * LEARNED_MARGIN);
  return Math.min(capMs, Math.max(configuredMs, learned));
}

/**
 * How much longer to wait for shell integration (ms), or 'give-up' (fall back to a child process). While the shell
 * process has not started, the terminal is still starting: wait on, up to the cap. Once it has, the budget counts
 * from its start.
 */
export function nextIntegrationWait(s: IntegrationWaitState): number | 'give-up' {
  const cap = s.capMs ?? SHELL_INTEGRATION_CAP_MS;
  const remainingToCap = cap - s.elapsedMs;
  if (remainingToCap <= 0) return 'give-up';
  const budget = integrationBudgetMs(s.configuredMs, s.slowestSeenMs, cap);
  // Not started yet: check again soon (the pid may arrive any moment), never past the cap.
  if (s.shellStartedAtMs === undefined) return Math.min(1_000, remainingToCap);
  const left = s.shellStartedAtMs + budget - s.elapsedMs;
  return left > 0 ? Math.min(left, remainingToCap) : 'give-up';
}

/**
 * The notice that commands run as child processes instead of in the SALE terminal. It is shown when a run falls
 * back and withdrawn as soon as a later run uses the terminal again, so it never stays up while it is false.
 * `fallback()` / `terminalUsed()` return what the host must do with the notification.
 */
export class FallbackNotice {
  private shown = false;
  private reason: string | undefined;

  get isShown(): boolean {
    return this.shown;
  }

  /** Why the notice is up (undefined when it is not). */
  get why(): string | undefined {
    return this.shown ? this.reason : undefined;
  }

  /** A command ran as a child process: show the notice unless it is already up. */
  fallback(why: string): 'show' | 'none' {
    if (this.shown) return 'none';
    this.shown = true;
    this.reason = why;
    return 'show';
  }

  /** A command ran in the SALE terminal: the notice no longer holds. */
  terminalUsed(): 'withdraw' | 'none' {
    if (!this.shown) return 'none';
    this.shown = false;
    this.reason = undefined;
    return 'withdraw';
  }
}
