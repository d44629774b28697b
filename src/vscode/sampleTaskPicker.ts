/**
 * "SALE: Solve a Sample Task…" and the notice at start that the simulated pool can only solve the bundled sample
 * tasks. The choices come from `sampleTasks.ts`; a task with its TODO in the folder is solved through that TODO.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SaleError } from '../core/errors';
import { loadSuite } from '../core/suite';
import type { Logger } from './log';
import { type SampleTaskChoice, sampleTaskChoices } from './sampleTasks';
import type { SettingsFor } from './settingsReader';
import type { TaskContext, TaskSources } from './taskSources';

export const SIMULATED_ONLY_SAMPLES = 'SALE is using its simulated models (no API key needed). They can solve only the bundled sample tasks, not tasks of your own: pick one with "SALE: Solve a Sample Task…", or choose a real pool.';

export class SampleTaskPicker {
  constructor(private readonly sources: TaskSources, private readonly suiteDir: string) {}

  /** The pick list for the first workspace folder. */
  async choices(): Promise<SampleTaskChoice[]> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    let suite;
    try {
      suite = loadSuite(this.suiteDir);
    } catch (e) {
      throw new SaleError(`The bundled sample tasks could not be read (${(e as Error).message}).`, 'no-samples');
    }
    const todos = folder ? (await this.sources.workspaceTodos()).map((t) => ({ rel: t.rel, line: t.todo.line, text: t.todo.text })) : [];
    return sampleTaskChoices(suite.map((s) => ({ id: s.task.id, title: s.task.title, body: s.task.body, repoDir: s.repoDir })), folder, todos);
  }

  /** The task to start: by id (tests, links), else from a quick pick. Undefined when the pick was dismissed. */
  async pick(id?: string): Promise<TaskContext | undefined> {
    const all = await this.choices();
    let choice: SampleTaskChoice | undefined;
    if (id !== undefined) {
      choice = all.find((c) => c.id === id);
      if (!choice) throw new SaleError(`There is no sample task "${id}".`, 'no-sample');
    } else {
      const fits = all.filter((c) => c.fitsHere).length;
      const picked = await vscode.window.showQuickPick(all.map((c) => ({
        label: c.title,
        description: c.fitsHere ? (c.todo ? `TODO in ${c.todo.rel}:${c.todo.line + 1}` : 'fits this folder') : `needs its own sample repository`,
        detail: c.fitsHere ? undefined : `npm run try-it -- ${c.id}`,
        choice: c,
      })), {
        title: 'SALE: Solve a Sample Task',
        placeHolder: fits ? 'The simulated models can solve only these bundled tasks; the first fits this folder' : 'The simulated models can solve only these bundled tasks; none fits this folder (see npm run try-it)',
        matchOnDetail: true,
      });
      choice = picked?.choice;
    }
    if (!choice) return undefined;
    if (!choice.fitsHere) {
      throw new SaleError(`"${choice.title}" is a sample task for another repository: its tests cannot pass in this folder. Open its sample repository with: npm run try-it -- ${choice.id}`, 'sample-elsewhere');
    }
    const folder = vscode.workspace.workspaceFolders![0];
    if (choice.todo) return this.sources.fromArgs({ source: 'todo', uri: vscode.Uri.file(path.join(folder.uri.fsPath, choice.todo.rel)).toString(), line: choice.todo.line });
    return this.sources.fromText(`${choice.title}\n${choice.body}`);
  }
}

/** Once per workspace, when the pool is the embedded simulated one: says what it can solve and offers the samples. */
export function announceSimulatedSamples(state: vscode.Memento, settings: SettingsFor, log: Logger): void {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder || settings(folder)['pool.preset'] !== 'simulated' || state.get('sale.samplesAnnounced')) return;
  void state.update('sale.samplesAnnounced', true);
  log('info', SIMULATED_ONLY_SAMPLES);
  void vscode.window.showInformationMessage(SIMULATED_ONLY_SAMPLES, 'Solve a Sample Task…', 'Choose a Pool…').then((pick) => {
    if (pick === 'Solve a Sample Task…') void vscode.commands.executeCommand('sale.solveSample');
    if (pick === 'Choose a Pool…') void vscode.commands.executeCommand('sale.choosePool');
  });
}
