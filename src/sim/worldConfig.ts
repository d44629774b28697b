import { z } from 'zod';
import { SaleError } from '../core/errors';
import type { AgentConfig, PoolConfig } from '../llm/poolConfig';
import { type CacheParams, DEFAULT_CACHE } from './promptCache';
import { type QuirkProfile, QuirksSchema, resolveQuirks } from './quirkProfiles';

/**
 * Parameters of the simulated world (DESIGN §4). The pool file's top-level `sim` block sets world-wide values;
 * an agent's own `sim` block overrides the agent-level ones for that agent. Everything has a default, and the
 * defaults are the paper-calibrated default world (pools/sim-default.json spells the important ones out).
 * Objects are strict so a typo is an error, not a silently ignored knob.
 */
const unit = z.number().min(0).max(1);
const successByBin = z.tuple([unit, unit, unit, unit, unit], { error: 'successByBin needs 5 probabilities (bins 1..5), each 0..1' });

const PlanSchema = z.strictObject({
  /** Chance that a key step of the task is mentioned when plans tell nothing (planSignal 0). */
  coverageBase: unit.optional(),
  /** Per-agent multiplier of plan length. */
  verbosity: z.number().positive().max(10).optional(),
  /** Plan length in tokens at bin 1 (verbosity 1), before noise. */
  baseTokens: z.number().int().min(20).max(4000).optional(),
  /** Relative growth of plan length per bin: length × (1 + growthPerBin·(bin−1)). */
  growthPerBin: z.number().min(0).max(5).optional(),
  /** Log-normal sd of plan length. */
  noise: z.number().min(0).max(2).optional(),
});

const JudgeSchema = z.strictObject({
  /** Score noise (sd, 0–5 scale) of a judge whose bin-3 success rate is 0 … */
  noiseAtZero: z.number().min(0).max(10).optional(),
  /** … and of one whose bin-3 success rate is 1; linear in between. */
  noiseAtFull: z.number().min(0).max(10).optional(),
  /** Added to every score this judge gives (leniency). */
  bias: z.number().min(-5).max(5).optional(),
});

const EntropySchema = z.strictObject({
  /** 0 = entropy says nothing about the draw … 1 = it follows the draw closely (higher entropy = success). */
  informativeness: unit.optional(),
  /** Typical per-token top-5 entropy in nats. */
  meanNats: z.number().min(0.01).max(1.6).optional(),
  /** How far a plan's entropy moves with its latent (log scale of the distribution's sharpness). */
  spread: z.number().min(0).max(3).optional(),
});

const MemorySchema = z.strictObject({
  /** Which past tasks count as similar: same `family` as the current task, or `any` suite task. */
  similar: z.enum(['family', 'any']).optional(),
  /** Share of the gap to certain success closed by each similar example … */
  boostPerExample: unit.optional(),
  /** … up to this share in total. */
  maxBoost: unit.optional(),
  /** Weight of an example whose winning plan is marked tests-passed="false" (1 = no different from others). */
  failedWinnerWeight: z.number().min(0).max(1).optional(),
});

const TraceSchema = z.strictObject({
  /** Reasoning tokens per execution turn at bin 1 (verbosity 1), before noise. */
  tokensPerTurn: z.number().int().min(1).max(5000).optional(),
  growthPerBin: z.number().min(0).max(5).optional(),
  verbosity: z.number().positive().max(10).optional(),
  noise: z.number().min(0).max(2).optional(),
});

const ExecutionSchema = z.strictObject({
  /** Extra edit–test attempts after a failing test run, before finishing. */
  maxRetries: z.number().int().min(0).max(5).optional(),
});

const LatencySchema = z.strictObject({
  msPerToken: z.number().min(0).max(1000).optional(),
  msPerRequest: z.number().min(0).max(60_000).optional(),
});

const CacheSchema = z.strictObject({
  /** A prefix stays cached this long after it was last sent to the same model (ms). */
  windowMs: z.number().int().min(0).max(86_400_000).optional(),
  /** Cached runs shorter than this count as 0 (OpenAI: 1,024). */
  minPrefixTokens: z.number().int().min(0).max(1_000_000).optional(),
  /** Cache granularity in tokens (OpenAI: 128). */
  blockTokens: z.number().int().min(1).max(4096).optional(),
});

