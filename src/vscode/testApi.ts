/**
 * The test-only API returned by activate() when the extension runs in test or development mode (or with
 * SALE_TEST_API=1). It reads state and injects panel messages through the same path the webview uses; it never
 * exposes secrets (`apiKeyIsSet` is a boolean).
 */
import * as vscode from 'vscode';
import type { CommandResult } from '../core/ports/commandRunner';
import type { MemoryRecord } from '../core/memory/memoryRecord';
import type { BidPanelProvider } from './bidPanel';
import type { CommandRegistry } from './commandRegistry';
import type { LoggingRunner } from './loggingRunner';
import type { SaleLog } from './log';
import type { MemoryService } from './memoryService';
import { secretKeyFor } from './poolPresets';
import type { PoolService } from './poolSetup';
import { readRepoInfo } from './repoInfo';
import type { RoutingViewProvider } from './routingView';
import type { RoutingPictureProvider } from './routingPictureView';
import type { RoutingPicture } from './routingPictureMessages';
import type { SolveController } from './solveController';
import type { SaleStatusBar } from './statusBar';
import type { TaskSources } from './taskSources';
import type { SampleTaskPicker } from './sampleTaskPicker';
import type { TerminalCommandRunner } from './terminalCommandRunner';
import type { TerminalFallbackNotification } from './terminalNotice';
import { WALKTHROUGH_CONTEXT_KEYS, type WalkthroughProgress } from './walkthroughProgress';
import type { PanelState } from './webviewMessages';

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
  /** The Routing Picture's data, computed now (what the view draws). */
  routingPicture(): Promise<RoutingPicture | null>;
  repoLabel(folderPath: string): Promise<string>;
  /** Whether the "runs as a child process" notice is up (it is withdrawn once a run uses the terminal again). */
  terminalNoticeShown(): boolean;
  /** The walkthrough context keys set in this window (package.json's completionEvents name them), and all it can set. */
  walkthroughContexts(): { set: string[]; all: string[] };
  /** Starts the walkthrough's progress over in this window (clears its context keys), so a test sees each step happen. */
  walkthroughReset(): Promise<void>;
  /** What "SALE: Solve a Sample Task…" offers (without the quick pick). */
  sampleTasks(): Promise<{ id: string; title: string; fitsHere: boolean; todo?: { rel: string; line: number } }[]>;
  /** Node warnings (process 'warning' events) raised in the host since activation, each with its stack. */
  nodeWarnings(): string[];
  /** How long activate() took, measured inside it (ms). */
  activationMs(): number;
  /** What "SALE: Pick a TODO" lists (without the quick pick). */
  workspaceTodos(): Promise<{ rel: string; line: number; tag: string; text: string }[]>;
}

export interface TestApiParts {
  context: vscode.ExtensionContext;
  controller: SolveController;
  commands: CommandRegistry;
  panel: BidPanelProvider;
  memory: MemoryService;
  runner: LoggingRunner;
  terminal: TerminalCommandRunner;
  terminalNotice: TerminalFallbackNotification;
  pools: PoolService;
  log: SaleLog;
  status: SaleStatusBar;
  routing: RoutingViewProvider;
  routingPicture: RoutingPictureProvider;
  sources: TaskSources;
  samples: SampleTaskPicker;
  walkthrough: WalkthroughProgress;
  activationMs: number;
}

/** The API in test or development mode (or with SALE_TEST_API=1); undefined in a normal installation. */
export function testApiFor(p: TestApiParts): SaleTestApi | undefined {
  const testMode = p.context.extensionMode !== vscode.ExtensionMode.Production || process.env.SALE_TEST_API === '1';
  if (!testMode) return undefined;
  const { context, controller } = p;
  // Node warnings raised in the host (MaxListenersExceededWarning…) go to the SALE log with the stack that caused them,
  // so integration tests can fail on them; only in test mode, since the host's warnings are not all SALE's.
  const warnings: string[] = [];
  const onWarning = (w: Error) => {
    const text = `Node warning ${w.name}: ${w.message}\n${w.stack ?? ''}`;
    if (warnings.length < 50) warnings.push(text);
    p.log.log('warn', text);
  };
  process.on('warning', onWarning);
  context.subscriptions.push({ dispose: () => process.off('warning', onWarning) });
  return {
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
    lastError: () => p.commands.lastError,
    panelReceive: (raw) => p.panel.receive(raw),
    panelRefused: () => [...p.panel.refused],
    panelReadyCount: () => p.panel.readyCount,
    memoryRecords: (label) => p.memory.store(label).load(),
    workspaceStateKeys: () => context.workspaceState.keys(),
    workspaceStateGet: (key) => context.workspaceState.get(key),
    commandResults: () => [...p.runner.results],
    terminalName: () => p.terminal.terminal?.name,
    simUrl: () => p.pools.simUrl,
    apiKeyIsSet: async (name) => !!(await context.secrets.get(secretKeyFor(name))),
    log: () => [...p.log.recent],
    statusText: () => p.status.text,
    routing: () => p.routing.summary(),
    routingPicture: () => p.routingPicture.update(),
    repoLabel: async (folderPath) => (await readRepoInfo(folderPath)).label,
    terminalNoticeShown: () => p.terminalNotice.isShown,
    walkthroughContexts: () => ({ set: p.walkthrough.done.map((m) => WALKTHROUGH_CONTEXT_KEYS[m]), all: Object.values(WALKTHROUGH_CONTEXT_KEYS) }),
    walkthroughReset: async () => {
      for (const m of p.walkthrough.reset()) await vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT_KEYS[m], false);
    },
    sampleTasks: async () => (await p.samples.choices()).map(({ id, title, fitsHere, todo }) => ({ id, title, fitsHere, ...(todo ? { todo } : {}) })),
    activationMs: () => p.activationMs,
    nodeWarnings: () => [...warnings],
    workspaceTodos: async () => (await p.sources.workspaceTodos()).map((t) => ({ rel: t.rel, line: t.todo.line, tag: t.todo.tag, text: t.todo.text })),
  };
}
