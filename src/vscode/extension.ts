import * as vscode from 'vscode';
import { ChildProcessCommandRunner } from '../core/execution/childProcessRunner';
import { SaleError, errorMessage } from '../core/errors';
import type { MemoryRecord } from '../core/memory/memoryRecord';
import type { CommandResult, CommandRunner } from '../core/ports/commandRunner';
import { BidPanelProvider } from './bidPanel';
import { SaleLog } from './log';
import { adoptIntoRepo, parseJsonLines, toJsonLines } from './memoryJsonl';
import { MemoryService } from './memoryService';
import { PoolService } from './poolSetup';
import { registerPoolCheck } from './poolCheckCommand';
import { secretKeyFor } from './poolPresets';
import { readRepoInfo } from './repoInfo';
import { RoutingViewProvider, agentOfNode } from './routingView';
import { readSettings, type ExtensionSettings } from './settings';
import { ORIGINAL_SCHEME, SolveController } from './solveController';
import { UserFacingError, notificationText } from './userErrors';
import { SaleStatusBar } from './statusBar';
import { type SolveArgs, type TaskContext, TaskSources } from './taskSources';
import { TerminalCommandRunner } from './terminalCommandRunner';
import { TodoCodeActionProvider, TodoCodeLensProvider } from './todoProviders';
import type { PanelState } from './webviewMessages';

/** What a SALE command returns (tests and other extensions read it; people see notifications instead). */
export type CommandOutcome = { ok: true; state?: PanelState; detail?: string } | { ok: false; error: string; code: string };

/**
 * The test-only API returned by activate() when the extension runs in test or development mode (or with
 * SALE_TEST_API=1). It reads state and injects panel messages through the same path the webview uses; it never
 * exposes secrets. Documented in docs/vscode-extension.md.
 */
export interface SaleTestApi {
  state(): PanelState;
  waitFor(pred: (s: PanelState) => boolean, timeoutMs?: number): Promise<PanelState>;
  lastRun(): SolveController['lastRun'];
  lastError(): { message: string; code: string } | undefined;
  /** Feeds a raw message to the panel's message handler, exactly as if the webview had posted it. */
  panelReceive(raw: unknown): Promise<{ accepted: boolean; reason?: string }>;
  panelRefused(): { message: unknown; reason: string }[];
  panelReadyCount(): number;
  memoryRecords(repoLabel: string): Promise<MemoryRecord[]>;
  workspaceStateKeys(): readonly string[];
  workspaceStateGet(key: string): unknown;
  commandResults(): CommandResult[];
  terminalName(): string | undefined;
  simUrl(): string | undefined;
  apiKeyIsSet(name: string): Promise<boolean>;
  log(): { level: string; message: string }[];
  statusText(): string;
  routing(): ReturnType<RoutingViewProvider['summary']>;
  repoLabel(folderPath: string): Promise<string>;
  /** What "SALE: Pick a TODO" lists (without the quick pick). */
  workspaceTodos(): Promise<{ rel: string; line: number; tag: string; text: string }[]>;
}

/** Records the results of commands (the test command above all) and logs each one. */
class LoggingRunner implements CommandRunner {
  readonly results: CommandResult[] = [];
  constructor(private readonly inner: CommandRunner, private readonly log: SaleLog) {}
  async run(command: string, opts: Parameters<CommandRunner['run']>[1]): Promise<CommandResult> {
    const r = await this.inner.run(command, opts);
    this.results.push(r);
    if (this.results.length > 200) this.results.shift();
    this.log.log(r.exitCode === 0 ? 'info' : 'warn', `$ ${command} → exit ${r.exitCode ?? 'unknown'}${r.timedOut ? ' (timed out)' : ''} [${r.runner}, ${r.durationMs} ms]`);
    return r;
  }
}

