/**
 * A new task would drop the previous run's journal (its exact revert): it is refused while that change is neither
 * accepted nor reverted. Interactively (palette, panel) a modal lets the user Accept or Revert it right there and go on.
 */
import * as vscode from 'vscode';
import type { Logger } from './log';
import type { PanelState } from './webviewMessages';
import { UserFacingError } from './userErrors';

export interface PendingChange {
  /** Whether the last run left a change (its engine run is kept for Accept / Revert). */
  hasRun: boolean;
  state(): PanelState;
  accept(): Promise<unknown>;
  revert(): Promise<unknown>;
  log: Logger;
}

export async function settlePendingChange(p: PendingChange, interactive: boolean): Promise<void> {
  if (!p.hasRun || p.state().outcome !== 'pending') return;
  const n = p.state().changes.length;
  const message = `The previous SALE change (${n} file${n === 1 ? '' : 's'}) is neither accepted nor reverted. Accept or revert it before starting a new task.`;
  if (interactive) {
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail: 'Starting a new task would lose the exact revert of the previous change.' }, 'Accept', 'Revert');
    if (pick === 'Accept' && p.state().outcome === 'pending') {
      await p.accept();
      return;
    }
    if (pick === 'Revert' && p.state().outcome === 'pending') {
      await p.revert();
      return;
    }
    if (p.state().outcome !== 'pending') return;
  }
  p.log('warn', 'A new task was refused: the previous change is neither accepted nor reverted.');
  throw new UserFacingError(message, 'change-pending', [{ title: 'Accept', command: 'sale.accept' }, { title: 'Revert', command: 'sale.revert' }]);
}
