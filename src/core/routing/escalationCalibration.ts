/**
 * How escalation's estimates have done in this repository, and what a failed attempt's length adds to them
 * (executeWinner.ts `nextCapableAgent`, routing's `escalationCalibration`).
 *
 * Escalation's estimate of the next agent is memory's estimate of it on tasks like this one × the discount for a
 * task that has already defeated one agent. Memory averages over easy and hard neighbours alike, and the discount is
 * one number for every pool. Each escalated attempt in memory carries the estimate it started on, so a logistic fit
 * of those attempts' outcomes with that estimate as offset says how far off it ran here (a, in log-odds), and how far
 * the failed attempt's length moves it (b per standard deviation): a task that drew longer turns from an agent than
 * its usual is likely a harder one, and a harder task defeats the next agent more often too. Length is the failed
 * attempt's output tokens per turn, on a log scale, against the same agent's usual for a failed attempt here. With a
 * N(0, 1) prior on both (logisticFit.ts), a thin memory, or lengths that say nothing, leave the estimate where it was.
 * Usage numbers come from model servers: only finite, positive ones count.
 */
import type { MemoryRecord, Outcome } from '../memory/memoryRecord';
import { fitLogistic, logit, shiftOdds } from './logisticFit';

export interface EscalationCalibration {
  /** Log-odds added to every escalation estimate: how far estimates ran above (< 0) or below outcomes here. */
  shift: number;
  /** Log-odds added per standard deviation the failed attempt ran longer per turn than its agent's usual. */
  slope: number;
  /** Standard deviation of the observations' lengths (ln tokens per turn, each against its agent's usual). */
  sd: number;
  /** agent → its usual length (mean ln output tokens per turn) over its failed attempts in memory. */
  usual: ReadonlyMap<string, number>;
  /** Every agent's failed attempts together: the usual of an agent with fewer than USUAL_MIN of its own. */
  pooled: number;
  /** Escalated attempts in memory that carry the estimate they started on. */
  observations: number;
}

/** An agent's own failed attempts needed before its usual is its own. */
const USUAL_MIN = 3;
/** Below this spread the lengths cannot tell tasks apart (and the scale would blow up). */
const MIN_SD = 0.02;

/** What escalation knows of the attempt that failed: its agent and, when the server reported them, its size. */
export type FailedAttempt = Pick<Outcome['attempts'][number], 'agent' | 'turns' | 'outputTokens'>;

/** ln(output tokens per turn), or null when the numbers are missing or not usable. */
export function attemptLength(a: Omit<FailedAttempt, 'agent'>): number | null {
  const { turns, outputTokens } = a;
  if (turns === undefined || outputTokens === undefined) return null;
  if (!Number.isFinite(turns) || !Number.isFinite(outputTokens) || turns < 1 || outputTokens <= 0) return null;
  return Math.log(outputTokens / turns);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const usable = (p: number | undefined): p is number => p !== undefined && Number.isFinite(p) && p > 0 && p < 1;

export function fitEscalationCalibration(records: readonly MemoryRecord[], priorSd = 1): EscalationCalibration {
  const runs: Outcome['attempts'][] = records.flatMap((r) => (r.outcome && r.outcome.attempts.length > 1 ? [r.outcome.attempts] : []));
  const byAgent = new Map<string, number[]>();
  for (const r of records) {
    for (const a of r.outcome?.attempts ?? []) {
      const len = a.passed ? null : attemptLength(a);
      if (len !== null) byAgent.set(a.agent, [...(byAgent.get(a.agent) ?? []), len]);
    }
  }
  const all = [...byAgent.values()].flat();
  const pooled = all.length ? mean(all) : 0;
  const usual = new Map([...byAgent].filter(([, xs]) => xs.length >= USUAL_MIN).map(([agent, xs]) => [agent, mean(xs)]));
  const obs: { z: number | null; passed: boolean; offset: number }[] = [];
  for (const run of runs) {
    for (let i = 0; i + 1 < run.length; i++) {
      const next = run[i + 1];
      if (run[i].passed || !usable(next.estimate)) continue;
      const len = attemptLength(run[i]);
      obs.push({ z: len === null ? null : len - (usual.get(run[i].agent) ?? pooled), passed: next.passed, offset: logit(next.estimate) });
    }
  }
  const lengths = obs.flatMap((o) => (o.z === null ? [] : [o.z]));
  const sd = lengths.length > 1 ? Math.sqrt(mean(lengths.map((z) => z * z))) : 0;
  const scaled = (z: number | null) => (z === null || sd < MIN_SD ? 0 : z / sd);
  const fit = fitLogistic(obs.map((o) => ({ x: scaled(o.z), passed: o.passed, offset: o.offset })), priorSd);
  return { shift: fit.intercept, slope: sd < MIN_SD ? 0 : fit.slope, sd, usual, pooled, observations: obs.length };
}

/** How many standard deviations longer per turn than its agent's usual a failed attempt ran; 0 when it cannot be told. */
export function lengthScore(failed: FailedAttempt, cal: EscalationCalibration): number {
  const len = attemptLength(failed);
  if (len === null || cal.sd < MIN_SD) return 0;
  return (len - (cal.usual.get(failed.agent) ?? cal.pooled)) / cal.sd;
}

/** Escalation's estimate `p` of the next agent after `failed`, as this repository's record of escalations corrects it. */
export function calibrateEscalation(p: number, failed: FailedAttempt, cal: EscalationCalibration): number {
  return shiftOdds(p, cal.shift + cal.slope * lengthScore(failed, cal));
}
