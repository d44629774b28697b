/**
 * The run's progress notification: one for the auction, then one for the execution, both cancellable. At most one
 * is open; a repeated message is not re-sent.
 */
import * as vscode from 'vscode';

interface Note {
  report(m: string): void;
  done(): void;
}

export class RunProgress {
  private note: Note | undefined;

  /** `onCancel`: the notification's Cancel button. */
  constructor(private readonly onCancel: () => void) {}

  /** Closes the open notification, if any, and opens one titled `title`. */
  show(title: string): void {
    this.note?.done();
    this.note = notification(title, this.onCancel);
  }

  report(message: string): void {
    this.note?.report(message);
  }

  done(): void {
    this.note?.done();
    this.note = undefined;
  }
}

function notification(title: string, onCancel: () => void): Note {
  let report: (m: string) => void = () => undefined;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (p, token) => {
    token.onCancellationRequested(onCancel);
    let last = '';
    report = (m) => {
      if (m !== last) p.report({ message: m });
      last = m;
    };
    return finished;
  });
  return { report: (m) => report(m), done };
}
