/**
 * Every message from the webview (and the test API's forged ones) comes in here: parsed with the shared schema,
 * checked against the current run's session, then handed to the action handler. Nothing is dropped quietly: each
 * refusal is logged with what was refused and kept (bounded) for the test API. No `vscode` import (unit-tested).
 */
import type { Logger } from './log';
import { type PanelAction, parseWebviewMessage, shownMessage } from './webviewMessages';

export type ActionHandler = (msg: PanelAction) => void | Promise<void>;

export interface PanelInboxDeps {
  /** The current run's session id: actions carrying another one are refused. */
  session(): string | null;
  /** The webview has loaded and asks for the state. */
  onReady(): void;
  log: Logger;
}

export class PanelInbox {
  /** Messages refused since activation, with the reason (the test API reads these). */
  readonly refused: { message: unknown; reason: string }[] = [];
  /** How many `ready` handshakes arrived (tests wait on it). */
  readyCount = 0;
  private handler: ActionHandler | undefined;

  constructor(private readonly deps: PanelInboxDeps) {}

  /** Where accepted actions go (the controller, which is built after the panel it drives). */
  handleActionsWith(handler: ActionHandler): void {
    this.handler = handler;
  }

  /** Returns whether the message was accepted, and why not. */
  async receive(raw: unknown): Promise<{ accepted: boolean; reason?: string }> {
    const r = parseWebviewMessage(raw);
    if (!r.ok) {
      this.refuse(raw, `malformed: ${r.error}`);
      return { accepted: false, reason: r.error };
    }
    const msg = r.message;
    if (msg.type === 'ready') {
      this.readyCount++;
      this.deps.onReady();
      return { accepted: true };
    }
    if (msg.type === 'problem') {
      this.deps.log('warn', `Panel: ${msg.message}`);
      return { accepted: true };
    }
    const current = this.deps.session();
    if ('session' in msg && msg.session !== current) {
      const reason = `stale or forged session "${msg.session}" (current: ${current ?? 'none'})`;
      this.refuse(raw, reason);
      return { accepted: false, reason };
    }
    if (!this.handler) {
      const reason = 'the panel is not connected to a controller yet';
      this.refuse(raw, reason);
      return { accepted: false, reason };
    }
    try {
      await this.handler(msg);
      return { accepted: true };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.refuse(raw, reason);
      return { accepted: false, reason };
    }
  }

  private refuse(raw: unknown, reason: string): void {
    this.refused.push({ message: raw, reason });
    if (this.refused.length > 100) this.refused.shift();
    this.deps.log('warn', `Refused a panel message (${reason}): ${shownMessage(raw)}`);
  }
}
