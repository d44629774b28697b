/** The calibration set's inputs: items from a bench's results or from an auction memory, and weights files. */
import { readFileSync } from 'node:fs';
import { type Weights, WeightsSchema } from '../core/auction/auctionRecord';
import { SaleError } from '../core/errors';
import type { MemoryRecord } from '../core/memory/memoryRecord';
import { formatZodIssues } from '../core/zodIssues';
import type { CalibrationItem } from './calibration';
import type { BenchResults, PolicyName } from './results';

/**
 * Calibration items from a bench's results.json: per (order, task), the original bids of one auction policy's
 * run (their score inputs), labelled with every agent's outcome on that task in that order, taken from every
 * policy's "base" attempts (plans that were not refined from memory: single-agent runs, cascade rungs, the
 * oracle's runs, unrefined auction winners). Within an order all policies share the request seed, so these are
 * the same success draws the bids were written under. With the oracle in the bench every agent is labelled.
 */
export function itemsFromBenchResults(results: BenchResults, policy: PolicyName = 'sale'): CalibrationItem[] {
  const withBids = results.runs.filter((r) => r.policy === policy && r.bids?.length);
  if (!withBids.length) {
    const have = [...new Set(results.runs.filter((r) => r.bids?.length).map((r) => r.policy))];
    throw new SaleError(`results have no auction bids for policy "${policy}"${have.length ? ` (bids recorded for: ${have.join(', ')})` : ' (run the bench with an auction policy)'}.`, 'calibration-empty');
  }
  // Prefer the oracle's runs for dollars (no plan in the prompt, every agent); any base attempt for pass/fail.
  const rank = (p: PolicyName) => (p === 'oracle' ? 0 : p === 'cascade' ? 1 : 2);
  const key = (o: number, t: string) => `${o}\u0000${t}`;
  const labels = new Map<string, { passed: Record<string, boolean>; usd: Record<string, number>; usdRank: Record<string, number> }>();
  for (const r of results.runs) {
    const k = key(r.order, r.taskId);
    const l = labels.get(k) ?? { passed: {}, usd: {}, usdRank: {} };
    labels.set(k, l);
    for (const a of r.attempts) {
      if (a.refinedPlan) continue;
      l.passed[a.agent] ??= a.passed;
      if ((l.usdRank[a.agent] ?? 9) > rank(r.policy)) {
        l.usd[a.agent] = a.usd;
        l.usdRank[a.agent] = rank(r.policy);
      }
    }
  }
  return withBids.map((r) => {
    const l = labels.get(key(r.order, r.taskId))!;
    return {
      id: `${r.order}/${r.taskId}`,
      bin: r.bin,
      bids: r.bids!.filter((b) => b.round === 0).map((b) => ({ agent: b.agent, price: b.price, tokens: b.tokens, entropy: b.entropy, jury: b.jury })),
      passed: { ...l.passed },
      usd: { ...l.usd },
    };
  });
}

/**
 * Calibration items from an auction memory: each executed record's original bids, labelled with what its
 * executions showed — agents escalated from failed; the last one passed or failed. The first attempt's label
 * is dropped when it ran a refined plan (memory raised its chance, so it says little about the original bid).
 * Dollars are known only without escalation (the outcome sums every attempt). Memory does not store the
 * task's minutes, so every item is in bin 0: the min–max then has a single term.
 */
export function itemsFromMemory(records: MemoryRecord[], prices: Record<string, number>): CalibrationItem[] {
  const out: CalibrationItem[] = [];
  for (const r of records) {
    const o = r.outcome;
    if (!o) continue;
    const bids = r.bids.filter((b) => !b.refined && prices[b.agent] !== undefined);
    if (bids.length < 2) continue;
    const executed = [...o.escalatedFrom, o.executedBy];
    const first = executed[0];
    const firstBest = r.bids.filter((b) => b.agent === first).sort((a, b) => a.score - b.score)[0];
    const passed: Record<string, boolean> = {};
    executed.forEach((a, i) => {
      if (i === 0 && firstBest?.refined && !o.overridden) return;
      passed[a] = i < executed.length - 1 ? false : o.passed;
    });
    if (!Object.keys(passed).length) continue;
    const usd: Record<string, number> = executed.length === 1 && first in passed ? { [first]: o.usd } : {};
    out.push({
      id: r.id,
      bin: 0,
      bids: bids.map((b) => ({ agent: b.agent, price: prices[b.agent], tokens: b.tokens, entropy: b.entropy, jury: b.jury })),
      passed,
      usd,
    });
  }
  return out;
}

/** A weights file: either bare weights or `{ "weights": {...}, ... }` as `sale calibrate` writes it. */
export function loadWeightsFile(path: string): Weights {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SaleError(`Cannot read weights file ${path}: ${(e as Error).message}`, 'weights-invalid');
  }
  const candidate = json && typeof json === 'object' && 'weights' in json ? (json as { weights: unknown }).weights : json;
  const r = WeightsSchema.safeParse(candidate);
  if (!r.success) throw new SaleError(`Invalid weights in ${path}: ${formatZodIssues(r.error, { style: 'inline' })}`, 'weights-invalid');
  return r.data;
}
