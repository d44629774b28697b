/**
 * Where a policy's dollars go, by what hindsight knows of each task: solved by the policy, passed by some agent in
 * this draw (the oracle's runs) but not by the policy, or passed by no agent at all. Issue 8's "$/solved ≤ 1.5× the
 * oracle's" turns on the last class: the oracle pays one cheapest run there, any other policy pays for whatever it
 * tried. Pooled over orders, like the bin bound (binBound.ts).
 */
import type { BenchResults, PolicyName, TaskRun } from './results';
import { sum, usdPerSolved } from './stats';

export type OutcomeClass = 'solved' | 'missed' | 'unsolved';

export interface OutcomeSpend {
  outcome: OutcomeClass;
  tasks: number;
  usd: number;
  /** Bidding, juries and routed plans: everything but the executions. */
  overheadUsd: number;
  firstAttemptUsd: number;
  escalationUsd: number;
  escalations: number;
  escalationsPassed: number;
  /** What the oracle paid on the same tasks. */
  oracleUsd: number;
}

export interface SpendByOutcome {
  policy: PolicyName;
  usd: number;
  solved: number;
  oracleUsdPerSolved: number;
  classes: OutcomeSpend[];
}

const key = (r: TaskRun) => `${r.order}\u0000${r.taskId}`;

/** undefined when the results hold no runs of the policy or no oracle runs for its tasks. */
export function spendByOutcome(results: BenchResults, policy: PolicyName): SpendByOutcome | undefined {
  const oracle = new Map(results.runs.filter((r) => r.policy === 'oracle').map((r) => [key(r), r]));
  const runs = results.runs.filter((r) => r.policy === policy);
  if (!runs.length || runs.some((r) => !oracle.has(key(r)))) return undefined;
  const classOf = (r: TaskRun): OutcomeClass => (r.passed ? 'solved' : oracle.get(key(r))!.passed ? 'missed' : 'unsolved');
  const classes = (['solved', 'missed', 'unsolved'] as const).map((outcome): OutcomeSpend => {
    const rs = runs.filter((r) => classOf(r) === outcome);
    const attemptsUsd = (r: TaskRun) => sum(r.attempts.map((a) => a.usd));
    const escalated = rs.flatMap((r) => r.attempts.slice(1));
    return {
      outcome,
      tasks: rs.length,
      usd: sum(rs.map((r) => r.totalUsd)),
      overheadUsd: sum(rs.map((r) => r.totalUsd - attemptsUsd(r))),
      firstAttemptUsd: sum(rs.map((r) => r.attempts[0]?.usd ?? 0)),
      escalationUsd: sum(escalated.map((a) => a.usd)),
      escalations: escalated.length,
      escalationsPassed: escalated.filter((a) => a.passed).length,
      oracleUsd: sum(rs.map((r) => oracle.get(key(r))!.totalUsd)),
    };
  });
  return {
    policy,
    usd: sum(runs.map((r) => r.totalUsd)),
    solved: runs.filter((r) => r.passed).length,
    oracleUsdPerSolved: usdPerSolved([...oracle.values()]),
    classes,
  };
}
