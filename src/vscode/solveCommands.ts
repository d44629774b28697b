/** Commands that start a task: from the selection, a TODO, typed text, a GitHub issue, a bundled sample task, or whatever is under the cursor. */
import * as vscode from 'vscode';
import type { CommandOutcome, CommandRegistry } from './commandRegistry';
import type { SampleTaskPicker } from './sampleTaskPicker';
import type { SolveController } from './solveController';
import type { SolveArgs, TaskContext, TaskSources } from './taskSources';

export function registerSolveCommands(reg: CommandRegistry, sources: TaskSources, controller: SolveController, samples: SampleTaskPicker): void {
  /** `interactive`: started without arguments (palette, panel), so a modal may ask; with arguments refusals are errors. */
  const startTask = async (ctx: TaskContext | undefined, interactive = false): Promise<CommandOutcome> => {
    if (!ctx) return { ok: false, error: 'No task chosen.', code: 'cancelled' };
    reg.lastError = undefined;
    await controller.solve(ctx.task, ctx.repo, ctx.folder, { interactive });
    return { ok: true, state: controller.current };
  };

  reg.register('sale.solve', async (args?: SolveArgs) => (args && typeof args === 'object' && 'source' in args
    ? startTask(await sources.fromArgs(args))
    : startTask(await sources.fromContext(), true)));
  reg.register('sale.solveSelection', async (uri?: unknown) => startTask(await sources.fromArgs({ source: 'selection', uri: uriArg(uri) })));
  reg.register('sale.solveTodo', async (arg?: { uri?: string; line?: number } | vscode.Uri) => {
    const a = arg instanceof vscode.Uri ? { uri: arg.toString() } : arg ?? {};
    return startTask(await sources.fromArgs({ source: 'todo', uri: a.uri, line: a.line }));
  });
  reg.register('sale.solveText', async (text?: string) => (typeof text === 'string' ? startTask(await sources.fromText(text)) : startTask(await sources.fromTextPrompt(), true)));
  reg.register('sale.solveIssue', async (issue?: number | string) => startTask(await sources.fromIssue(issue), issue === undefined));
  reg.register('sale.pickTodo', async () => startTask(await sources.pickTodo(), true));
  reg.register('sale.solveSample', async (id?: string) => startTask(await samples.pick(typeof id === 'string' ? id : undefined), typeof id !== 'string'));
}

function uriArg(u: unknown): string | undefined {
  if (u instanceof vscode.Uri) return u.toString();
  return typeof u === 'string' ? u : undefined;
}
