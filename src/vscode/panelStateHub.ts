/**
 * The one PanelState of the window and who hears of it: the panel (throttled unless `immediate`), the status bar
 * (skipped for streamed bid deltas) and listeners (the test API's waitFor).
 */
import type * as vscode from 'vscode';
import type { BidPanelProvider } from './bidPanel';
import type { SaleStatusBar } from './statusBar';
import { type PanelState, initialPanelState } from './webviewMessages';

export class PanelStateHub {
  private state: PanelState = initialPanelState();
  private readonly listeners = new Set<(s: PanelState) => void>();

  constructor(private readonly panel: Pick<BidPanelProvider, 'setState'>, private readonly status: Pick<SaleStatusBar, 'update'>) {}

  get current(): PanelState {
    return this.state;
  }

  set(next: PanelState, immediate = false, status = true): void {
    // The last pool check and the no-sandbox notice outlive runs (a new run's state starts without them).
    if (next.poolCheck === undefined && this.state.poolCheck) next = { ...next, poolCheck: this.state.poolCheck };
    if (next.noSandbox === undefined && this.state.noSandbox) next = { ...next, noSandbox: this.state.noSandbox };
    this.state = next;
    this.panel.setState(next, immediate);
    if (status) this.status.update(next);
    for (const f of this.listeners) f(next);
  }

  onState(f: (s: PanelState) => void): vscode.Disposable {
    this.listeners.add(f);
    return { dispose: () => this.listeners.delete(f) };
  }
}
