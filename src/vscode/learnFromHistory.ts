import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import { CancelSource } from '../core/ports/cancel';
import { solveSettings } from './engine';
import type { Logger } from './log';
import type { MemoryService } from './memoryService';
import type { PoolService } from './poolSetup';
import { engineSettingsInput } from './settings';
import type { SettingsFor } from './settingsReader';
import { currentRepo } from './workspaceRepo';

/**
 * "SALE: Learn from This Repository's History…": the extension's face of warm-up (src/suite/warmup.ts). Asks how
 * far back and whether to execute, shows the estimated cost and asks for a budget before anything is spent, then
 * runs in a cancellable notification. Progress lives in the extension's global storage, so a second run resumes.
 */
export interface LearnFromHistoryDeps {
  pools: PoolService;
  memory: MemoryService;
  settings: SettingsFor;
  storageDir: string;
  log: Logger;
  onMemoryChanged: () => void;
}

/** Parses the budget typed by the user; undefined when it is not a non-negative amount of dollars. */
export function parseBudgetUsd(text: string): number | undefined {
  const n = Number(text.trim().replace(/^\$/, ''));
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export async function learnFromHistory(deps: LearnFromHistoryDeps): Promise<{ ok: true; detail?: string } | { ok: false; error: string; code: string }> {
  if (!vscode.workspace.isTrusted) throw new SaleError('Learning from history runs models and, if asked, tests: trust this workspace first.', 'untrusted');
  const repo = await currentRepo();
  if (!repo) throw new SaleError('Open a folder first: memory belongs to a repository.', 'no-workspace');
  const lastPick = await vscode.window.showQuickPick(['10', '20', '50'].map((n) => ({ label: `Last ${n} commits`, n: Number(n) })), { title: 'SALE: how far back?' });
  if (!lastPick) return { ok: false, error: 'Cancelled.', code: 'cancelled' };
  const modePick = await vscode.window.showQuickPick([
    { label: 'Auction only', description: 'cheaper: bids and jury for each past task', execute: false },
    { label: 'Auction and execution', description: 'also runs the winner on the parent commit with its tests, in a temporary copy', execute: true },
  ], { title: 'SALE: replay how?' });
  if (!modePick) return { ok: false, error: 'Cancelled.', code: 'cancelled' };

  const s = deps.settings(repo.folder.uri);
  const resolved = await deps.pools.resolve(s, repo.folder.uri);
  const memory = await deps.memory.memory(repo.label);
  const settings = solveSettings(engineSettingsInput(s));
  const key = createHash('sha256').update(repo.folder.uri.fsPath).digest('hex').slice(0, 16);
  const progressFile = path.join(deps.storageDir, 'warmup', `${key}.json`);
  const { planWarmup, runWarmup } = await import('../suite/warmup');
  const base = { repo: repo.folder.uri.fsPath, last: lastPick.n, models: resolved.models, settings, execute: modePick.execute, progressFile };
  const plan = await planWarmup(base);
  if (!plan.candidates.length) {
    void vscode.window.showInformationMessage(`SALE: nothing to learn: no commit of the last ${lastPick.n} changed source and tests together${plan.alreadyDone ? ` that is not already learned (${plan.alreadyDone} done)` : ''}.`);
    return { ok: true };
  }
  const budgetText = await vscode.window.showInputBox({
    title: 'SALE: budget for learning from history (US dollars)',
    prompt: `${plan.candidates.length} past task(s)${resolved.simulated ? ' on SIMULATED models' : ''}: at most $${plan.estimateUsd.toFixed(4)} in all, $${plan.perTaskUsd.toFixed(4)} each. ` +
      'A task starts only if its worst case fits in what is left.',
    value: Math.min(plan.estimateUsd, 1).toFixed(2),
    validateInput: (t) => (parseBudgetUsd(t) === undefined ? 'Enter an amount in dollars, e.g. 0.50' : undefined),
  });
  const budget = budgetText === undefined ? undefined : parseBudgetUsd(budgetText);
  if (budget === undefined) return { ok: false, error: 'Cancelled.', code: 'cancelled' };

  const { ChildProcessCommandRunner, allowListApprover } = await import('../core/execution/childProcessRunner');
  const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SALE: learning from history', cancellable: true }, async (progress, token) => {
    const cancel = new CancelSource();
    const sub = token.onCancellationRequested(() => cancel.cancel());
    try {
      return await runWarmup({
        ...base, memory, runner: new ChildProcessCommandRunner(), approver: allowListApprover([]), signal: cancel, simulated: resolved.simulated,
        onProgress: (e) => {
          progress.report({ increment: 100 / e.of, message: `${e.index}/${e.of}: ${e.title} ($${e.usd.toFixed(4)})` });
          deps.onMemoryChanged();
        },
      }, plan, budget);
    } finally {
      sub.dispose();
    }
  });
  deps.onMemoryChanged();
  const why = res.stoppedBy === 'budget' ? ' Stopped at the budget; run it again to continue.' : res.stoppedBy === 'cancelled' ? ' Cancelled; run it again to resume.' : '';
  const msg = `SALE learned from ${res.done} past task(s) for $${res.spentUsd.toFixed(4)}.${why}`;
  deps.log('info', msg);
  void vscode.window.showInformationMessage(msg);
  return { ok: true, detail: msg };
}
