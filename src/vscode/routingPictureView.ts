import * as vscode from 'vscode';
import { routingPicture } from '../core/memory/routingPicture';
import { errorMessage } from '../core/errors';
import { ListenerSlot } from './disposables';
import type { Logger } from './log';
import type { RoutingSource } from './routingView';
import { type RoutingHostMessage, type RoutingPicture, parseRoutingHostMessage, parseRoutingWebviewMessage } from './routingPictureMessages';
import { unknownMessageText } from './webviewMessages';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * "Routing Picture": what this repository's memory taught SALE, drawn (media/routingPicture.ts) — each agent's pass
 * rate with its uncertainty against its cost, its pass rate over the repository's history, and why the last tasks
 * were routed or auctioned. The figures and pin / exclude stay in the Routing Preferences tree (routingView.ts);
 * both read the same source and refresh together.
 */
export class RoutingPictureProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'sale.routingPicture';
  private view: vscode.WebviewView | undefined;
  private readonly listeners = new ListenerSlot();
  private stale = true;
  /** The last picture sent (the test API reads it). */
  last: RoutingPicture | null = null;

  constructor(private readonly extensionUri: vscode.Uri, private readonly source: RoutingSource, private readonly log: Logger) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    view.webview.options = webviewOptions(mediaRoot);
    view.webview.html = webviewHtml(view.webview, mediaRoot, 'routingPicture.js', 'SALE routing picture');
    this.listeners.replace([
      view.webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible && this.stale) void this.update();
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.listeners.clear();
        }
      }),
    ]);
  }

  /** Memory or settings changed: redraw now when shown, else when next shown. */
  refresh(): void {
    this.stale = true;
    if (this.view?.visible) void this.update();
  }

  dispose(): void {
    this.listeners.clear();
  }

  /** Computes the picture and sends it (also without a view: the test API reads `last`). */
  async update(): Promise<RoutingPicture | null> {
    this.stale = false;
    let msg: RoutingHostMessage;
    try {
      const d = await this.source.load();
      this.last = d ? routingPicture(d.repo, d.records, d.agents) : null;
      msg = { type: 'picture', picture: this.last, ...(d ? {} : { note: 'Open a folder to see what SALE learned in it.' }) };
    } catch (e) {
      msg = { type: 'picture', picture: null, note: `Could not read this repository's memory: ${errorMessage(e)}` };
    }
    this.post(msg);
    return this.last;
  }

  private post(msg: RoutingHostMessage): void {
    const r = parseRoutingHostMessage(msg);
    if (!r.ok) {
      this.log('error', `Not sending an invalid routing picture (${r.error}).`);
      return;
    }
    if (this.view) void this.view.webview.postMessage(r.message);
  }

  private async receive(raw: unknown): Promise<void> {
    const r = parseRoutingWebviewMessage(raw);
    if (!r.ok) {
      this.log('warn', `Refused a routing picture message: ${r.error}`);
      return;
    }
    const msg = r.message;
    switch (msg.type) {
      case 'ready':
        await this.update();
        return;
      case 'showFigures':
        await vscode.commands.executeCommand('sale.routing.focus');
        return;
      case 'problem':
        this.log('warn', `Routing picture: ${msg.message}`);
        return;
      default:
        this.log('warn', `Routing picture: ${unknownMessageText(msg)}`);
    }
  }
}