const agentFields = {
  /** Probability of success (if it executed) for complexity bins 1..5. */
  successByBin: successByBin.optional(),
  /** How strongly plan coverage of key steps follows the success draw: 0 = plans tell nothing … 1 = nearly all. */
  planSignal: unit.optional(),
  plan: PlanSchema.optional(),
  judge: JudgeSchema.optional(),
  entropy: EntropySchema.optional(),
  memory: MemorySchema.optional(),
  trace: TraceSchema.optional(),
  execution: ExecutionSchema.optional(),
  latency: LatencySchema.optional(),
};

export const AgentSimSchema = z.strictObject({
  ...agentFields,
  /** How this agent's answers look on the wire (quirkProfiles.ts); agent-level only. Unset = the plain simulator. */
  quirks: QuirksSchema.optional(),
});

export const WorldSimSchema = z.strictObject({
  ...agentFields,
  seed: z.number().int().optional(),
  /** Share of the success draw's variance that is a task-difficulty latent shared by all agents (0 = independent). */
  taskCorrelation: z.number().min(0).max(0.99).optional(),
  /** Sd (0–5 scale) of a per-plan impression that every judge shares, so a jury is not n independent votes. */
  planImpressionNoise: z.number().min(0).max(10).optional(),
  /** Bin assumed for tasks the simulator does not know. */
  unknownTaskBin: z.number().int().min(1).max(5).optional(),
  /** Prompt caching reported as usage.prompt_tokens_details.cached_tokens (src/sim/promptCache.ts). */
  cache: CacheSchema.optional(),
});
export type AgentSimInput = z.infer<typeof AgentSimSchema>;
export type WorldSimInput = z.infer<typeof WorldSimSchema>;

type Resolved<T> = { [K in keyof T]-?: NonNullable<T[K]> extends object ? (NonNullable<T[K]> extends readonly unknown[] ? NonNullable<T[K]> : Resolved<NonNullable<T[K]>>) : NonNullable<T[K]> };

/** Fully resolved per-agent parameters. */
export type AgentSimParams = Resolved<Omit<AgentSimInput, 'quirks'>>;

export interface AgentSim extends AgentSimParams {
  id: string;
  /** Whether the agent returns logprobs when asked (the pool file's `logprobs`, default true). */
  offersLogprobs: boolean;
  /** Judge capability used for judge noise: the agent's bin-3 success rate. */
  capability: number;
  /** The real server this agent imitates on the wire, if any. */
  quirks?: QuirkProfile;
  quirksName?: string;
}

export interface SimWorld {
  seed: number;
  taskCorrelation: number;
  planImpressionNoise: number;
  unknownTaskBin: 1 | 2 | 3 | 4 | 5;
  cache: CacheParams;
  agents: Map<string, AgentSim>;
  /** Agent ids in pool order. */
  agentIds: string[];
}

/** Defaults = the default world (calibrated in test/unit/sim/world.test.ts against the paper's coding figures). */
export const DEFAULT_AGENT_SIM: AgentSimParams = {
  successByBin: [0.9, 0.7, 0.5, 0.3, 0.15],
  planSignal: 0.55,
  plan: { coverageBase: 0.5, verbosity: 1, baseTokens: 170, growthPerBin: 0.12, noise: 0.15 },
  judge: { noiseAtZero: 2.5, noiseAtFull: 0.8, bias: 0 },
  entropy: { informativeness: 0.2, meanNats: 0.55, spread: 0.35 },
  memory: { similar: 'family', boostPerExample: 0.06, maxBoost: 0.3, failedWinnerWeight: 1 },
  trace: { tokensPerTurn: 180, growthPerBin: 0.5, verbosity: 1, noise: 0.2 },
  execution: { maxRetries: 1 },
  latency: { msPerToken: 0.01, msPerRequest: 0 },
};

export const DEFAULT_WORLD = {
  seed: 1,
  taskCorrelation: 0.6,
  planImpressionNoise: 0.6,
  unknownTaskBin: 3 as const,
};

// ---- validation with helpful messages ----

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': [...Object.keys(WorldSimSchema.shape), 'quirks'],
  plan: Object.keys(PlanSchema.shape),
  judge: Object.keys(JudgeSchema.shape),
  entropy: Object.keys(EntropySchema.shape),
  memory: Object.keys(MemorySchema.shape),
  trace: Object.keys(TraceSchema.shape),
  execution: Object.keys(ExecutionSchema.shape),
  latency: Object.keys(LatencySchema.shape),
  cache: Object.keys(CacheSchema.shape),
};
const WORLD_ONLY = ['seed', 'taskCorrelation', 'planImpressionNoise', 'unknownTaskBin', 'cache'];

