/**
 * The "tests run as a child process" notice as a notification that code can close: VS Code has no API to close a
 * `showWarningMessage` toast, but a progress notification ends when its promise settles. So the notice goes away
 * as soon as the terminal works again (`withdraw`), or when the user closes it. When to show and withdraw is
 * decided by `FallbackNotice` (shellIntegrationWait.ts).
 */
import * as vscode from 'vscode';

interface Shown {
  closed: boolean;
  close?: () => void;
}

export class TerminalFallbackNotification implements vscode.Disposable {
  private current: Shown | undefined;

  show(message: string): void {
    this.withdraw();
    const entry: Shown = { closed: false };
    this.current = entry;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SALE', cancellable: true },
      (progress, token) => new Promise<void>((resolve) => {
        // Withdrawn before VS Code ran this callback: nothing to show.
        if (entry.closed) return resolve();
        progress.report({ message: `${message} (SALE: Show Log has the details.)` });
        const sub = token.onCancellationRequested(() => {
          if (this.current === entry) this.current = undefined;
          entry.close?.();
        });
        entry.close = () => {
          sub.dispose();
          resolve();
        };
      }),
    );
  }

  withdraw(): void {
    const entry = this.current;
    this.current = undefined;
    if (!entry) return;
    entry.closed = true;
    entry.close?.();
  }

  /** Whether the notice is up (the test API reads it). */
  get isShown(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.withdraw();
  }
}
