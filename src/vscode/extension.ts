/**
 * Activation: builds SALE's services in dependency order, registers the commands (grouped by feature in
 * *Commands.ts), the views and the providers, and returns the test API in test or development mode.
 */
import * as vscode from 'vscode';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { BidPanelProvider } from './bidPanel';
import { CommandRegistry } from './commandRegistry';
import { ORIGINAL_SCHEME } from './diffOriginals';
import { SaleLog } from './log';
import { LoggingRunner } from './loggingRunner';
import { announceSandboxOnce, offerRecovery, terminalCommandLine } from './recoveryOffer';
import { registerMemoryCommands } from './memoryCommands';
import { MemoryService } from './memoryService';
import { registerPoolCheckCommands } from './poolCheckCommand';
import { PoolService } from './poolSetup';
import { registerReviewCommands } from './reviewCommands';
import { registerRoutingCommands } from './routingCommands';
import { type RoutingSource, RoutingViewProvider } from './routingView';
import { RoutingPictureProvider } from './routingPictureView';
import { SampleTaskPicker, announceSimulatedSamples } from './sampleTaskPicker';
import { SettingsReader } from './settingsReader';
import { registerSetupCommands } from './setupCommands';
import { registerSolveCommands } from './solveCommands';
import { SolveController } from './solveController';
import { SaleStatusBar } from './statusBar';
import { TaskSources } from './taskSources';
import { TerminalCommandRunner } from './terminalCommandRunner';
import { TerminalFallbackNotification } from './terminalNotice';
import { type SaleTestApi, testApiFor } from './testApi';
import { TodoCodeActionProvider, TodoCodeLensProvider } from './todoProviders';
import { WALKTHROUGH_CONTEXT_KEYS, WalkthroughProgress } from './walkthroughProgress';
import { currentRepo } from './workspaceRepo';

export function activate(context: vscode.ExtensionContext): SaleTestApi | undefined {
  const started = Date.now();
  const log = new SaleLog();
  const settingsReader = new SettingsReader(log.log);
  const settings = settingsReader.read;

  const status = new SaleStatusBar();
  const memory = new MemoryService(context.workspaceState, () => settings(undefined)['memory.maxRecords']);
  const pools = new PoolService(context.extensionPath, context.secrets, log.log, async () => (await import('../sim/server')).startSimServer);
  const terminalNotice = new TerminalFallbackNotification();
  const terminal = new TerminalCommandRunner({
    shellIntegrationTimeoutMs: () => settings(undefined)['terminal.shellIntegrationTimeoutMs'],
    useShellIntegration: () => settings(undefined)['terminal.useShellIntegration'],
    fallback: new ChildProcessCommandRunner(),
    wrapCommand: terminalCommandLine,
    log: log.log,
    notice: terminalNotice,
  });
  const runner = new LoggingRunner(terminal, log.log);
  const sources = new TaskSources(log.log, settings);
  const routingSource: RoutingSource = {
    load: async () => {
      const r = await currentRepo();
      if (!r) return undefined;
      const s = settings(r.folder.uri);
      let agents: string[] = [];
      try {
        agents = pools.configuredPool(s, r.folder.uri).pool.agents.map((a) => a.id);
      } catch {
        agents = [];
      }
      return { repo: r.label, records: await memory.store(r.label).load(), agents, pinned: s['routing.pinnedAgents'], excluded: s['routing.excludedAgents'] };
    },
  };
  // The figures (tree, pin / exclude) and the picture read the same source and refresh together.
  const routingPicture = new RoutingPictureProvider(context.extensionUri, routingSource, log.log);
  const routing = new RoutingViewProvider(routingSource, () => routingPicture.refresh());
  const panel = new BidPanelProvider(context.extensionUri, log.log);
  const controller = new SolveController({
    panel,
    status,
    pools,
    memory,
    runner,
    log: log.log,
    settings,
    onMemoryChanged: () => routing.refresh(),
    onTestCommand: (c) => terminal.setRerunnable([c]),
  });
  // The panel exists before the controller that drives it; its actions go to the controller from here on.
  panel.handleActionsWith((msg) => controller.handlePanelMessage(msg));
  // The Getting Started walkthrough's steps complete when the panel shows they were done (walkthroughProgress.ts).
  const walkthrough = new WalkthroughProgress();
  context.subscriptions.push(controller.onState((s) => {
    for (const m of walkthrough.update(s)) void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT_KEYS[m], true);
  }));
  const codeLens = new TodoCodeLensProvider(() => settings(undefined)['todoCodeLens.enabled']);

  const commands = new CommandRegistry(context, log);
  const samples = new SampleTaskPicker(sources, pools.suiteDir);
  registerSolveCommands(commands, sources, controller, samples);
  registerReviewCommands(commands, controller);
  commands.register('sale.showPanel', async () => panel.reveal());
  commands.register('sale.showLog', async () => log.show());
  registerSetupCommands(commands, { secrets: context.secrets, pools, settings, log: log.log });
  context.subscriptions.push(...registerPoolCheckCommands(commands, { pools, settings, log: log.log, showLog: () => log.show(), show: (v) => controller.showPoolCheck(v) }));
  registerMemoryCommands(commands, { memory, routing, log: log.log, pools, settings, storageDir: context.globalStorageUri.fsPath });
  registerRoutingCommands(commands, { routing, log: log.log });

  context.subscriptions.push(
    log,
    status,
    panel,
    terminal,
    terminalNotice,
    routing,
    codeLens,
    { dispose: () => void pools.dispose() },
    controller,
    vscode.window.registerWebviewViewProvider(BidPanelProvider.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.window.registerTreeDataProvider(RoutingViewProvider.viewId, routing),
    routingPicture,
    vscode.window.registerWebviewViewProvider(RoutingPictureProvider.viewId, routingPicture),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TodoCodeActionProvider(), { providedCodeActionKinds: TodoCodeActionProvider.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(ORIGINAL_SCHEME, { provideTextDocumentContent: (uri) => controller.originalContent(uri) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sale')) {
        settingsReader.changed();
        codeLens.refresh();
        routing.refresh();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.log('info', 'Workspace trusted: SALE may now run agents here.')),
  );

  // After activation, off its critical path: the offer to restore an unfinished run, and the sandbox notice.
  setTimeout(() => {
    announceSandboxOnce(log.log, (v) => controller.showNoSandbox(v));
    announceSimulatedSamples(context.workspaceState, settings, log.log);
    void offerRecovery(log.log);
  }, 0);
  const ms = Date.now() - started;
  log.log('info', `SALE activated in ${ms} ms (VS Code ${vscode.version}, ${vscode.env.appName}).`);
  context.globalState.update('sale.lastActivationMs', ms);

  return testApiFor({ context, controller, commands, panel, memory, runner, terminal, terminalNotice, pools, log, status, routing, routingPicture, sources, samples, walkthrough, activationMs: ms });
}

export function deactivate(): void {
  // Disposables registered on the context do the work (sim server closed, terminal disposed).
}
