import * as vscode from 'vscode';
import { detectSandbox, sandboxNotice, sandboxedShellLine } from '../core/execution/commandSandbox';
import { isSecretName } from '../core/execution/secretEnv';
import { errorMessage } from '../core/errors';
import { discardJournals, inspectUnfinishedJournals, recoverJournals, recoveryHasWork } from '../core/workspace/journalRecovery';
import { noSandboxView } from './noSandboxView';
import type { NoSandboxView } from './webviewMessages';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/**
 * On activation: when a SALE run in a workspace folder did not finish (the window was closed or crashed, or the
 * extension host died, before Accept or Revert), its write-ahead journal is still on disk. Offer to put every file
 * back; "Keep As Is" forgets the journal instead. Runs of a still-living process (another window) are left alone.
 */
export async function offerRecovery(log: Log): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    try {
      const plan = await inspectUnfinishedJournals(folder.uri.fsPath);
      if (!recoveryHasWork(plan)) continue;
      const files = [...plan.restored, ...plan.removed, ...plan.gitRestored];
      log('warn', `An unfinished SALE run left changes in ${folder.name}: ${files.join(', ')}`);
      const pick = await vscode.window.showWarningMessage(
        `SALE: a run in "${folder.name}" did not finish (the window closed or crashed before Accept or Revert). ` +
          `Restore ${files.length} file(s) to how they were before it?`,
        'Restore', 'Show Log', 'Keep As Is',
      );
      if (pick === 'Restore') {
        const r = await recoverJournals(folder.uri.fsPath);
        const msg = `Restored ${r.restored.length} file(s), removed ${r.removed.length} the run created${r.gitRestored.length ? `, put back ${r.gitRestored.join(', ')}` : ''}.`;
        log(r.errors.length ? 'error' : 'info', `${msg}${r.errors.length ? ` Could not restore: ${r.errors.join('; ')}` : ''}`);
        void (r.errors.length ? vscode.window.showErrorMessage(`SALE: ${msg} Some files could not be restored; see the log.`) : vscode.window.showInformationMessage(`SALE: ${msg}`));
      } else if (pick === 'Keep As Is') {
        await discardJournals(folder.uri.fsPath);
        log('info', `Kept the unfinished run's changes in ${folder.name}; its journal was discarded.`);
      } else if (pick === 'Show Log') {
        void vscode.commands.executeCommand('sale.showLog');
      }
    } catch (e) {
      log('error', `Could not check ${folder.name} for an unfinished SALE run: ${errorMessage(e)}`);
    }
  }
}

let announced = false;
/**
 * Says once, in the log (and as a warning when there is none), whether commands run in a sandbox; without one the
 * panel keeps a notice on its execution section (`showInPanel`).
 */
export function announceSandboxOnce(log: Log, showInPanel?: (view: NoSandboxView | null) => void): void {
  if (announced) return;
  announced = true;
  const info = detectSandbox();
  log(info.kind === 'bwrap' ? 'info' : 'warn', sandboxNotice(info));
  if (info.kind === 'none') void vscode.window.showWarningMessage(`SALE: ${sandboxNotice(info)}`);
  showInPanel?.(noSandboxView(info));
}

/** For the terminal runner: the same sandbox and the same scrubbed environment as the child-process runner. */
export function terminalCommandLine(command: string, cwd: string): string {
  return sandboxedShellLine(detectSandbox(), command, cwd, Object.keys(process.env).filter(isSecretName));
}
