import { z } from 'zod';

/** What routing decided for a task, kept in the auction record and in memory (the UI and the bench read it). */
export const RoutingDecisionSchema = z.object({
  mode: z.enum(['routed', 'auction']),
  /** The agent routed to; for an auction, the agent memory would have picked (null when memory is empty). */
  agent: z.string().nullable(),
  /** The chosen agent: similar past tasks it ran here that passed, of those it ran, of the neighbours considered. */
  evidence: z.object({ passed: z.number(), of: z.number(), similar: z.number() }),
  /** One sentence a user can read. */
  reason: z.string(),
  /** Why: routed, or why the auction was held (`check`: routed, but the jurors of its plan check rated the plan too low). */
  cause: z.enum(['routed', 'off', 'forced', 'empty', 'thin', 'uncertain', 'explore', 'check']),
  /** Probability that the chosen agent's expected value beats the runner-up's (1 with a single agent). */
  confidence: z.number(),
  estimates: z.array(z.object({
    agent: z.string(), mean: z.number(), sd: z.number(), evidence: z.number(), expectedUsd: z.number(), ev: z.number(),
    /** Similar past tasks this agent ran here, and passed (absent in records from before the plan check). */
    executed: z.number().optional(), passed: z.number().optional(),
  })),
});
export type RoutingDecision = z.infer<typeof RoutingDecisionSchema>;
export type RoutingEvidence = RoutingDecision['evidence'];

/**
 * The sentence a person reads first about a routed task (CLI and bid panel): who runs, on what evidence, and that
 * nothing was spent on bidding.
 */
export function routedFromMemoryLine(d: Pick<RoutingDecision, 'agent' | 'evidence'>): string {
  const { passed, of } = d.evidence;
  return `Routed from memory: ${d.agent} passed ${passed} of ${of} similar task${of === 1 ? '' : 's'} here; no auction held, $0.000 spent on bidding`;
}
