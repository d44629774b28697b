/**
 * Where each panel action goes. The switch is exhaustive (a new action type without a branch fails the typecheck)
 * and its `default:` rejects, so the panel inbox refuses and logs what it could not route instead of dropping it.
 * No `vscode` import (unit-tested).
 */
import { SaleError } from '../core/errors';
import { type PanelAction, unknownMessageText } from './webviewMessages';

export interface PanelActions {
  run(bidIndex: number): PromiseLike<unknown>;
  cancel(): PromiseLike<unknown>;
  accept(): PromiseLike<unknown>;
  revert(): PromiseLike<unknown>;
  openDiff(path: string): PromiseLike<unknown>;
  holdAuction(): PromiseLike<unknown>;
  retryBid(): PromiseLike<unknown>;
  solve(): PromiseLike<unknown>;
  openSettings(): PromiseLike<unknown>;
  showLog(): PromiseLike<unknown>;
}

export async function routePanelAction(msg: PanelAction, to: PanelActions): Promise<void> {
  switch (msg.type) {
    case 'run':
      await to.run(msg.bidIndex);
      return;
    case 'cancel':
      await to.cancel();
      return;
    case 'accept':
      await to.accept();
      return;
    case 'revert':
      await to.revert();
      return;
    case 'openDiff':
      await to.openDiff(msg.path);
      return;
    case 'holdAuction':
      await to.holdAuction();
      return;
    case 'retryBid':
      await to.retryBid();
      return;
    case 'solve':
      await to.solve();
      return;
    case 'openSettings':
      await to.openSettings();
      return;
    case 'showLog':
      await to.showLog();
      return;
    default:
      throw new SaleError(unknownMessageText(msg), 'unknown-message');
  }
}
