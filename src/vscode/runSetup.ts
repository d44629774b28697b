/**
 * What a run needs before anything is spent: the test command, the pool (its errors turned into actionable ones)
 * and the panel's first state for the run.
 */
import type * as vscode from 'vscode';
import * as path from 'node:path';
import { SaleError, errorMessage } from '../core/errors';
import type { CodingTask } from '../core/task';
import { detectTestCommand } from '../core/workspace/repoContext';
import { addNotice } from './panelModel';
import type { PoolService, ResolvedPool } from './poolSetup';
import type { RepoInfo } from './repoInfo';
import type { ReviewMode } from './restrictedMode';
import { UNTRUSTED_NOTICE } from './restrictedMode';
import type { ExtensionSettings } from './settings';
import { UserFacingError } from './userErrors';
import { type PanelState, initialPanelState } from './webviewMessages';

/** A setting wins, then what the task says, then detection. None: stop before spending. */
export async function resolveTestCommand(setting: string, task: CodingTask, root: string): Promise<string> {
  const testCommand = setting.trim() || task.testCommand || (await detectTestCommand(root));
  if (!testCommand) {
    throw new UserFacingError(
      `No test command found in ${path.basename(root)}. SALE decides whether a change works by running the tests: set "sale.testCommand" ` +
      '(for example "npm test") or add a "test" script to package.json. Nothing was spent.',
      'no-test-command', [{ title: 'Set Test Command', command: 'sale.setTestCommand' }]);
  }
  return testCommand;
}

/** The pool for this run; a missing key or an unusable pool becomes an error with the button that fixes it. */
export function resolvePoolForRun(pools: PoolService, s: ExtensionSettings, folder: vscode.Uri): Promise<ResolvedPool> {
  return pools.resolve(s, folder).catch((e) => {
    const code = (e as SaleError).code;
    if (code === 'api-key-missing') throw new UserFacingError(errorMessage(e), code, [{ title: 'Set API Key', command: 'sale.setApiKey' }]);
    if (code === 'endpoint-down' || code === 'pool-invalid' || code === 'pool-missing' || code === 'pool-unreadable') {
      throw new UserFacingError(errorMessage(e), code, [{ title: 'Open Settings', command: 'workbench.action.openSettings', args: ['sale.pool'] }]);
    }
    throw e;
  });
}

export interface RunStart {
  id: string;
  task: CodingTask & { testCommand: string };
  root: string;
  repo: RepoInfo;
  pool: ResolvedPool;
  reviewMode: ReviewMode;
  budgetUsd: number;
  trusted: boolean;
}

/** The panel as a run starts: bidding, with notices for the pool, a folder outside git and Restricted Mode. */
export function initialRunState(r: RunStart): PanelState {
  let st = initialPanelState({
    phase: 'bidding',
    session: r.id,
    simulated: r.pool.simulated,
    poolLabel: r.pool.label,
    reviewMode: r.reviewMode,
    budgetUsd: r.budgetUsd > 0 ? r.budgetUsd : null,
    task: { title: r.task.title, source: r.task.source, repo: r.repo.label, testCommand: r.task.testCommand },
    agents: r.pool.models.map((m) => m.agent.id),
  });
  for (const n of r.pool.notes) st = addNotice(st, 'info', n);
  if (!r.repo.isGitRepo) st = addNotice(st, 'warn', `${path.basename(r.root)} is not a git repository: memory is keyed by the folder name, and Accept keeps the change in place (no branch).`);
  if (!r.trusted) st = addNotice(st, 'warn', UNTRUSTED_NOTICE);
  return st;
}
