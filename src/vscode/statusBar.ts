import * as vscode from 'vscode';
import { formatUsd } from '../core/formatUsd';
import { phaseSummary } from './panelModel';
import type { PanelState } from './webviewMessages';

/** The status bar item: where the current task is and what it has cost; a click opens the panel. */
export class SaleStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Dollars spent in this window's session, all tasks. */
  private sessionUsd = 0;

  constructor() {
    this.item = vscode.window.createStatusBarItem('sale.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'SALE';
    this.item.command = 'sale.showPanel';
    this.update(undefined);
    this.item.show();
  }

  addSessionUsd(usd: number): void {
    this.sessionUsd += usd;
  }

  get text(): string {
    return this.item.text;
  }

  update(state: PanelState | undefined): void {
    const busy = state && ['bidding', 'jury', 'refining', 'executing'].includes(state.phase);
    const icon = busy ? '$(sync~spin)' : state?.phase === 'review' ? '$(eye)' : state?.phase === 'failed' ? '$(error)' : '$(law)';
    const phase = state ? phaseSummary(state) : 'idle';
    const usd = state && state.phase !== 'idle' ? ` · ${formatUsd(state.totalUsd)}` : '';
    const sim = state?.simulated ? ' (simulated)' : '';
    this.item.text = `${icon} SALE: ${phase}${usd}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**SALE** — ${phase}${sim}\n\nThis task: ${state ? formatUsd(state.totalUsd) : '$0'}` +
      `${state?.budgetUsd ? ` of ${formatUsd(state.budgetUsd)} budget` : ''}\n\nThis session: ${formatUsd(this.sessionUsd + (busy || state?.phase === 'review' ? state!.totalUsd : 0))}\n\nClick to open the bid panel.`);
    this.item.backgroundColor = state?.phase === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : state?.phase === 'review' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
