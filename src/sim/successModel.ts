import { normalCdf, normalFor } from './random';
import type { AgentSim, SimWorld } from './worldConfig';

export type Bin = 1 | 2 | 3 | 4 | 5;

/** Whether an agent would solve a task if it executed, and the numbers behind it. */
export interface Draw {
  /** The agent's underlying uniform for this task and seed; success iff u < p. */
  u: number;
  /** Success probability from the agent's curve at the task's bin. */
  pBase: number;
  /** Probability actually used (pBase, raised by the memory boost after refinement). */
  p: number;
  success: boolean;
}

export function successProbability(agent: AgentSim, bin: Bin): number {
  return agent.successByBin[bin - 1];
}

/**
 * One-factor Gaussian copula: u = Φ(√ρ·z_task + √(1−ρ)·e_agent). Each agent's marginal success rate is exactly
 * its curve, while a hard task (high z) is hard for everyone, so "does any agent pass" (the oracle) stays
 * realistic instead of approaching 1.
 */
export function agentUniform(world: SimWorld, agentId: string, taskKey: string, requestSeed: number | undefined): number {
  const rho = world.taskCorrelation;
  const z = normalFor(world.seed, requestSeed ?? 0, 'task-latent', taskKey);
  const e = normalFor(world.seed, requestSeed ?? 0, 'agent-noise', agentId, taskKey);
  return normalCdf(Math.sqrt(rho) * z + Math.sqrt(1 - rho) * e);
}

export function baseDraw(world: SimWorld, agentId: string, taskKey: string, bin: Bin, requestSeed: number | undefined): Draw {
  const agent = world.agents.get(agentId);
  if (!agent) throw new Error(`unknown sim agent ${agentId}`);
  const u = agentUniform(world, agentId, taskKey, requestSeed);
  const p = successProbability(agent, bin);
  return { u, pBase: p, p, success: u < p };
}

/** Share of the gap to certain success that `similarWeight` (weighted count of similar examples) closes. */
export function memoryBoost(agent: AgentSim, similarWeight: number): number {
  if (similarWeight <= 0) return 0;
  const m = agent.memory;
  return Math.min(m.maxBoost, 1 - Math.pow(1 - m.boostPerExample, similarWeight));
}

/** Refinement keeps the agent's uniform and only raises p, so it can only move a draw toward success. */
export function refinedDraw(agent: AgentSim, base: Draw, similarWeight: number): Draw {
  const p = base.pBase + (1 - base.pBase) * memoryBoost(agent, similarWeight);
  return { u: base.u, pBase: base.pBase, p, success: base.u < p };
}