export function activate(context: vscode.ExtensionContext): SaleTestApi | undefined {
  const started = Date.now();
  const log = new SaleLog();
  const settingsProblemsShown = new Set<string>();
  const settings = (folder: vscode.Uri | undefined): ExtensionSettings => {
    const cfg = vscode.workspace.getConfiguration('sale', folder);
    const { settings: s, problems } = readSettings((k) => cfg.get(k));
    for (const p of problems) {
      if (settingsProblemsShown.has(p)) continue;
      settingsProblemsShown.add(p);
      log.log('warn', p);
      void vscode.window.showWarningMessage(notificationText(p));
    }
    return s;
  };

  const status = new SaleStatusBar();
  const memory = new MemoryService(context.workspaceState, () => settings(undefined)['memory.maxRecords']);
  const pools = new PoolService(context.extensionPath, context.secrets, log.log, async () => (await import('../sim/server')).startSimServer);
  const terminal = new TerminalCommandRunner({
    shellIntegrationTimeoutMs: () => settings(undefined)['terminal.shellIntegrationTimeoutMs'],
    useShellIntegration: () => settings(undefined)['terminal.useShellIntegration'],
    fallback: new ChildProcessCommandRunner(),
    log: log.log,
    notify: (m) => void vscode.window.showWarningMessage(m, 'Show Log').then((p) => p && log.show()),
  });
  const runner = new LoggingRunner(terminal, log);
  const sources = new TaskSources(log.log, settings);

  let routing: RoutingViewProvider;
  let lastError: { message: string; code: string } | undefined;
  // eslint-disable-next-line prefer-const
  let controller: SolveController;
  const panel = new BidPanelProvider(context.extensionUri, (msg) => controller.handlePanelMessage(msg), log.log);
  controller = new SolveController({
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

  const currentRepo = async (): Promise<{ folder: vscode.WorkspaceFolder; label: string } | undefined> => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) return undefined;
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) || folders[0];
    return { folder, label: (await readRepoInfo(folder.uri.fsPath)).label };
  };

  routing = new RoutingViewProvider({
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
  });

  const codeLens = new TodoCodeLensProvider(() => settings(undefined)['todoCodeLens.enabled']);

  /** Runs a command body; errors become one clear notification (with actions) and a CommandOutcome. */
  const guard = (name: string, body: (...args: any[]) => Promise<CommandOutcome | void>) => async (...args: unknown[]): Promise<CommandOutcome> => {
    try {
      const r = await body(...args);
      return r ?? { ok: true };
    } catch (e) {
      if (e instanceof vscode.CancellationError) return { ok: false, error: 'Cancelled.', code: 'cancelled' };
      const code = e instanceof SaleError ? e.code : 'unexpected';
      const message = errorMessage(e);
      lastError = { message, code };
      log.log('error', `${name}: ${message}`);
      if (!(e instanceof SaleError)) log.log('error', (e as Error)?.stack ?? String(e));
      const actions = e instanceof UserFacingError ? e.actions : [];
      void vscode.window.showErrorMessage(notificationText(message), ...actions.map((a) => a.title), ...(e instanceof SaleError ? [] : ['Show Log'])).then((pick) => {
        const a = actions.find((x) => x.title === pick);
        if (a) void vscode.commands.executeCommand(a.command, ...(a.args ?? []));
        else if (pick === 'Show Log') log.show();
      });
      return { ok: false, error: message, code };
    }
  };

  /** `interactive`: started without arguments (palette, panel), so a modal may ask; with arguments refusals are errors. */
  const startTask = async (ctx: TaskContext | undefined, interactive = false): Promise<CommandOutcome> => {
    if (!ctx) return { ok: false, error: 'No task chosen.', code: 'cancelled' };
    lastError = undefined;
    await controller.solve(ctx.task, ctx.repo, ctx.folder, { interactive });
    return { ok: true, state: controller.current };
  };

  const reg = (id: string, f: (...args: any[]) => Promise<CommandOutcome | void>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, guard(id, f)));
  context.subscriptions.push(...registerPoolCheck({ pools, settings, log: log.log, showLog: () => log.show(), show: (v) => controller.showPoolCheck(v) }));

  reg('sale.solve', async (args?: SolveArgs) => (args && typeof args === 'object' && 'source' in args
    ? startTask(await sources.fromArgs(args))
    : startTask(await sources.fromContext(), true)));
  reg('sale.solveSelection', async (uri?: unknown) => startTask(await sources.fromArgs({ source: 'selection', uri: uriArg(uri) })));
  reg('sale.solveTodo', async (arg?: { uri?: string; line?: number } | vscode.Uri) => {
    const a = arg instanceof vscode.Uri ? { uri: arg.toString() } : arg ?? {};
    return startTask(await sources.fromArgs({ source: 'todo', uri: a.uri, line: a.line }));
  });
  reg('sale.solveText', async (text?: string) => (typeof text === 'string' ? startTask(await sources.fromText(text)) : startTask(await sources.fromTextPrompt(), true)));
  reg('sale.solveIssue', async (issue?: number | string) => startTask(await sources.fromIssue(issue), issue === undefined));
  reg('sale.pickTodo', async () => startTask(await sources.pickTodo(), true));

  reg('sale.runWinner', async () => {
    const s = controller.current;
    if (s.phase !== 'review' || s.winnerBidIndex === null) throw new SaleError('There is no auction waiting for review.', 'no-review');
    await controller.decide({ action: 'run', bidIndex: s.winnerBidIndex });
  });
  reg('sale.runBid', async (index?: number) => {
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
  reg('sale.cancel', async () => controller.cancel());
  reg('sale.accept', async () => ({ ok: true, detail: await controller.accept() }));
  reg('sale.revert', async () => ({ ok: true, detail: await controller.revert() }));
  reg('sale.showPanel', async () => panel.reveal());
  reg('sale.showLog', async () => log.show());

  reg('sale.setApiKey', async (arg?: { name?: string; key?: string }) => {
    const r = await currentRepo();
    const s = settings(r?.folder.uri);
    let name = arg?.name;
    if (!name) {
      const needed = pools.keyNames(s, r?.folder.uri);
      const items = [...new Set([...needed, 'OPENAI_API_KEY', 'OPENROUTER_API_KEY'])].map((n) => ({ label: n, description: needed.includes(n) ? 'needed by the current pool' : '' }));
      const pick = await vscode.window.showQuickPick([...items, { label: 'Other…', description: 'the apiKeyEnv name of a custom agent' }], { placeHolder: 'Which API key?' });
      if (!pick) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
      name = pick.label === 'Other…' ? await vscode.window.showInputBox({ prompt: 'Key name (as in the agent\'s "apiKeyEnv")', validateInput: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? undefined : 'Letters, digits and _') }) : pick.label;
      if (!name) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SaleError(`"${name}" is not a valid key name.`, 'bad-key-name');
    const key = arg?.key ?? await vscode.window.showInputBox({ prompt: `API key for ${name} (kept in VS Code's secret storage, never in settings or logs)`, password: true, ignoreFocusOut: true });
    if (!key) return { ok: false, error: 'No key entered.', code: 'cancelled' };
    try {
      await context.secrets.store(secretKeyFor(name), key.trim());
    } catch (e) {
      throw new SaleError(`VS Code could not store the key (${errorMessage(e)}). On Linux this usually means no keyring is running: install and unlock one ` +
        '(gnome-keyring or KWallet), or start VS Code with --password-store=basic (less safe). The key was not saved anywhere else.', 'secret-store');
    }
    log.log('info', `API key ${name} stored in secret storage.`);
    void vscode.window.showInformationMessage(`SALE: API key ${name} saved in secret storage.`);
    return { ok: true, detail: name };
  });
  reg('sale.clearApiKey', async (name?: string) => {
    const n = name ?? await vscode.window.showInputBox({ prompt: 'Remove which API key (name)?' });
    if (!n) return { ok: false, error: 'No key chosen.', code: 'cancelled' };
    await context.secrets.delete(secretKeyFor(n));
    log.log('info', `API key ${n} removed from secret storage.`);
  });

  reg('sale.setTestCommand', async (cmd?: string) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first.', 'no-workspace');
    const v = cmd ?? await vscode.window.showInputBox({ prompt: 'Command that runs this repository\'s tests (exit code 0 = pass)', placeHolder: 'npm test' });
    if (v === undefined) return { ok: false, error: 'No command entered.', code: 'cancelled' };
    await vscode.workspace.getConfiguration('sale', r.folder.uri).update('testCommand', v, vscode.ConfigurationTarget.WorkspaceFolder);
  });

  reg('sale.exportMemory', async (arg?: { uri?: string }) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first: memory belongs to a repository.', 'no-workspace');
    const records = await memory.store(r.label).load();
    const target = arg?.uri ? vscode.Uri.parse(arg.uri) : await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(r.folder.uri, 'sale-memory.jsonl'), filters: { 'JSON lines': ['jsonl'] }, title: 'Export SALE memory',
    });
    if (!target) return { ok: false, error: 'No file chosen.', code: 'cancelled' };
    await vscode.workspace.fs.writeFile(target, Buffer.from(toJsonLines(records), 'utf8'));
    log.log('info', `Exported ${records.length} memory record(s) of ${r.label} to ${target.fsPath}.`);
    void vscode.window.showInformationMessage(`SALE: exported ${records.length} memory record(s) to ${target.fsPath}.`);
    return { ok: true, detail: `${records.length}` };
  });
  reg('sale.importMemory', async (arg?: { uri?: string }) => {
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first: memory belongs to a repository.', 'no-workspace');
    const source = arg?.uri ? vscode.Uri.parse(arg.uri) : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON lines': ['jsonl', 'json', 'txt'] }, title: 'Import SALE memory' }))?.[0];
    if (!source) return { ok: false, error: 'No file chosen.', code: 'cancelled' };
    const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
    const parsed = parseJsonLines(text);
    for (const e of parsed.errors) log.log('warn', `Import ${source.fsPath}:${e.line}: ${e.message}`);
    const { added, skipped } = await memory.store(r.label).importRecords(adoptIntoRepo(parsed.records, r.label));
    memory.reload(r.label);
    routing.refresh();
    const msg = `imported ${added} record(s), skipped ${skipped} already present${parsed.errors.length ? `, refused ${parsed.errors.length} invalid line(s) (see log)` : ''}.`;
    log.log('info', `Memory of ${r.label}: ${msg}`);
    void vscode.window.showInformationMessage(`SALE: ${msg}`);
    return { ok: true, detail: JSON.stringify({ added, skipped, invalid: parsed.errors.length }) };
  });
  reg('sale.clearMemory', async (confirm?: boolean) => {
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

  reg('sale.showRouting', async () => {
    routing.refresh();
    await vscode.commands.executeCommand(`${RoutingViewProvider.viewId}.focus`);
    const sum = await routing.summary();
    if (sum) log.log('info', `Routing in ${sum.repo}: ${sum.agents.map((a) => `${a.agent} ${a.wins}/${a.bids} wins, ${a.passes}/${a.executions} passed`).join('; ') || 'no data yet'}.`);
  });
  const editList = async (node: unknown, key: 'routing.pinnedAgents' | 'routing.excludedAgents', add: boolean) => {
    const agent = agentOfNode(node);
    if (!agent) throw new SaleError('Pick an agent in the Routing view.', 'no-agent');
    const r = await currentRepo();
    if (!r) throw new SaleError('Open a folder first.', 'no-workspace');
    const cfg = vscode.workspace.getConfiguration('sale', r.folder.uri);
    const cur = new Set(cfg.get<string[]>(key) ?? []);
    if (add) cur.add(agent);
    else cur.delete(agent);
    await cfg.update(key, [...cur], vscode.ConfigurationTarget.WorkspaceFolder);
    routing.refresh();
  };
  reg('sale.routing.pin', async (node) => editList(node, 'routing.pinnedAgents', true));
  reg('sale.routing.exclude', async (node) => editList(node, 'routing.excludedAgents', true));
  reg('sale.routing.reset', async (node) => {
    await editList(node, 'routing.pinnedAgents', false);
    await editList(node, 'routing.excludedAgents', false);
  });

  context.subscriptions.push(
    log,
    status,
    panel,
    terminal,
    routing,
    codeLens,
    { dispose: () => void pools.dispose() },
    controller,
    vscode.window.registerWebviewViewProvider(BidPanelProvider.viewId, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.window.registerTreeDataProvider(RoutingViewProvider.viewId, routing),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TodoCodeActionProvider(), { providedCodeActionKinds: TodoCodeActionProvider.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(ORIGINAL_SCHEME, { provideTextDocumentContent: (uri) => controller.originalContent(uri) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sale')) {
        settingsProblemsShown.clear();
        codeLens.refresh();
        routing.refresh();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.log('info', 'Workspace trusted: SALE may now run agents here.')),
  );

  const ms = Date.now() - started;
  log.log('info', `SALE activated in ${ms} ms (VS Code ${vscode.version}, ${vscode.env.appName}).`);
  context.globalState.update('sale.lastActivationMs', ms);

  const testMode = context.extensionMode !== vscode.ExtensionMode.Production || process.env.SALE_TEST_API === '1';
  if (!testMode) return undefined;
  const api: SaleTestApi = {
    state: () => controller.current,
    waitFor: (pred, timeoutMs = 60_000) => new Promise((resolve, reject) => {
      if (pred(controller.current)) return resolve(controller.current);
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`waitFor timed out after ${timeoutMs} ms; phase ${controller.current.phase}, error ${controller.current.error ?? 'none'}`));
      }, timeoutMs);
      const sub = controller.onState((s) => {
        if (!pred(s)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(s);
      });
    }),
    lastRun: () => controller.lastRun,
    lastError: () => lastError,
    panelReceive: (raw) => panel.receive(raw),
    panelRefused: () => [...panel.refused],
    panelReadyCount: () => panel.readyCount,
    memoryRecords: (label) => memory.store(label).load(),
    workspaceStateKeys: () => context.workspaceState.keys(),
    workspaceStateGet: (key) => context.workspaceState.get(key),
    commandResults: () => [...runner.results],
    terminalName: () => terminal.terminal?.name,
    simUrl: () => pools.simUrl,
    apiKeyIsSet: async (name) => !!(await context.secrets.get(secretKeyFor(name))),
    log: () => [...log.recent],
    statusText: () => status.text,
    routing: () => routing.summary(),
    repoLabel: async (p) => (await readRepoInfo(p)).label,
    workspaceTodos: async () => (await sources.workspaceTodos()).map((t) => ({ rel: t.rel, line: t.todo.line, tag: t.todo.tag, text: t.todo.text })),
  };
  return api;
}

export function deactivate(): void {
  // Disposables registered on the context do the work (sim server closed, terminal disposed).
}

function uriArg(u: unknown): string | undefined {
  if (u instanceof vscode.Uri) return u.toString();
  return typeof u === 'string' ? u : undefined;
}
