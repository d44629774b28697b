import * as vscode from 'vscode';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { SaleError } from '../core/errors';
import type { ChatModel } from '../core/ports/chatModel';
import { type PoolConfig, loadPoolFile, parsePoolConfig } from '../llm/poolConfig';
import { PRESET_LABELS, presetPool, requiredKeyNames, secretKeyFor } from './poolPresets';
import { selectAgents } from '../core/memory/routingStats';
import type { ExtensionSettings } from './settings';
import type { Logger } from './log';
import { KeyedServerSlot } from './serverSlot';

export interface ResolvedPool {
  pool: PoolConfig;
  /** Every agent of the configured pool, before pin/exclude (for the routing view). */
  allAgents: string[];
  models: ChatModel[];
  simulated: boolean;
  label: string;
  notes: string[];
}

export interface SimServerHandle {
  url: string;
  port: number;
  close(): Promise<void> | void;
}

type StartSim = (opts: { pool: PoolConfig; suiteDir: string; port?: number; host?: '127.0.0.1' }) => Promise<SimServerHandle>;

/**
 * Builds the pool from settings: the simulated pool by default (its server started in-process on 127.0.0.1, a
 * free port, with the bundled task suite as its world), a preset, or a custom pool. API keys come from
 * SecretStorage (or the environment), never from settings; pin/exclude settings of the repository apply.
 */
export class PoolService implements vscode.Disposable {
  /** The simulator server, keyed by its pool: a starting one is only shared with callers of the same pool. */
  private readonly sim = new KeyedServerSlot<SimServerHandle>();

  constructor(
    private readonly extensionPath: string,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
    private readonly startSim: () => Promise<StartSim>,
  ) {}

  /** The bundled simulated world and suite (packaged with the extension, see .vscodeignore). */
  get defaultSimPoolPath(): string {
    return path.join(this.extensionPath, 'pools', 'sim-default.json');
  }

  get suiteDir(): string {
    return path.join(this.extensionPath, 'test', 'fixtures', 'suite');
  }

  get simUrl(): string | undefined {
    return this.sim.handle?.url;
  }

  configuredPool(s: ExtensionSettings, folder: vscode.Uri | undefined): { pool: PoolConfig; simulated: boolean; label: string } {
    const preset = s['pool.preset'];
    if (preset === 'simulated') {
      const file = s['pool.simulatedWorld'] ? this.resolvePath(s['pool.simulatedWorld'], folder) : this.defaultSimPoolPath;
      const pool = loadPoolFile(file);
      return { pool, simulated: true, label: `${PRESET_LABELS.simulated} (${pool.agents.length} agents${s['pool.simulatedWorld'] ? `, world ${path.basename(file)}` : ''})` };
    }
    if (preset === 'custom') {
      if (s['pool.file']) {
        const file = this.resolvePath(s['pool.file'], folder);
        const pool = loadPoolFile(file);
        return { pool, simulated: pool.agents.some((a) => a.provider === 'sim'), label: `pool file ${path.basename(file)}` };
      }
      if (!s['pool.agents'].length) {
        throw new SaleError('sale.pool.preset is "custom" but neither sale.pool.file nor sale.pool.agents is set.', 'pool-missing');
      }
      const pool = parsePoolConfig({ agents: s['pool.agents'] }, 'setting sale.pool.agents');
      return { pool, simulated: pool.agents.some((a) => a.provider === 'sim'), label: PRESET_LABELS.custom };
    }
    const pool = presetPool(preset, s['pool.baseUrl'] || undefined);
    return { pool, simulated: false, label: PRESET_LABELS[preset] };
  }

