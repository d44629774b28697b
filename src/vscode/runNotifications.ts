/**
 * The notifications a run shows when the panel is out of view (a notification cannot be withdrawn once the
 * question is answered elsewhere, so the panel is preferred), and the one for a revert that failed after a cancel.
 */
import * as vscode from 'vscode';

export function offerReview(winner: string, title: string, on: { run(): void; review(): void; cancel(): void }): void {
  void vscode.window.showInformationMessage(`SALE: ${winner} won the auction for "${title}".`, 'Run Winner', 'Review Bids', 'Cancel')
    .then((pick) => {
      if (pick === 'Run Winner') on.run();
      else if (pick === 'Review Bids') on.review();
      else if (pick === 'Cancel') on.cancel();
    });
}

export function offerOutcome(message: string, on: { accept(): void; revert(): void; showDiff(): void }): void {
  void vscode.window.showInformationMessage(message, 'Accept', 'Revert', 'Show Diff').then((pick) => {
    if (pick === 'Accept') on.accept();
    else if (pick === 'Revert') on.revert();
    else if (pick === 'Show Diff') on.showDiff();
  });
}

export function showRevertProblem(notice: string): void {
  void vscode.window.showErrorMessage(`SALE: ${notice}`, 'Show Log').then((p) => p && vscode.commands.executeCommand('sale.showLog'));
}
