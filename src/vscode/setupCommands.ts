/** Commands that set up what a run needs: the pool, API keys (in VS Code's secret storage only) and the test command. */
import * as vscode from 'vscode';
import { SaleError, errorMessage } from '../core/errors';
import type { CommandRegistry } from './commandRegistry';
import type { Logger } from './log';
import { POOL_PRESETS, PRESET_LABELS, type PoolPreset, secretKeyFor } from './poolPresets';
import type { PoolService } from './poolSetup';
import type { SettingsFor } from './settingsReader';
import { currentRepo } from './workspaceRepo';

const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One line per preset in the pool quick pick (package.json's enumDescriptions say the same in settings). */
const PRESET_DETAILS: Record<PoolPreset, string> = {
  simulated: 'Offline, no key: simulated models that can solve only the bundled sample tasks.',
  openai: 'GPT-4.1 nano / mini / 4.1; needs OPENAI_API_KEY.',
  'ollama-qwen3': 'Qwen3 4B/8B/14B/32B on your local Ollama; no key.',
  openrouter: 'Qwen3 8B–235B on OpenRouter; needs OPENROUTER_API_KEY.',
  custom: 'Your own pool: a pool file or the agents in settings.',
};

export function registerSetupCommands(reg: CommandRegistry, deps: { secrets: vscode.SecretStorage; pools: PoolService; settings: SettingsFor; log: Logger }): void {
  const { secrets, pools, settings, log } = deps;
  reg.register('sale.setApiKey', async (arg?: { name?: string; key?: string }) => {
    const r = await currentRepo();
    const s = settings(r?.folder.uri);
    let name = arg?.name;
    if (!name) {
      const needed = pools.keyNames(s, r?.folder.uri);
      const items = [...new Set([...needed, 'OPENAI_API_KEY', 'OPENROUTER_API_KEY'])].map((n) => ({ label: n, description: needed.includes(n) ? 'needed by the current pool' : '' }));
      const pick = await vscode.window.showQuickPick([...items, { label: 'Other…', description: 'the apiKeyEnv name of a custom agent' }], { placeHolder: 'Which API key?' });
      if (!pick) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
      name = pick.label === 'Other…' ? await vscode.window.showInputBox({ prompt: 'Key name (as in the agent\'s "apiKeyEnv")', validateInput: (v) => (KEY_NAME.test(v) ? undefined : 'Letters, digits and _') }) : pick.label;
      if (!name) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
    }
    if (!KEY_NAME.test(name)) throw new SaleError(`"${name}" is not a valid key name.`, 'bad-key-name');
    const key = arg?.key ?? await vscode.window.showInputBox({ prompt: `API key for ${name} (kept in VS Code's secret storage, never in settings or logs)`, password: true, ignoreFocusOut: true });
    if (!key) return { ok: false, error: 'No key entered.', code: 'cancelled' };
    try {
      await secrets.store(secretKeyFor(name), key.trim());
    } catch (e) {
      throw new SaleError(`VS Code could not store the key (${errorMessage(e)}). On Linux this usually means no keyring is running: install and unlock one ` +
        '(gnome-keyring or KWallet), or start VS Code with --password-store=basic (less safe). The key was not saved anywhere else.', 'secret-store');
    }
    log('info', `API key ${name} stored in secret storage.`);
    void vscode.window.showInformationMessage(`SALE: API key ${name} saved in secret storage.`);
    return { ok: true, detail: name };
  });
  reg.register('sale.clearApiKey', async (name?: string) => {
    const n = name ?? await vscode.window.showInputBox({ prompt: 'Remove which API key (name)?' });
    if (!n) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
    await secrets.delete(secretKeyFor(n));
    log('info', `API key ${n} removed from secret storage.`);
  });

  // "SALE: Choose a Pool…" (the walkthrough's first step): the preset, in user settings; then what it still needs.
  reg.register('sale.choosePool', async (preset?: string) => {
    let chosen = typeof preset === 'string' ? preset : undefined;
    if (chosen === undefined) {
      const current = settings(undefined)['pool.preset'];
      const pick = await vscode.window.showQuickPick(POOL_PRESETS.map((p) => ({
        label: PRESET_LABELS[p],
        description: `${p}${p === current ? ' (current)' : ''}`,
        detail: PRESET_DETAILS[p],
        preset: p,
      })), { title: 'SALE: Choose a Pool', placeHolder: 'Which models bid and solve tasks?' });
      if (!pick) return { ok: false, error: 'No pool chosen.', code: 'cancelled' };
      chosen = pick.preset;
    }
    if (!(POOL_PRESETS as readonly string[]).includes(chosen)) throw new SaleError(`"${chosen}" is not a pool preset (${POOL_PRESETS.join(', ')}).`, 'bad-preset');
    await vscode.workspace.getConfiguration('sale').update('pool.preset', chosen, vscode.ConfigurationTarget.Global);
    log('info', `Pool preset set to ${chosen}.`);
    if (chosen === 'custom') void vscode.commands.executeCommand('workbench.action.openSettings', 'sale.pool');
    else if (typeof preset !== 'string') {
      const keys = pools.keyNames(settings(undefined), undefined);
      if (keys.length) void vscode.window.showInformationMessage(`SALE: the ${PRESET_LABELS[chosen as PoolPreset]} pool needs ${keys.join(', ')}.`, 'Set API Key').then((p) => p && vscode.commands.executeCommand('sale.setApiKey'));
    }
    return { ok: true, detail: chosen };
  });

  reg.register('sale.setTestCommand', async (cmd?: string) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first.', 'no-workspace');
    const v = cmd ?? await vscode.window.showInputBox({ prompt: 'Command that runs this repository\'s tests (exit code 0 = pass)', placeHolder: 'npm test' });
    if (v === undefined) return { ok: false, error: 'No command entered.', code: 'cancelled' };
    await vscode.workspace.getConfiguration('sale', r.folder.uri).update('testCommand', v, vscode.ConfigurationTarget.WorkspaceFolder);
  });
}
