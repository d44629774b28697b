import { readFileSync } from 'node:fs';
import { SaleError } from '../core/errors';
import { type RoutingSettings, RoutingSettingsSchema } from '../core/routing/routingSettings';

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
