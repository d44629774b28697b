/** Commands that answer a run: run the winner or another bid (override), cancel, accept or revert the change. */
import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import type { CommandRegistry } from './commandRegistry';
import type { SolveController } from './solveController';

export function registerReviewCommands(reg: CommandRegistry, controller: SolveController): void {
  reg.register('sale.runWinner', async () => {
    const s = controller.current;
    if (s.phase !== 'review' || s.winnerBidIndex === null) throw new SaleError('There is no auction waiting for review.', 'no-review');
    await controller.decide({ action: 'run', bidIndex: s.winnerBidIndex });
  });
  reg.register('sale.runBid', async (index?: number) => {
    const s = controller.current;
    if (s.phase !== 'review') throw new SaleError('There is no auction waiting for review.', 'no-review');
    let i = typeof index === 'number' ? index : undefined;
    if (i === undefined) {
      const pick = await vscode.window.showQuickPick(s.bids.map((b, idx) => ({
        label: `${b.agent}${b.refined ? ' (refined)' : ''}${idx === s.winnerBidIndex ? ' — winner' : ''}`,
        description: b.error ? `failed: ${b.error}` : `score ${b.score.toFixed(4)} · C ${b.cost.toFixed(4)} · V ${b.value.toFixed(4)} · ${b.tokens} tokens`,
        idx,
      })).filter((x) => !s.bids[x.idx].error), { placeHolder: 'Run which bid? (override the winner)' });
      if (!pick) return { ok: false, error: 'No bid chosen.', code: 'cancelled' };
      i = pick.idx;
    }
    await controller.decide({ action: 'run', bidIndex: i });
  });
  reg.register('sale.cancel', async () => controller.cancel());
  reg.register('sale.accept', async () => ({ ok: true, detail: await controller.accept() }));
  reg.register('sale.revert', async () => ({ ok: true, detail: await controller.revert() }));
}
