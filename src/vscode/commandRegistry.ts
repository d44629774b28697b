/**
 * How SALE's commands are registered: each body runs guarded, so an error becomes one clear notification (with
 * the buttons that fix it) and a CommandOutcome that tests and other extensions can read.
 */
import * as vscode from 'vscode';
import { SaleError, errorMessage } from '../core/errors';
import type { SaleLog } from './log';
import { UserFacingError, notificationText } from './userErrors';
import type { PanelState } from './webviewMessages';

/** What a SALE command returns (tests and other extensions read it; people see notifications instead). */
export type CommandOutcome = { ok: true; state?: PanelState; detail?: string } | { ok: false; error: string; code: string };

/** Arguments come from anywhere (palette, keybindings, other extensions): each body checks its own. */
export type CommandBody = (...args: any[]) => Promise<CommandOutcome | void>;

export class CommandRegistry {
  /** The last command error (the test API reads it); a new task clears it. */
  lastError: { message: string; code: string } | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: SaleLog) {}

  register(id: string, body: CommandBody): void {
    this.context.subscriptions.push(vscode.commands.registerCommand(id, this.guard(id, body)));
  }

  private guard(name: string, body: CommandBody) {
    return async (...args: unknown[]): Promise<CommandOutcome> => {
      try {
        const r = await body(...args);
        return r ?? { ok: true };
      } catch (e) {
        if (e instanceof vscode.CancellationError) return { ok: false, error: 'Cancelled.', code: 'cancelled' };
        const code = e instanceof SaleError ? e.code : 'unexpected';
        const message = errorMessage(e);
        this.lastError = { message, code };
        this.log.log('error', `${name}: ${message}`);
        if (!(e instanceof SaleError)) this.log.log('error', (e as Error)?.stack ?? String(e));
        const actions = e instanceof UserFacingError ? e.actions : [];
        void vscode.window.showErrorMessage(notificationText(message), ...actions.map((a) => a.title), ...(e instanceof SaleError ? [] : ['Show Log'])).then((pick) => {
          const a = actions.find((x) => x.title === pick);
          if (a) void vscode.commands.executeCommand(a.command, ...(a.args ?? []));
          else if (pick === 'Show Log') this.log.show();
        });
        return { ok: false, error: message, code };
      }
    };
  }
}
