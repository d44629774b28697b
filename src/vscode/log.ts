import * as vscode from 'vscode';

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

/** Words that look like API keys are masked before anything reaches the log. */
const KEYLIKE = /\b(?:sk|pk|rk|ghp|gho|ghu|ghs|github_pat|xox[abpr])[-_][A-Za-z0-9_-]{12,}\b|\bBearer\s+[A-Za-z0-9._-]{12,}/g;

export function maskSecrets(text: string): string {
  return text.replace(KEYLIKE, (m) => `${m.slice(0, 4)}…(hidden)`);
}

/** The "SALE" log output channel. Lines are also kept in memory (bounded) for the test API. */
export class SaleLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  readonly recent: { level: LogLevel; message: string }[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel('SALE', { log: true });
  }

  readonly log: Logger = (level, message) => {
    const m = maskSecrets(message);
    this.recent.push({ level, message: m });
    if (this.recent.length > 500) this.recent.shift();
    if (level === 'error') this.channel.error(m);
    else if (level === 'warn') this.channel.warn(m);
    else this.channel.info(m);
  };

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
