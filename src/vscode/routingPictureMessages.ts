/**
 * The Routing Picture view's protocol (host ↔ webview), as zod schemas both sides validate: the picture's data
 * (src/core/memory/routingPicture.ts, checked here against the schema at compile time) and the webview's requests.
 * No `vscode` import.
 */
import { z } from 'zod';
import type { RoutingPictureData } from '../core/memory/routingPicture';
import { type ParseResult, shownMessage } from './webviewMessages';
import { formatZodIssues } from '../core/zodIssues';

const rate = z.number().min(0).max(1);
export const RoutingPictureSchema = z.strictObject({
  repo: z.string(),
  records: z.number().int().nonnegative(),
  routed: z.number().int().nonnegative(),
  decided: z.number().int().nonnegative(),
  level: rate,
  agents: z.array(z.strictObject({
    agent: z.string(),
    executions: z.number().int().nonnegative(),
    passes: z.number().int().nonnegative(),
    avgExecUsd: z.number().nonnegative().nullable(),
    mean: rate,
    low: rate,
    high: rate,
    history: z.array(z.strictObject({ at: z.number().int().positive(), passes: z.number().int().nonnegative(), executions: z.number().int().positive() })).max(200),
  })).max(100),
  decisions: z.array(z.strictObject({
    at: z.number().int().positive(),
    time: z.string(),
    task: z.string(),
    mode: z.enum(['routed', 'auction']),
    agent: z.string().nullable(),
    cause: z.string(),
    reason: z.string(),
  })).max(50),
});
export type RoutingPicture = z.infer<typeof RoutingPictureSchema>;
// The core's data and the schema must stay one shape.
const _sameShape: (d: RoutingPictureData) => z.infer<typeof RoutingPictureSchema> = (d) => d;
void _sameShape;

export const RoutingHostMessageSchema = z.discriminatedUnion('type', [
  /** null: no folder open (the view says so). */
  z.strictObject({ type: z.literal('picture'), picture: RoutingPictureSchema.nullable(), note: z.string().max(2000).optional() }),
]);
export type RoutingHostMessage = z.infer<typeof RoutingHostMessageSchema>;

export const RoutingWebviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** Opens the figures (the Routing Preferences tree) with pin / exclude. */
  z.strictObject({ type: z.literal('showFigures') }),
  z.strictObject({ type: z.literal('problem'), message: z.string().max(2000) }),
]);
export type RoutingWebviewMessage = z.infer<typeof RoutingWebviewMessageSchema>;

export function parseRoutingHostMessage(data: unknown): ParseResult<RoutingHostMessage> {
  const r = RoutingHostMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: `${formatZodIssues(r.error, { style: 'inline', max: 5 })}: ${shownMessage(data)}` };
}

export function parseRoutingWebviewMessage(data: unknown): ParseResult<RoutingWebviewMessage> {
  const r = RoutingWebviewMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: `${formatZodIssues(r.error, { style: 'inline', max: 5 })}: ${shownMessage(data)}` };
}
