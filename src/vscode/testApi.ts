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
import type { TerminalCommandRunner } from './terminalCommandRunner';
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
  pools: PoolService;
  log: SaleLog;
  status: SaleStatusBar;
  routing: RoutingViewProvider;
  routingPicture: RoutingPictureProvider;
  sources: TaskSources;
}

/** The API in test or development mode (or with SALE_TEST_API=1); undefined in a normal installation. */
export function testApiFor(p: TestApiParts): SaleTestApi | undefined {
  const testMode = p.context.extensionMode !== vscode.ExtensionMode.Production || process.env.SALE_TEST_API === '1';
  if (!testMode) return undefined;
  const { context, controller } = p;
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
    workspaceTodos: async () => (await p.sources.workspaceTodos()).map((t) => ({ rel: t.rel, line: t.todo.line, tag: t.todo.tag, text: t.todo.text })),
  };
}
