/** Commands over a repository's memory: export and import as JSON lines, and forget it. */
import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import type { CommandRegistry } from './commandRegistry';
import type { Logger } from './log';
import { adoptIntoRepo, parseJsonLines, toJsonLines } from './memoryJsonl';
import type { MemoryService } from './memoryService';
import type { RoutingViewProvider } from './routingView';
import { currentRepo } from './workspaceRepo';

export function registerMemoryCommands(reg: CommandRegistry, deps: { memory: MemoryService; routing: RoutingViewProvider; log: Logger }): void {
  const { memory, routing, log } = deps;
  reg.register('sale.exportMemory', async (arg?: { uri?: string }) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first: memory belongs to a repository.', 'no-workspace');
    const records = await memory.store(r.label).load();
    const target = arg?.uri ? vscode.Uri.parse(arg.uri) : await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(r.folder.uri, 'sale-memory.jsonl'), filters: { 'JSON lines': ['jsonl'] }, title: 'Export SALE memory',
    });
    if (!target) return { ok: false, error: 'No file chosen.', code: 'cancelled' };
    await vscode.workspace.fs.writeFile(target, Buffer.from(toJsonLines(records), 'utf8'));
    log('info', `Exported ${records.length} memory record(s) of ${r.label} to ${target.fsPath}.`);
    void vscode.window.showInformationMessage(`SALE: exported ${records.length} memory record(s) to ${target.fsPath}.`);
    return { ok: true, detail: `${records.length}` };
  });
  reg.register('sale.importMemory', async (arg?: { uri?: string }) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first: memory belongs to a repository.', 'no-workspace');
    const source = arg?.uri ? vscode.Uri.parse(arg.uri) : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON lines': ['jsonl', 'json', 'txt'] }, title: 'Import SALE memory' }))?.[0];
    if (!source) return { ok: false, error: 'No file chosen.', code: 'cancelled' };
    const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
    const parsed = parseJsonLines(text);
    for (const e of parsed.errors) log('warn', `Import ${source.fsPath}:${e.line}: ${e.message}`);
    const { added, skipped } = await memory.store(r.label).importRecords(adoptIntoRepo(parsed.records, r.label));
    memory.reload(r.label);
    routing.refresh();
    const msg = `imported ${added} record(s), skipped ${skipped} already present${parsed.errors.length ? `, refused ${parsed.errors.length} invalid line(s) (see log)` : ''}.`;
    log('info', `Memory of ${r.label}: ${msg}`);
    void vscode.window.showInformationMessage(`SALE: ${msg}`);
    return { ok: true, detail: JSON.stringify({ added, skipped, invalid: parsed.errors.length }) };
  });
  reg.register('sale.clearMemory', async (confirm?: boolean) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first.', 'no-workspace');
    if (confirm !== true) {
      const pick = await vscode.window.showWarningMessage(`Forget everything SALE learned in ${r.label}?`, { modal: true }, 'Forget');
      if (pick !== 'Forget') return { ok: false, error: 'Not confirmed.', code: 'cancelled' };
    }
    await memory.store(r.label).clear();
    memory.reload(r.label);
    routing.refresh();
  });
}
