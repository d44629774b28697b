import * as vscode from 'vscode';
import { SaleError, errorMessage } from '../core/errors';
import type { CommandRegistry } from './commandRegistry';
import { type AgentCheck, CHECK_COLUMNS, checkPool, formatPoolCheck, poolCheckCells } from '../llm/poolCheck';
import type { Logger } from './log';
import type { PoolService } from './poolSetup';
import type { SettingsFor } from './settingsReader';
import type { PoolCheckView } from './webviewMessages';

/**
 * "SALE: Check Pool": the pool check of `sale pool check`, run on the configured pool. Also runs by itself
 * when a `sale.pool.*` setting changes (trusted workspaces only), and says what the new pool will lack.
 * The table goes to the SALE log and the bid panel.
 */
export interface PoolCheckDeps {
  pools: PoolService;
  settings: SettingsFor;
  log: Logger;
  showLog: () => void;
  show: (view: PoolCheckView) => void;
}

const folderUri = () => vscode.workspace.workspaceFolders?.[0]?.uri;

export function poolCheckView(label: string, checks: AgentCheck[]): PoolCheckView {
  return {
    label,
    at: new Date().toISOString(),
    columns: CHECK_COLUMNS,
    rows: checks.map(poolCheckCells),
    notes: checks.flatMap((c) => c.notes.map((n) => `${c.agent}: ${n}`)),
  };
}

/** Registers "SALE: Check Pool" (guarded like every command) and returns the settings listener to dispose. */
export function registerPoolCheckCommands(reg: CommandRegistry, deps: PoolCheckDeps): vscode.Disposable[] {
  let running: Promise<void> | undefined;
  const run = async (interactive: boolean): Promise<AgentCheck[] | undefined> => {
    const folder = folderUri();
    const s = deps.settings(folder);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SALE: checking the pool…' }, async () => {
        const resolved = await deps.pools.resolve(s, folder);
        const checks = await checkPool(resolved.models);
        deps.log('info', `Pool check (${resolved.label}):\n${formatPoolCheck(checks, { simulated: resolved.simulated })}`);
        deps.show(poolCheckView(`${resolved.label}${resolved.simulated ? ' — SIMULATED' : ''}`, checks));
        const bad = checks.filter((c) => c.error);
        const missing = checks.flatMap((c) => c.notes.map((n) => `${c.agent}: ${n}`));
        if (bad.length) {
          void vscode.window.showErrorMessage(`SALE pool check: ${bad.map((c) => `${c.agent}: ${c.notes[0]}`).join(' · ')}`, 'Show Log').then((p) => p && deps.showLog());
        } else if (missing.length) {
          const text = `SALE pool check: ${missing.slice(0, 3).join(' · ')}${missing.length > 3 ? ` (+${missing.length - 3} more in the log)` : ''}`;
          void vscode.window.showWarningMessage(text, 'Show Log').then((p) => p && deps.showLog());
        } else if (interactive) {
          void vscode.window.showInformationMessage(`SALE pool check: all ${checks.length} agents have everything SALE uses.`);
        }
        return checks;
      });
    } catch (e) {
      deps.log('warn', `Pool check failed: ${errorMessage(e)}`);
      // After a settings change too: a missing key or a bad pool file is exactly what the user needs to hear now.
      const show = interactive ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      void show(`SALE pool check: ${errorMessage(e)}`, 'Show Log').then((p) => p && deps.showLog());
      return undefined;
    }
  };

  reg.register('sale.checkPool', async () => {
    if (!vscode.workspace.isTrusted) throw new SaleError('The pool check calls the configured models: trust the workspace first.', 'untrusted');
    const checks = await run(true);
    return checks ? { ok: true, detail: JSON.stringify(checks) } : { ok: false, error: 'pool check failed (see the SALE log)', code: 'pool-check' };
  });

  let timer: NodeJS.Timeout | undefined;
  return [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('sale.pool') || !vscode.workspace.isTrusted) return;
      // Settings often change a few keys in a row: check once they settle, one check at a time.
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = (running ?? Promise.resolve()).then(async () => void (await run(false)));
      }, 1500);
    }),
    { dispose: () => clearTimeout(timer) },
  ];
}
