import * as vscode from 'vscode';
import { stripControlSequences } from '../core/controlChars';
import { maskSecrets } from './redact';

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;


/** The "SALE" log output channel. Lines are also kept in memory (bounded) for the test API. */
export class SaleLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  readonly recent: { level: LogLevel; message: string }[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel('SALE', { log: true });
  }

  readonly log: Logger = (level, message) => {
    // Log lines carry model text (plans, file names, errors): no escape sequence reaches the channel.
    const m = stripControlSequences(maskSecrets(message));
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
