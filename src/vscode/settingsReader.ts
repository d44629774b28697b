/** SALE's settings for a folder, read and checked; each problem is logged and shown once until the settings change. */
import * as vscode from 'vscode';
import type { Logger } from './log';
import { type ExtensionSettings, readSettings } from './settings';
import { notificationText } from './userErrors';

export type SettingsFor = (folder: vscode.Uri | undefined) => ExtensionSettings;

export class SettingsReader {
  private readonly problemsShown = new Set<string>();

  constructor(private readonly log: Logger) {}

  readonly read: SettingsFor = (folder) => {
    const cfg = vscode.workspace.getConfiguration('sale', folder);
    const { settings, problems } = readSettings((k) => cfg.get(k));
    for (const p of problems) {
      if (this.problemsShown.has(p)) continue;
      this.problemsShown.add(p);
      this.log('warn', p);
      void vscode.window.showWarningMessage(notificationText(p));
    }
    return settings;
  };

  /** The settings changed: a problem still there is shown again. */
  changed(): void {
    this.problemsShown.clear();
  }
}
