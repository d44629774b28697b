import { readFileSync } from 'node:fs';
import { SaleError } from '../core/errors';
import { type RoutingSettings, RoutingSettingsSchema, routingSettings } from '../core/routing/routingSettings';
import { type ReplayData, type ReplaySummary, replayOrder, summariseReplay } from './routingReplay';

/** Reads routing thresholds written by `sale calibrate --routing` (`{ "routing": {...} }` or the bare object). */
export function loadRoutingFile(path: string): RoutingSettings {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SaleError(`Cannot read routing file ${path}: ${(e as Error).message}`);
  }
  const body = json && typeof json === 'object' && 'routing' in json ? (json as { routing: unknown }).routing : json;
  const r = RoutingSettingsSchema.safeParse(body);
  if (!r.success) throw new SaleError(`Invalid routing file ${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The grid `sale calibrate --routing` searches (every other setting keeps its default). */
export const ROUTING_GRID = {
  valueMultiple: [2, 3, 4, 6],
  regretPerAuction: [1, 2, 3, 5, 8],
  escalationDiscount: [0.4, 0.6, 0.8],
  minEvidence: [2, 3, 5],
} as const;

export interface RoutingFit {
  settings: RoutingSettings;
  train: ReplaySummary;
  /** The defaults on the same training orders. */
  defaultsTrain: ReplaySummary;
  heldOut?: { fitted: ReplaySummary; defaults: ReplaySummary };
  candidates: number;
}

/**
 * Objective (the issue's targets): among settings whose pass@1 on the training orders is at least the reference
 * agent's, the fewest dollars; when none reaches it, the highest pass@1 (ties to fewer dollars).
 */
export function betterFit(a: ReplaySummary, b: ReplaySummary): boolean {
  const fa = a.pass >= a.referencePass;
  const fb = b.pass >= b.referencePass;
  if (fa !== fb) return fa;
  if (fa) return a.dollarsVsReference < b.dollarsVsReference;
  return a.pass > b.pass || (a.pass === b.pass && a.dollarsVsReference < b.dollarsVsReference);
}

export async function fitRouting(data: ReplayData, train: number[], heldOut: number[], base: RoutingSettings = routingSettings()): Promise<RoutingFit> {
  const run = async (s: RoutingSettings, orders: number[]) => summariseReplay(await Promise.all(orders.map((o) => replayOrder(data, o, s))));
  let best: { s: RoutingSettings; sum: ReplaySummary } | undefined;
  let candidates = 0;
  for (const valueMultiple of ROUTING_GRID.valueMultiple) {
    for (const regretPerAuction of ROUTING_GRID.regretPerAuction) {
      for (const escalationDiscount of ROUTING_GRID.escalationDiscount) {
        for (const minEvidence of ROUTING_GRID.minEvidence) {
          const s = { ...base, valueMultiple, regretPerAuction, escalationDiscount, minEvidence };
          const sum = await run(s, train);
          candidates++;
          if (!best || betterFit(sum, best.sum)) best = { s, sum };
        }
      }
    }
  }
  const fit: RoutingFit = { settings: best!.s, train: best!.sum, defaultsTrain: await run(base, train), candidates };
  if (heldOut.length) fit.heldOut = { fitted: await run(best!.s, heldOut), defaults: await run(base, heldOut) };
  return fit;
}