function describeIssue(issue: z.core.$ZodIssue, agentLevel: boolean): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const group = path.split('.')[0] ?? '';
    const known = KNOWN_KEYS[issue.path.length ? group : ''] ?? [];
    return issue.keys
      .map((k) => {
        if (agentLevel && !issue.path.length && WORLD_ONLY.includes(k)) return `  - ${k}: only allowed in the pool's top-level "sim" block (it is world-wide)`;
        const best = known.map((c) => ({ c, d: levenshtein(k.toLowerCase(), c.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
        const hint = best && best.d <= Math.max(2, Math.floor(k.length / 3)) ? ` — did you mean "${best.c}"?` : ` (known: ${known.join(', ')})`;
        return `  - ${path ? path + '.' : ''}${k}: unknown setting${hint}`;
      })
      .join('\n');
  }
  return `  - ${path || '(root)'}: ${issue.message}`;
}

function validate<T>(schema: z.ZodType<T>, value: unknown, where: string, agentLevel: boolean): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new SaleError(`Invalid ${where}:\n${r.error.issues.map((i) => describeIssue(i, agentLevel)).join('\n')}`, 'pool-invalid');
  return r.data;
}

export function parseWorldSim(value: unknown, where = 'top-level "sim" block of the pool'): WorldSimInput {
  return validate(WorldSimSchema, value, where, false);
}

export function parseAgentSim(value: unknown, where = 'agent "sim" block'): AgentSimInput {
  return validate(AgentSimSchema, value, where, true);
}

function mergeAgent(...layers: AgentSimInput[]): AgentSimParams {
  const out = structuredClone(DEFAULT_AGENT_SIM) as AgentSimParams;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer) as [keyof AgentSimParams, unknown][]) {
      if (v === undefined) continue;
      if (typeof v === 'object' && !Array.isArray(v)) Object.assign(out[k] as object, v);
      else (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

function resolveAgent(agent: AgentConfig, world: WorldSimInput): AgentSim {
  const { quirks, ...own } = parseAgentSim(agent.sim, `"sim" block of agent ${agent.id}`);
  const { seed: _s, taskCorrelation: _t, planImpressionNoise: _p, unknownTaskBin: _u, cache: _c, ...worldAgentLevel } = world;
  const params = mergeAgent(worldAgentLevel, own);
  const profile = resolveQuirks(quirks);
  return {
    ...params, id: agent.id, offersLogprobs: agent.logprobs !== false, capability: params.successByBin[2],
    ...(profile ? { quirks: profile, quirksName: typeof quirks === 'string' ? quirks : quirks!.profile } : {}),
  };
}

/** The simulated world of a pool: world parameters and every `provider: "sim"` agent's resolved parameters. */
export function resolveSimWorld(pool: PoolConfig, opts: { seed?: number } = {}): SimWorld {
  const world = parseWorldSim(pool.sim);
  const simAgents = pool.agents.filter((a) => a.provider === 'sim');
  if (!simAgents.length) throw new SaleError('The pool has no agents with provider "sim"; the simulator has nothing to serve.', 'pool-invalid');
  const agents = new Map(simAgents.map((a) => [a.id, resolveAgent(a, world)]));
  return {
    seed: opts.seed ?? world.seed ?? DEFAULT_WORLD.seed,
    taskCorrelation: world.taskCorrelation ?? DEFAULT_WORLD.taskCorrelation,
    planImpressionNoise: world.planImpressionNoise ?? DEFAULT_WORLD.planImpressionNoise,
    unknownTaskBin: (world.unknownTaskBin ?? DEFAULT_WORLD.unknownTaskBin) as SimWorld['unknownTaskBin'],
    cache: {
      windowMs: world.cache?.windowMs ?? DEFAULT_CACHE.windowMs,
      minPrefixTokens: world.cache?.minPrefixTokens ?? DEFAULT_CACHE.minPrefixTokens,
      blockTokens: world.cache?.blockTokens ?? DEFAULT_CACHE.blockTokens,
    },
    agents,
    agentIds: simAgents.map((a) => a.id),
  };
}
