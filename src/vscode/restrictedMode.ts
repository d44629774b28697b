/**
 * Restricted Mode (an untrusted workspace): SALE may show an auction but runs nothing — no agent, no command. Here
 * are the places a run meets that rule.
 */
import * as vscode from 'vscode';
import type { CommandApprover } from '../core/ports/commandRunner';
import { SaleError } from '../core/errors';
import type { Logger } from './log';

export const UNTRUSTED_NOTICE = 'This workspace is not trusted (Restricted Mode): SALE shows the auction but will not run anything until you trust the workspace.';

export type ReviewMode = 'wait' | 'auto';

export class RestrictedMode {
  private autoRunBlockedNotice = false;

  constructor(private readonly log: Logger) {}

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** "auto" runs the winner without review; untrusted, the run waits for review instead (said once per window). */
  reviewMode(setting: ReviewMode, trusted: boolean): ReviewMode {
    if (trusted || setting !== 'auto') return setting;
    if (!this.autoRunBlockedNotice) {
      this.autoRunBlockedNotice = true;
      this.log('warn', 'Restricted Mode: SALE waits for review and will not execute until the workspace is trusted.');
    }
    return 'wait';
  }
}

export const UNTRUSTED_RUN_REFUSED = 'SALE does not run agents in an untrusted workspace (Restricted Mode): trust the workspace ("Workspaces: Manage Workspace Trust") to run a bid.';

/**
 * Refuses to run a bid in an untrusted workspace, offering to manage trust. The refusal does not wait for the
 * notification's answer (which may never come: a closed toast, smoke-test mode).
 */
export function refuseUntrustedRun(): never {
  void vscode.window.showWarningMessage(UNTRUSTED_RUN_REFUSED, 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  throw new SaleError(UNTRUSTED_RUN_REFUSED, 'untrusted');
}

/** Commands other than the test command: refused outright in Restricted Mode, else the user is asked with a modal. */
export function modalCommandApprover(log: Logger): CommandApprover {
  return {
    approve: async (command: string) => {
      if (!vscode.workspace.isTrusted) return false;
      const pick = await vscode.window.showWarningMessage(`The SALE agent wants to run a command:\n\n${command}`, { modal: true, detail: 'Only the test command runs without asking.' }, 'Allow');
      const ok = pick === 'Allow';
      log(ok ? 'info' : 'warn', `Command ${ok ? 'allowed' : 'refused'} by the user: ${command}`);
      return ok;
    },
  };
}
