import { hashText, normalFor } from './random';
import type { AgentSim, SimWorld } from './worldConfig';

/**
 * Simulated jurors. A judge sees a plan's coverage of the task's key steps (read from the plan text itself)
 * through two noises: an impression of the plan that all judges share, and the judge's own noise, which
 * shrinks with its capability. Noise is keyed by the plan's text, never by its label or position, so judges
 * cannot tell whose plan is whose or use the order of plans.
 */

const norm = (s: string) => s.toLowerCase().replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();

/** Share of key steps whose text appears in the plan (case and whitespace ignored). */
export function keyStepCoverage(planText: string, keySteps: readonly string[]): number {
  if (!keySteps.length) return 0.5;
  const plan = norm(planText);
  return keySteps.filter((k) => plan.includes(norm(k).replace(/[.!?]$/, ''))).length / keySteps.length;
}

export function judgeNoiseSd(judge: AgentSim): number {
  const j = judge.judge;
  return j.noiseAtZero + (j.noiseAtFull - j.noiseAtZero) * judge.capability;
}

const REASONS = [
  'Does not address what the tests check.',
  'Unlikely to make the tests pass; the actual fix is missing.',
  'Vague about the change that matters.',
  'Plausible, but misses some specifics of the fix.',
  'Mostly complete and verifies with the tests.',
  'Covers the essential changes and checks them with the tests.',
];

export interface JudgeVerdict {
  score: number;
  reason: string;
}

/** A 0–5 integer score. `keySteps` undefined = unknown task: the score is noise around the middle. */
export function judgePlan(world: SimWorld, judge: AgentSim, requestSeed: number | undefined, keySteps: readonly string[] | undefined, planText: string): JudgeVerdict {
  const h = hashText(norm(planText));
  const coverage = keySteps ? keyStepCoverage(planText, keySteps) : 0.5;
  const shared = world.planImpressionNoise * normalFor(world.seed, requestSeed ?? 0, 'plan-impression', h);
  const own = judgeNoiseSd(judge) * normalFor(world.seed, requestSeed ?? 0, 'judge-noise', judge.id, h);
  const raw = 0.5 + 4 * coverage + judge.judge.bias + shared + own;
  const score = Math.max(0, Math.min(5, Math.round(raw)));
  return { score, reason: REASONS[score] };
}
