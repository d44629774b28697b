/**
 * Usage numbers come from the endpoint and are hostile like any model output: negative usage once made the
 * budget grow (−$1299.99 reported), strings crashed with a raw ZodError. Only finite non-negative integers are
 * believed; anything else is replaced by an estimate from the text, and the result says so.
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative().finite().max(Number.MAX_SAFE_INTEGER);

export interface CheckedUsage {
  inputTokens: number;
  outputTokens: number;
  /** Set when a figure was missing or not believable and was estimated instead; says which and why. */
  estimated?: string;
}

/** Rough token estimate for endpoints that omit usage (~4 characters a token). The one home of this rule. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** `raw` is the endpoint's `usage` object of any shape; `estimate` gives the fallback for each side. */
export function checkUsage(raw: unknown, estimate: { input: () => number; output: () => number }): CheckedUsage {
  const obj = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
  const notes: string[] = [];
  const side = (key: 'prompt_tokens' | 'completion_tokens', fallback: () => number): number => {
    const v = obj?.[key];
    const r = Count.safeParse(v);
    if (r.success) return r.data;
    notes.push(v === undefined ? `${key} missing` : `${key} ${describe(v)} is not a non-negative whole number`);
    return fallback();
  };
  const inputTokens = side('prompt_tokens', estimate.input);
  const outputTokens = side('completion_tokens', estimate.output);
  return { inputTokens, outputTokens, ...(notes.length ? { estimated: `usage estimated from text length (${notes.join('; ')})` } : {}) };
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
