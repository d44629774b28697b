/**
 * The extension's settings (package.json `contributes.configuration`), read and validated in one place.
 * Pure: takes a getter, so the rules are unit-tested; a bad value falls back to its default with a warning
 * instead of breaking the command.
 */
import { z } from 'zod';
import { DEFAULT_WEIGHTS } from '../core/auction/auctionSettings';
import { BUDGET_DEFAULTS, ESCALATION_DEFAULTS, budgetUsdLimit } from '../core/engineDefaults';
import { POOL_PRESETS } from './poolPresets';

const WeightsSetting = z.strictObject({
  cost: z.number().nonnegative().optional(),
  entropy: z.number().nonnegative().optional(),
  juryDefault: z.number().nonnegative().optional(),
  jury: z.record(z.string(), z.number().nonnegative()).optional(),
});

export const SETTINGS_SPEC = {
  'pool.preset': z.enum(POOL_PRESETS).default('simulated'),
  'pool.agents': z.array(z.record(z.string(), z.unknown())).default([]),
  'pool.file': z.string().default(''),
  'pool.baseUrl': z.string().default(''),
  'pool.simulatedWorld': z.string().default(''),
  'review.mode': z.enum(['wait', 'auto']).default('wait'),
  budgetUsd: z.number().nonnegative().default(BUDGET_DEFAULTS.maxUsd),
  'auction.juryMode': z.enum(['per-pair', 'per-judge']).default('per-judge'),
  'auction.maxPlanTokens': z.number().int().min(50).max(4000).default(400),
  'auction.refine': z.boolean().default(true),
  'auction.memoryExamples': z.number().int().min(1).max(50).default(8),
  'auction.memoryLabels': z.enum(['outcome', 'auction']).default('outcome'),
  'auction.weights': WeightsSetting.nullable().default(null),
  'execution.escalation': z.boolean().default(ESCALATION_DEFAULTS.enabled),
  'execution.maxEscalations': z.number().int().min(0).max(5).default(ESCALATION_DEFAULTS.maxEscalations),
  'execution.maxTurns': z.number().int().min(1).max(200).default(BUDGET_DEFAULTS.maxTurns),
  'execution.maxTokens': z.number().int().min(1000).max(100_000_000).default(BUDGET_DEFAULTS.maxTokens),
  testCommand: z.string().default(''),
  'terminal.useShellIntegration': z.boolean().default(true),
  // Measured in code-server at load ~28 on 2 cores: integration came up ~8 s after the shell started (3 terminals).
  'terminal.shellIntegrationTimeoutMs': z.number().int().min(500).max(60_000).default(15_000),
  'memory.maxRecords': z.number().int().min(10).max(100_000).default(500),
  'routing.enabled': z.boolean().default(true),
  'routing.checkPlan': z.boolean().default(false),
  'routing.auctionWinner': z.enum(['score', 'value']).default('score'),
  'routing.escalationCalibration': z.boolean().default(false),
  'routing.pinnedAgents': z.array(z.string()).default([]),
  'routing.excludedAgents': z.array(z.string()).default([]),
  'github.apiBaseUrl': z.string().default(''),
  'github.signIn': z.boolean().default(true),
  'accept.mode': z.enum(['keep', 'branch']).default('keep'),
  'todoCodeLens.enabled': z.boolean().default(true),
} as const;

export type SettingKey = keyof typeof SETTINGS_SPEC;
export type ExtensionSettings = { [K in SettingKey]: z.output<(typeof SETTINGS_SPEC)[K]> };

export function readSettings(get: (key: string) => unknown): { settings: ExtensionSettings; problems: string[] } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SETTINGS_SPEC) as [SettingKey, z.ZodType][]) {
    const raw = get(key);
    const r = schema.safeParse(raw === null && key !== 'auction.weights' ? undefined : raw);
    if (r.success) out[key] = r.data;
    else {
      problems.push(`Setting sale.${key} is invalid (${r.error.issues[0]?.message ?? 'invalid'}); using the default.`);
      out[key] = schema.parse(undefined);
    }
  }
  return { settings: out as ExtensionSettings, problems };
}

export interface EngineSettingsInput {
  /** Input of the engine's AuctionSettings schema (src/core/auctionSettings.ts), which fills the rest. */
  auction: {
    maxPlanTokens: number;
    juryMode: 'per-pair' | 'per-judge';
    refine: boolean;
    k: number;
    memoryLabels: 'outcome' | 'auction';
    weights?: { cost: number; entropy: number; juryDefault: number; jury: Record<string, number> };
  };
  budget: { maxTurns: number; maxTokens: number; maxUsd: number };
  escalation: { enabled: boolean; maxEscalations: number };
  /**
   * Learned routing from the repository's memory (src/core/routing); off: every task gets an auction. `checkPlan`:
   * a cheap juror checks a routed plan before it runs (core/routing/planCheck.ts). `auctionWinner`: who runs when an
   * auction is held (core/routing/valueWinner.ts). `escalationCalibration`: escalation's estimates corrected by this
   * repository's record of escalations (core/routing/escalationCalibration.ts).
   */
  routing: { enabled: boolean; checkPlan?: boolean; auctionWinner?: 'score' | 'value'; escalationCalibration?: boolean };
}


/** Settings as the engine's SolveSettings input (field names follow src/core/solve.ts and auctionSettings.ts). */
export function engineSettingsInput(s: ExtensionSettings): EngineSettingsInput {
  const w = s['auction.weights'];
  return {
    auction: {
      maxPlanTokens: s['auction.maxPlanTokens'],
      juryMode: s['auction.juryMode'],
      refine: s['auction.refine'],
      k: s['auction.memoryExamples'],
      memoryLabels: s['auction.memoryLabels'],
      ...(w ? { weights: { ...DEFAULT_WEIGHTS, ...w, jury: { ...(w.jury ?? {}) } } } : {}),
    },
    budget: {
      maxTurns: s['execution.maxTurns'],
      maxTokens: s['execution.maxTokens'],
      maxUsd: budgetUsdLimit(s.budgetUsd),
    },
    escalation: { enabled: s['execution.escalation'], maxEscalations: s['execution.maxEscalations'] },
    routing: {
      enabled: s['routing.enabled'], checkPlan: s['routing.checkPlan'], auctionWinner: s['routing.auctionWinner'], escalationCalibration: s['routing.escalationCalibration'],
    },
  };
}
