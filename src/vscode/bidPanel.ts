import * as vscode from 'vscode';
import { type HostMessage, type PanelState, initialPanelState, parseHostMessage, shownMessage } from './webviewMessages';
import { ListenerSlot } from './disposables';
import type { Logger } from './log';
import { type ActionHandler, PanelInbox } from './panelInbox';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The bid review panel: a webview view in SALE's own activity-bar container. It holds the current PanelState,
 * sends it whole to the webview (throttled while bids stream in), and passes only messages that parse with the
 * shared zod schema on to the controller (see PanelInbox). Everything refused is logged and counted.
 */
export class BidPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'sale.bids';
  private view: vscode.WebviewView | undefined;
  private state: PanelState = initialPanelState();
  private timer: NodeJS.Timeout | undefined;
  private lastPost = 0;
  /** Listeners of the current webview view (replaced when the view is resolved again). */
  private readonly viewListeners = new ListenerSlot();
  private readonly inbox: PanelInbox;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Logger) {
    this.inbox = new PanelInbox({ session: () => this.state.session, onReady: () => this.post({ type: 'state', state: this.state }), log });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.viewListeners.clear();
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  get current(): PanelState {
    return this.state;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    view.webview.options = webviewOptions(mediaRoot);
    view.webview.html = webviewHtml(view.webview, mediaRoot, 'panel.js', 'SALE bids');
    // A view resolved again (hidden and shown, moved) replaces the previous one: its listeners go with it.
    this.viewListeners.replace([
      view.webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.post({ type: 'state', state: this.state });
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.viewListeners.clear();
        }
      }),
    ]);
  }

  /** Entry point of every message from the webview (and of the test API's forged ones); see PanelInbox. */
  receive(raw: unknown): Promise<{ accepted: boolean; reason?: string }> {
    return this.inbox.receive(raw);
  }

  /** Where accepted panel actions go (set once the controller exists). */
  handleActionsWith(handler: ActionHandler): void {
    this.inbox.handleActionsWith(handler);
  }

  /** Messages refused since activation, with the reason (the test API reads these). */
  get refused(): readonly { message: unknown; reason: string }[] {
    return this.inbox.refused;
  }

  /** How many `ready` handshakes the webview sent (tests wait on it). */
  get readyCount(): number {
    return this.inbox.readyCount;
  }

  setState(state: PanelState, immediate = false): void {
    this.state = state;
    if (!this.view) return;
    const now = Date.now();
    const wait = immediate ? 0 : Math.max(0, 80 - (now - this.lastPost));
    if (wait === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
    }
  }

  focus(target: 'actions' | 'bids' | 'diff'): void {
    this.post({ type: 'focus', target });
  }

  /** Reveals the view (creating it if needed). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${BidPanelProvider.viewId}.focus`);
  }

  private flush(): void {
    this.lastPost = Date.now();
    this.post({ type: 'state', state: this.state });
  }

  private post(msg: HostMessage): void {
    if (!this.view) return;
    // The host validates what it sends as well: a bug shows in the log instead of a blank panel.
    const r = parseHostMessage(msg);
    if (!r.ok) {
      this.log('error', `Not sending an invalid panel message (${r.error}): ${shownMessage(msg)}`);
      return;
    }
    void this.view.webview.postMessage(r.message);
  }
}
