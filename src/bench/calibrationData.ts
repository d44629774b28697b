import type { CalibrationItem } from './calibration';
import { SaleError } from '../core/errors';
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
