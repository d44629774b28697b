// Shared by the SALE integration tests (bundled into each *.test.js by runTest.ts). Runs inside the extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandOutcome } from '../../../src/vscode/commandRegistry';
import type { SaleTestApi } from '../../../src/vscode/testApi';
import type { PanelState } from '../../../src/vscode/webviewMessages';

export const EXTENSION_ID = 'sale-dev.sale-vscode';

export interface SuiteTaskJson { id: string; title: string; body: string; family: string; minutes: number; testCommand: string }

export function workspaceRoot(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri.fsPath;
}

/** The suite task the fixture workspace was copied from (runTest.ts writes its task.json beside the folder). */
export function fixtureTask(): SuiteTaskJson {
  const file = process.env.SALE_IT_TASK_JSON;
  assert.ok(file && fs.existsSync(file), 'runTest.ts passes SALE_IT_TASK_JSON');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteTaskJson;
}

export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return ext.extensionPath;
}

/** Another task of the bundled suite (by id), e.g. for a second auction in the same family. */
export function suiteTask(id: string): SuiteTaskJson {
  return JSON.parse(fs.readFileSync(path.join(extensionPath(), 'test', 'fixtures', 'suite', id, 'task.json'), 'utf8')) as SuiteTaskJson;
}

export function suiteTasks(): SuiteTaskJson[] {
  const dir = path.join(extensionPath(), 'test', 'fixtures', 'suite');
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'task.json'))).map((d) => suiteTask(d));
}

export async function saleApi(): Promise<SaleTestApi> {
  const ext = vscode.extensions.getExtension<SaleTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const api = await ext.activate();
  assert.ok(api, 'the test API is returned in development/test mode');
  return api;
}

export function run(command: string, ...args: unknown[]): Promise<CommandOutcome> {
  return vscode.commands.executeCommand<CommandOutcome>(command, ...args) as Promise<CommandOutcome>;
}

/** Waits until the run settles in one of the resting phases. */
export function settled(api: SaleTestApi, timeoutMs = 120_000): Promise<PanelState> {
  return api.waitFor((s) => ['done', 'failed', 'cancelled'].includes(s.phase), timeoutMs);
}

export function review(api: SaleTestApi, timeoutMs = 120_000): Promise<PanelState> {
  return api.waitFor((s) => s.phase === 'review' || s.phase === 'failed', timeoutMs).then((s) => {
    assert.equal(s.phase, 'review', `expected review, got ${s.phase}: ${s.error ?? ''}`);
    return s;
  });
}

/** Every file of the workspace except .git, path → bytes. */
export function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(path.relative(root, p), fs.readFileSync(p));
    }
  };
  walk(root);
  return out;
}

export function assertSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), 'the same files exist');
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `${k} is byte-identical`);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('sale').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function resetSettings(keys: string[]): Promise<void> {
  for (const k of keys) await setSetting(k, undefined);
}

/** The SALE run must be idle, and its change settled (a pending change refuses a new task), before a test starts another one. */
export async function ensureIdle(api: SaleTestApi): Promise<void> {
  const s = api.state();
  if (['bidding', 'jury', 'refining', 'review', 'executing'].includes(s.phase)) {
    await run('sale.cancel');
    await settled(api);
  }
  if (api.state().outcome === 'pending') await run('sale.revert');
}
