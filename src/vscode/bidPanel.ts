import { formatZodIssues } from '../core/zodIssues';
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { type HostMessage, type PanelState, type WebviewMessage, HostMessageSchema, initialPanelState, parseWebviewMessage } from './webviewMessages';
import { ListenerSlot } from './disposables';

export type MessageHandler = (msg: WebviewMessage) => void | Promise<void>;

/**
 * The bid review panel: a webview view in SALE's own activity-bar container. It holds the current PanelState,
 * sends it whole to the webview (throttled while bids stream in), and passes only messages that parse with the
 * shared zod schema on to the controller. Everything refused is logged and counted.
 */
export class BidPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'sale.bids';
  private view: vscode.WebviewView | undefined;
  private state: PanelState = initialPanelState();
  private timer: NodeJS.Timeout | undefined;
  private lastPost = 0;
  /** Listeners of the current webview view (replaced when the view is resolved again). */
  private readonly viewListeners = new ListenerSlot();
  /** Messages refused since activation, with the reason (the test API reads these). */
  readonly refused: { message: unknown; reason: string }[] = [];
  /** How many state messages reached the webview's `ready` handshake (tests wait on it). */
  readyCount = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: MessageHandler,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

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
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot], enableCommandUris: false };
    view.webview.html = this.html(view.webview, mediaRoot);
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

  /**
   * Entry point of every message from the webview (and of the test API's forged ones): parsed with the shared
   * schema, refused with a reason when it does not fit. Returns whether it was accepted.
   */
  async receive(raw: unknown): Promise<{ accepted: boolean; reason?: string }> {
    const r = parseWebviewMessage(raw);
    if (!r.ok) {
      this.refuse(raw, `malformed: ${r.error}`);
      return { accepted: false, reason: r.error };
    }
    const msg = r.message;
    if (msg.type === 'ready') {
      this.readyCount++;
      this.post({ type: 'state', state: this.state });
      return { accepted: true };
    }
    if (msg.type === 'problem') {
      this.log('warn', `Panel: ${msg.message}`);
      return { accepted: true };
    }
    if ('session' in msg && msg.session !== this.state.session) {
      const reason = `stale or forged session "${msg.session}" (current: ${this.state.session ?? 'none'})`;
      this.refuse(raw, reason);
      return { accepted: false, reason };
    }
    try {
      await this.onMessage(msg);
      return { accepted: true };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.refuse(raw, reason);
      return { accepted: false, reason };
    }
  }

  refuse(raw: unknown, reason: string): void {
    this.refused.push({ message: raw, reason });
    if (this.refused.length > 100) this.refused.shift();
    let shown: string;
    try {
      shown = JSON.stringify(raw)?.slice(0, 300) ?? String(raw);
    } catch {
      shown = String(raw);
    }
    this.log('warn', `Refused a panel message (${reason}): ${shown}`);
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
    const r = HostMessageSchema.safeParse(msg);
    if (!r.success) {
      this.log('error', `Not sending an invalid panel message: ${formatZodIssues(r.error, { style: 'inline', root: '', max: 3 })}`);
      return;
    }
    void this.view.webview.postMessage(r.data);
  }

  private html(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const js = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      "connect-src 'none'",
      "form-action 'none'",
      "base-uri 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}" nonce="${nonce}">
<title>SALE bids</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
  }
}