  async resolve(s: ExtensionSettings, folder: vscode.Uri | undefined): Promise<ResolvedPool> {
    const conf = this.configuredPool(s, folder);
    const allAgents = conf.pool.agents.map((a) => a.id);
    const picked = selectAgents(allAgents, s['routing.pinnedAgents'], s['routing.excludedAgents']);
    const pool: PoolConfig = { ...conf.pool, agents: conf.pool.agents.filter((a) => picked.agents.includes(a.id)) };
    const notes = [...picked.notes];

    const apiKeys: Record<string, string | undefined> = {};
    const missing: string[] = [];
    for (const a of pool.agents) {
      if (a.provider !== 'openai' || !a.apiKeyEnv) continue;
      const key = (await this.secrets.get(secretKeyFor(a.apiKeyEnv))) ?? process.env[a.apiKeyEnv];
      if (key) apiKeys[a.id] = key;
      else if (!isLocal(a.baseUrl)) missing.push(a.apiKeyEnv);
    }
    if (missing.length) {
      throw new SaleError(`No API key for ${[...new Set(missing)].join(', ')}. Run "SALE: Set API Key" (keys are kept in VS Code's secret storage).`, 'api-key-missing');
    }

    let simBaseUrl: string | undefined;
    if (pool.agents.some((a) => a.provider === 'sim' && !a.baseUrl)) {
      const h = await this.ensureSim(conf.pool);
      simBaseUrl = `${h.url.replace(/\/+$/, '')}${/\/v1$/.test(h.url) ? '' : '/v1'}`;
    } else {
      await this.preflight(pool);
    }
    const { createPoolModels } = await import('../llm/poolModels');
    const models = createPoolModels(pool, { simBaseUrl, apiKeys });
    return { pool, allAgents, models, simulated: conf.simulated, label: conf.label, notes };
  }

  /** Key names the configured pool needs (for "SALE: Set API Key"). */
  keyNames(s: ExtensionSettings, folder: vscode.Uri | undefined): string[] {
    try {
      return requiredKeyNames(this.configuredPool(s, folder).pool);
    } catch {
      return [];
    }
  }

  /**
   * Endpoint check before any money is spent: each distinct base URL must answer HTTP at all (any status).
   * A refused connection or a time-out is reported as one clear message.
   */
  async preflight(pool: PoolConfig): Promise<void> {
    const urls = [...new Set(pool.agents.filter((a) => a.baseUrl).map((a) => a.baseUrl!.replace(/\/+$/, '')))];
    const down: string[] = [];
    await Promise.all(urls.map(async (u) => {
      try {
        await fetch(`${u}/models`, { signal: AbortSignal.timeout(4000) });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
        down.push(`${u} (${cause})`);
      }
    }));
    if (down.length) {
      const hint = down.some((d) => d.includes('11434')) ? ' Is Ollama running (`ollama serve`)?' : '';
      throw new SaleError(`The model endpoint is down or unreachable: ${down.join(', ')}.${hint} Nothing was spent; check sale.pool.* settings.`, 'endpoint-down');
    }
  }

  private async ensureSim(pool: PoolConfig): Promise<SimServerHandle> {
    return this.sim.get(JSON.stringify(pool), async () => {
      if (!existsSync(this.suiteDir)) this.log('warn', `The bundled task suite is missing (${this.suiteDir}); the simulator has no world of known tasks.`);
      const start = await this.startSim();
      const handle = await start({ pool, suiteDir: this.suiteDir, port: 0, host: '127.0.0.1' });
      this.log('info', `Simulated model pool listening at ${handle.url} (${pool.agents.length} agents).`);
      return handle;
    });
  }

  private resolvePath(p: string, folder: vscode.Uri | undefined): string {
    if (path.isAbsolute(p)) return p;
    if (!folder) throw new SaleError(`The relative path "${p}" in settings needs an open folder.`, 'no-workspace');
    return path.join(folder.fsPath, p);
  }

  async dispose(): Promise<void> {
    await this.sim.dispose();
  }
}

function isLocal(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  try {
    const h = new URL(baseUrl).hostname;
    return h === 'localhost' || h === '127.0.0.1' || h === '::1' || h === '[::1]';
  } catch {
    return false;
  }
}
