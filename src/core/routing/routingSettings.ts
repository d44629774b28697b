import { z } from 'zod';

/**
 * Learned routing (issue 8): when the repository's memory says clearly which agent is the best value for a task
 * like this one, run it without an auction; otherwise hold the auction. Every number here is a default that
 * `sale calibrate --routing` can fit on held-out orders. The defaults of minEvidence, regretPerAuction and
 * valueMultiple are that fit (replay of a 2-order development run of the default world, seed 1, orders 0–1).
 */
export const RoutingSettingsSchema = z.strictObject({
  /** Off: every task gets an auction (the paper's flow). */
  enabled: z.boolean().default(true),
  /** Past tasks (BM25 neighbours by task text and named files) that inform an estimate. */
  neighbours: z.number().int().min(1).max(200).default(12),
  /**
   * Memory is "thin" below this much similarity-weighted evidence about the best agent (executed outcomes count
   * 1 × similarity, jury opinions `juryWeight` × similarity): then the auction is held.
   */
  minEvidence: z.number().nonnegative().default(2),
  /**
   * Route only when committing to the best agent is expected to lose less (against any other agent, over the
   * posteriors) than this multiple of what an auction costs here: otherwise the auction is worth holding.
   */
  regretPerAuction: z.number().nonnegative().default(5),
  /**
   * A routed agent writes its plan from the winning plans of the repository's most similar past tasks (one call,
   * routedPlan.ts) and executes it; off: it runs without a plan.
   */
  planFromMemory: z.boolean().default(true),
  /**
   * An escalation target that did not bid (the task was routed, so nobody did) writes its plan from memory the same
   * way before it runs, instead of running without one (executeWinner.ts `planFor`). Off by default: measured as the
   * bench row `sale+escalationPlan` on four default-world streams it passed +0.45 points on average (one more solved
   * task in three streams, none in the fourth) for 3–5% more dollars, so $ per solved task rose in all four.
   */
  escalationPlan: z.boolean().default(false),
  /**
   * Past tasks shown for that plan. Few: a plan call costs about a tenth of a small agent's execution with eight
   * examples, and the first few similar examples carry most of what they teach.
   */
  planExamples: z.number().int().min(1).max(50).default(3),
  /**
   * Those past tasks include ones whose executed plan failed, labelled tests-passed="false" and ranked with the passed
   * ones by similarity: what was tried here and did not work teaches too. Measured as the bench row
   * `sale-failedExamples` (docs/bench/README.md, "Examples from this repository").
   */
  planFailures: z.boolean().default(true),
  /**
   * Before a routed plan runs, the pool's cheapest other agents judge it (planCheck.ts); a plan rated below
   * `checkMinScore` passes the task on to the next agent, then to the auction (checkedRoute.ts). Neighbours say how
   * an agent does on tasks like this one; the check says something about this task. Off by default: on the default
   * world it brought `sale` 2.9 points nearer the reference's pass@1 over four streams for about 7% more dollars, but
   * across the seven worlds of pools/ it did not raise pass@1 on average (+0.2 points) and raised dollars per solved
   * task in four (docs/bench/README.md).
   */
  checkPlan: z.boolean().default(false),
  /** Jurors of the check: this many of the cheapest agents other than the routed one. */
  checkJurors: z.number().int().min(1).max(8).default(1),
  /** Mean jury score (0–5) a routed plan needs to run without an auction. */
  checkMinScore: z.number().min(0).max(5).default(2.5),
  /**
   * After a plan is rated too low, how many more agents (memory's next best by expected value) write and check a
   * plan before the auction is held among the rest (checkedRoute.ts).
   */
  checkSteps: z.number().int().min(0).max(8).default(1),
  /** Bounded exploration: share of routable tasks on which the auction is held anyway (seeded, reproducible). */
  exploreRate: z.number().min(0).max(1).default(0.05),
  /**
   * What a passed task is worth, as a multiple of the estimated cost of running the most capable agent on it.
   * Scale-free, so the same default fits cheap and dear pools.
   */
  valueMultiple: z.number().positive().default(3),
  /** Pseudo-observations of the prior (pass probability ½). */
  priorStrength: z.number().positive().default(2),
  /**
   * Weight of every past task in this memory, similar or not (neighbours add their similarity on top): what the
   * repository as a whole says about an agent, so estimates firm up as memory grows.
   */
  globalWeight: z.number().min(0).max(1).default(0.5),
  /** Weight of a juror's opinion of an agent's plan (mean score / 5) against an executed outcome (1). */
  juryWeight: z.number().min(0).max(1).default(0.3),
  /**
   * Width of the task-size kernel (agentEstimates.ts): past tasks whose text is e^width times longer or shorter
   * than this one's weigh e^-½ as much. 0 (the default): size is ignored. Measured at SIZE_KERNEL_WIDTH as the
   * bench row `sale+sizeKernel`: on the default world it raised pass@1 by 1.3 points over four streams for about 8%
   * more dollars and more auctions, and in the worlds where small agents are useless it lost (docs/bench/README.md).
   */
  sizeWidth: z.number().min(0).max(10).default(0),
  /** Weight of neighbours from another repository (1 = no preference for this repository's memory). */
  otherRepoWeight: z.number().min(0).max(1).default(0.5),
  /**
   * A second attempt after a failure passes less often than a first (shared task difficulty): its pass estimate × this.
   * 0.6, not the replay's fit of 0.4: the replay leaves out the hand-off and plans from memory, and in the bench a
   * second attempt passed 0.26–0.70× as often as the same agents' first attempts, 0.50× on average over nine 5-order
   * runs of the default world (report.md, "Escalation against its discount"). 0.6 is more generous than that ratio
   * on purpose: measured end to end against 0.4 and 0.5 (docs/bench/README.md) it bought the most pass@1 while staying
   * under half the reference's dollars: on the default world +5.1 points over four streams for 16% more dollars;
   * across the seven worlds +2.5 points on average, and −1.4 in the one where small agents are useless.
   */
  escalationDiscount: z.number().min(0).max(1).default(0.6),
  /**
   * Escalation's estimates count the failed task's BM25 neighbours, as routing's do (routeTask.ts
   * `escalationCapability`); off: only the whole repository's memory and this auction's jury. Before this setting,
   * escalation read memory with the failed task's own record in it, as its own best match, so its neighbours weighed
   * about a twentieth. Measured both ways (docs/bench/README.md, "Escalation's estimates"): across the seven worlds the
   * neighbours passed 1.9 points more for 0.01× less of the reference's dollars; on four default-world streams 0.25
   * points fewer for 0.03× more. On, as the issue asks ("more capable on this kind of task"); off is the row
   * `sale-escalationNeighbours`.
   */
  escalationNeighbours: z.boolean().default(true),
  /**
   * Escalation's estimates corrected by this repository's record (escalationCalibration.ts): how its past escalations
   * did against the estimates they started on, and how far the failed attempt's length (output tokens per turn against
   * its agent's usual) predicted them. Off by default: measured as `sale+escalationCalibration`, on four default-world
   * streams it cost 5.4% less for 0.3 points of pass@1, and across the eight worlds it lost 0.5 points, a task in three
   * of them; a 35-task stream holds too few escalations for the fit to start early (docs/bench/README.md).
   */
  escalationCalibration: z.boolean().default(false),
  /** Escalations memory needs (with the estimate they started on) before the correction applies. */
  escalationCalibrationMinRuns: z.number().int().min(0).default(8),
  /**
   * Who wins a held auction (valueWinner.ts): 'score', the paper's lowest C − V; 'value', the bidder of the best
   * expected value, escalation after a failure included (routeDecision.ts), memory's estimates moved by the jury's
   * scores as far as this repository's outcomes say they predict (juryCalibration.ts). 'score' by default: measured
   * as `sale+valueWinner`, 'value' was within noise over four default-world streams (+0.3 points, −1% dollars) and
   * 14% cheaper on real history for one task fewer (docs/bench/README.md).
   */
  auctionWinner: z.enum(['score', 'value']).default('score'),
  /** Scored first attempts memory needs before 'value' reads the jury (juryCalibration.ts); fewer: the score's winner. */
  valueWinnerMinRuns: z.number().int().min(0).default(8),
});
export type RoutingSettings = z.infer<typeof RoutingSettingsSchema>;

/** The task-size kernel's width when it is switched on (`sale+sizeKernel`): the width it was measured at. */
export const SIZE_KERNEL_WIDTH = 0.4;

export function routingSettings(partial: z.input<typeof RoutingSettingsSchema> = {}): RoutingSettings {
  return RoutingSettingsSchema.parse(partial);
}
