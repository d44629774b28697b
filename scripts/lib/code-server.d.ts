// Types for scripts/lib/code-server.js (plain CommonJS so it also runs under plain node).
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

export declare const ROOT: string;
export declare const HOST: string;
export declare const CHROMIUM_ARGS: string[];
export declare class HostError extends Error {}

export interface HostPaths { root: string; host: string; node24: string; entry: string; chromium: string }
export declare function hostPaths(): HostPaths;
export declare function freePort(): Promise<number>;

export interface Sandbox {
  dir: string;
  config: string;
  userDataDir: string;
  extensionsDir: string;
  env: Record<string, string>;
  remove(): void;
}
export declare function makeSandbox(prefix?: string): Sandbox;
export declare function hostEnv(sandbox: Sandbox, extra?: Record<string, string>): NodeJS.ProcessEnv;

export interface StartOptions {
  sandbox: Sandbox;
  folder?: string;
  port?: number;
  smoke?: boolean;
  extraArgs?: string[];
  env?: Record<string, string>;
  startTimeoutMs?: number;
  logFile?: string;
  inheritOutput?: boolean;
  userDataDir?: string;
  extensionsDir?: string;
}
export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
}
export declare function startCodeServer(opts: StartOptions): Promise<RunningServer>;
export declare function installExtension(sandbox: Sandbox, vsix: string, opts?: { userDataDir?: string; extensionsDir?: string }): string;
export declare function launchChromium(opts?: { headless?: boolean; sandbox?: Sandbox }): Promise<Browser>;
export declare function workbenchUrl(base: string, folder?: string, payload?: [string, string][]): string;
export declare function killGroup(child: ChildProcess, graceMs?: number): Promise<void>;
export declare function httpGet(url: string, timeoutMs?: number): Promise<{ status?: number; body: string }>;
export declare function tail(file: string, lines?: number): string;
