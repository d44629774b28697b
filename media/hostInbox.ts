/**
 * The webview's side of host → webview messages: parsed with the shared schema, dispatched by an exhaustive switch,
 * and anything refused or unknown reported back to the host (which logs it) instead of dropped. No DOM here
 * (unit-tested).
 */
import { type HostMessage, type PanelState, parseHostMessage, shownMessage, unknownMessageText } from '../src/vscode/webviewMessages';

export interface HostMessageHandlers {
  state(state: PanelState): void;
  focus(target: Extract<HostMessage, { type: 'focus' }>['target']): void;
}

/** The `problem` message's text is capped by its schema. */
const PROBLEM_MAX = 2000;

/** `parse` is the shared schema's parser; tests replace it to reach the `default:` branch a valid message cannot. */
export function receiveHostMessage(data: unknown, on: HostMessageHandlers, problem: (message: string) => void, parse = parseHostMessage): void {
  const r = parse(data);
  if (!r.ok) {
    problem(`The panel refused a message from the host (${r.error}): ${shownMessage(data)}`.slice(0, PROBLEM_MAX));
    return;
  }
  const msg = r.message;
  switch (msg.type) {
    case 'state':
      on.state(msg.state);
      return;
    case 'focus':
      on.focus(msg.target);
      return;
    default:
      problem(`The panel dropped a message from the host: ${unknownMessageText(msg)}`.slice(0, PROBLEM_MAX));
  }
}
