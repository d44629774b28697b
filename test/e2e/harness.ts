// Helpers for browser end-to-end tests of the *packaged* extension in a real VS Code (code-server) with headless
// chromium. Typical test (mocha, run by `npm run test:e2e`):
//
//   const host = await startHost({ folder: makeFixtureRepo().folder });   // packages + installs the .vsix
//   await runCommand(host.page, 'SALE: Show Bid Panel');
//   await panelFrame(host.page).getByText('Bids').waitFor();
//   await screenshot(host.page, 'bid-panel');                             // test/e2e/.screenshots/bid-panel.png
//   await host.close();
//
// Facts behind it: /work/shared/VSCODE_TESTING.md. Needs `npm run host:install`.
// Environment: SALE_E2E_VSIX (use this .vsix instead of packaging), SALE_E2E_SKIP_BUILD=1 (package the existing dist/),
// SALE_HOST_VERBOSE=1 (print browser console and code-server output), SALE_KEEP_TMP=1 (keep the temp folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import {
  hostPaths, installExtension, launchChromium, makeSandbox, startCodeServer, workbenchUrl,
  type RunningServer, type Sandbox,
} from '../../scripts/lib/code-server';
import { packageExtension as packageVsix } from '../../scripts/lib/package-vsix';

export { makeFixtureRepo } from '../../scripts/lib/fixture';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Every run's screenshots (git-ignored). The committed ones in COMMITTED_SCREENSHOT_DIR change only on purpose:
 * `SALE_UPDATE_SCREENSHOTS=1` (npm run screenshots:update) copies each screenshot there too. */
export const SCREENSHOT_DIR = path.join(__dirname, '.screenshots');
export const COMMITTED_SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

/** User settings for a quiet, deterministic workbench (no welcome page, tips, trust prompts or update checks). */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const log = (msg: string) => console.log(`[e2e] ${msg}`);

/** Build the extension (node esbuild.js) and package it with vsce into outDir; returns the .vsix path. */
export function packageExtension(outDir: string): string {
  return packageVsix(path.join(outDir, 'sale-vscode-e2e.vsix'), { build: process.env.SALE_E2E_SKIP_BUILD !== '1', log });
}

export interface HostOptions {
  /** Folder to open (e.g. makeFixtureRepo().folder). None: an empty window. */
  folder?: string;
  /** A .vsix to install; default: package this repository; false: install nothing. */
  vsix?: string | false;
  /** Extra user settings, merged over DEFAULT_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host (e.g. SALE_* switches of the extension). */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** How long to wait for `.monaco-workbench`; default 90 s. */
  workbenchTimeoutMs?: number;
}

export interface E2EHost {
  page: Page;
  browser: Browser;
  server: RunningServer;
  sandbox: Sandbox;
  /** The workbench URL that was opened. */
  url: string;
  folder?: string;
  /** Browser console lines and page errors seen so far (for assertions and failure messages). */
  consoleLines: string[];
  /** Kill chromium and the whole code-server process group, remove the temp folder. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Package + install the extension into a fresh extensions dir, start code-server WITHOUT the smoke-test driver on a
 * free loopback port, open the folder in headless chromium and wait for the workbench.
 */
export async function startHost(opts: HostOptions = {}): Promise<E2EHost> {
  const t0 = Date.now();
  hostPaths();
  const sandbox = makeSandbox('sale-e2e-');
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (browser) await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    if (server) await server.stop();
    if (process.env.SALE_KEEP_TMP === '1') log(`kept ${sandbox.dir}`);
    else sandbox.remove();
  };
  try {
    const vsix = opts.vsix === undefined ? process.env.SALE_E2E_VSIX || packageExtension(sandbox.dir) : opts.vsix;
    if (vsix) {
      installExtension(sandbox, vsix);
      log(`installed ${path.basename(vsix)}`);
    }
    const settingsFile = path.join(sandbox.userDataDir, 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));

    server = await startCodeServer({ sandbox, smoke: false, env: opts.env, inheritOutput: process.env.SALE_HOST_VERBOSE === '1' });
    browser = await launchChromium({ sandbox });
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const consoleLines: string[] = [];
    page.on('console', (m) => {
      consoleLines.push(`[${m.type()}] ${m.text()}`);
      if (process.env.SALE_HOST_VERBOSE === '1') console.log(`[browser ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    const url = workbenchUrl(server.url, opts.folder);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.workbenchTimeoutMs ?? 90000 });
    log(`workbench up at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { page, browser, server, sandbox, url, folder: opts.folder, consoleLines, close };
  } catch (e) {
    await close();
    throw e;
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Run a command through the palette by its full title as shown there ("SALE: Show Bid Panel"). The palette only lists
 * commands registered when it opened, so it is reopened until the command shows (extension still activating).
 */
export async function runCommand(page: Page, title: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90000); // a loaded machine can take over 30 s to list a new extension's commands
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
  }).first();
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      // Short timeouts on every step: the palette can close under us (an editor or view taking focus), and a
      // Playwright action would otherwise wait its default 30 s for an input that is gone. Then: reopen, retry.
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(`>${title}`, { timeout: 3000 });
      await row.waitFor({ state: 'visible', timeout: 2000 });
      await row.click({ timeout: 3000 });
      await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      return;
    } catch (e) {
      lastError = e;
      await page.keyboard.press('Escape').catch(() => undefined);
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`command "${title}" did not show in the palette within ${(opts.timeoutMs ?? 90000) / 1000} s: ${String(lastError)}`);
}

/** The content frame of a webview (view or panel): `iframe.webview` → `iframe#active-frame`. nth: which webview. */
export function panelFrame(page: Page, nth = 0): FrameLocator {
  return page.frameLocator('iframe.webview').nth(nth).frameLocator('iframe#active-frame');
}

/** Screenshot of the whole page into test/e2e/.screenshots/<name>.png; returns the path. Look at it. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return kept(file);
}

/** Screenshot of one element (e.g. the side bar) into the same folder. */
export async function screenshotOf(target: { screenshot(o: { path: string }): Promise<unknown> }, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await target.screenshot({ path: file });
  return kept(file);
}

function kept(file: string): string {
  log(`screenshot ${path.relative(ROOT, file)}`);
  if (process.env.SALE_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(COMMITTED_SCREENSHOT_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(COMMITTED_SCREENSHOT_DIR, path.basename(file)));
  }
  return file;
}

