import { z } from 'zod';

export const MEMORY_SCHEMA_VERSION = 1;

export const MemoryBidSchema = z.object({
  agent: z.string(),
  plan: z.string(),
  tokens: z.number(),
  entropy: z.number().nullable(),
  jury: z.array(z.object({ judge: z.string(), score: z.number().nullable() })),
  cost: z.number(),
  value: z.number(),
  score: z.number(),
  refined: z.boolean(),
});
export type MemoryBid = z.infer<typeof MemoryBidSchema>;

export const OutcomeSchema = z.object({
  /** Agent that actually executed last (may differ from the auction winner after override or escalation). */
  executedBy: z.string(),
  passed: z.boolean(),
  turns: z.number(),
  tokens: z.number(),
  usd: z.number(),
  /** null until the user accepts or reverts. */
  kept: z.boolean().nullable(),
  escalatedFrom: z.array(z.string()).default([]),
  overridden: z.boolean().default(false),
  /**
   * Each attempt in order (escalations included), so each agent's runs and dollars are its own. Records written
   * before this field have none: then the escalated-from agents are known to have failed, but not what they spent.
   */
  attempts: z.array(z.object({
    agent: z.string(),
    passed: z.boolean(),
    usd: z.number(),
    /** Turns and output tokens of the attempt (escalationCalibration.ts); absent in records written before them. */
    turns: z.number().optional(),
    outputTokens: z.number().optional(),
    /** An escalated attempt's pass estimate when escalation chose it (before calibration). */
    estimate: z.number().min(0).max(1).optional(),
  })).default([]),
});
export type Outcome = z.infer<typeof OutcomeSchema>;
/** An outcome as written: fields with defaults may be left out. */
export type OutcomeInput = z.input<typeof OutcomeSchema>;

export const MemoryRecordSchema = z.object({
  schema: z.literal(MEMORY_SCHEMA_VERSION),
  id: z.string(),
  time: z.string(),
  task: z.object({
    id: z.string(),
    text: z.string(),
    source: z.string(),
    repo: z.string(),
    family: z.string().optional(),
  }),
  bids: z.array(MemoryBidSchema),
  /** Auction winner (after refinement), before any user override. */
  winner: z.string().nullable(),
  auctionUsd: z.number(),
  /** Set when routing decided: 'routed' records had no auction (no bids). */
  routing: z.object({ mode: z.enum(['routed', 'auction']), agent: z.string().nullable(), cause: z.string(), reason: z.string().max(2000).optional() }).optional(),
  outcome: OutcomeSchema.nullable(),
});
export type MemoryRecord = z.infer<typeof MemoryRecordSchema>;
