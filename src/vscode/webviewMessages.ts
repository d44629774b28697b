/**
 * Every message between the bid review webview and the extension host, as zod schemas. Both sides import this
 * module (the webview through its own esbuild bundle) and validate everything they receive: a message that does
 * not parse is dropped and reported, never acted on. No `vscode` import here.
 */
import { z } from 'zod';
import { formatZodIssues } from '../core/zodIssues';
import { BidSchema } from '../core/auction/auctionRecord';
import { RoutingDecisionSchema } from '../core/routing/routingRecord';

/** Where a run is. `review` = waiting for the user to run / override / cancel. */
export const PanelPhaseSchema = z.enum(['idle', 'bidding', 'jury', 'refining', 'review', 'executing', 'done', 'failed', 'cancelled']);

export const ChangedFileSchema = z.strictObject({
  path: z.string().min(1).max(1000),
  status: z.enum(['added', 'modified', 'deleted']),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
});
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

export const ExecTestSchema = z.strictObject({
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  runner: z.string(),
  outputTail: z.string(),
});

export const ExecViewSchema = z.strictObject({
  agent: z.string(),
  /** 0 = the chosen bid; 1, 2, … = escalations to more capable agents. */
  escalation: z.number().int().nonnegative(),
  turn: z.number().int().nonnegative(),
  tokens: z.number().nonnegative(),
  usd: z.number().nonnegative(),
  lastTool: z.string().nullable(),
  lastDetail: z.string().nullable(),
  tests: z.array(ExecTestSchema),
  done: z.strictObject({ passed: z.boolean(), reason: z.string(), turns: z.number(), tokens: z.number(), usd: z.number() }).nullable(),
  /** After a failed attempt: why no further attempt followed it (core's `exec-stopped`). */
  stopNote: z.string().nullable(),
});
export type ExecView = z.infer<typeof ExecViewSchema>;

export const NoticeSchema = z.strictObject({ level: z.enum(['info', 'warn', 'error']), message: z.string() });
export type Notice = z.infer<typeof NoticeSchema>;

/** The last pool check (src/llm/poolCheck.ts), as the table the terminal prints. */
export const PoolCheckViewSchema = z.strictObject({
  label: z.string(),
  at: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  notes: z.array(z.string()),
});
export type PoolCheckView = z.infer<typeof PoolCheckViewSchema>;

/** Commands run without a sandbox (commandSandbox.detectSandbox): the panel says so on its execution section. */
export const NoSandboxViewSchema = z.strictObject({
  /** Why there is none (not installed, switched off, another platform). */
  reason: z.string().max(500),
  /** How to get one, where one exists for the platform. */
  install: z.string().max(300).nullable(),
});
export type NoSandboxView = z.infer<typeof NoSandboxViewSchema>;
export const NO_SANDBOX_HEADLINE = 'Tests run without a sandbox: model-written test code can write anywhere your user can.';

export const PanelStateSchema = z.strictObject({
  phase: PanelPhaseSchema,
  /** Id of the current run. Every action the webview sends must carry it; stale or forged ids are refused. */
  session: z.string().nullable(),
  simulated: z.boolean(),
  /** Short description of the pool, e.g. "simulated models (4 agents)" or "OpenAI preset". */
  poolLabel: z.string(),
  poolCheck: PoolCheckViewSchema.nullable().optional(),
  /** Set when commands run without a sandbox; kept across runs (panelStateHub). */
  noSandbox: NoSandboxViewSchema.nullable().optional(),
  reviewMode: z.enum(['wait', 'auto']),
  budgetUsd: z.number().nonnegative().nullable(),
  task: z.strictObject({ title: z.string(), source: z.string(), repo: z.string(), testCommand: z.string().nullable() }).nullable(),
  agents: z.array(z.string()),
  /** Plan text streaming in before the bid is complete, per "agent#round". */
  streaming: z.record(z.string(), z.string()),
  bids: z.array(BidSchema),
  jury: z.strictObject({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
  refining: z.array(z.string()),
  provisionalWinner: z.string().nullable(),
  winner: z.string().nullable(),
  winnerBidIndex: z.number().int().nullable(),
  /** The bid the user chose to run when it differs from the winner. */
  chosenBidIndex: z.number().int().nullable(),
  explanation: z.array(z.string()),
  /** What learned routing decided for this task (src/core/routing); null when routing is off or no run yet. */
  routing: RoutingDecisionSchema.nullable().optional(),
  /** After a run that changed nothing: the next-best bid of the same auction, offered as "Retry with another bid". */
  retry: z.strictObject({ bidIndex: z.number().int().nonnegative(), agent: z.string() }).nullable().optional(),
  exec: z.array(ExecViewSchema),
  changes: z.array(ChangedFileSchema),
  /** Unified diff of the agent's changes, capped; plain text. */
  diff: z.string(),
  /** What happened to the change after execution. */
  outcome: z.enum(['pending', 'accepted', 'reverted']).nullable(),
  /** Where the change went on Accept (e.g. a branch name), or what Revert restored. */
  outcomeDetail: z.string().nullable(),
  auctionUsd: z.number().nonnegative(),
  totalUsd: z.number().nonnegative(),
  error: z.string().nullable(),
  notices: z.array(NoticeSchema),
});
export type PanelState = z.infer<typeof PanelStateSchema>;

/** Whether the run's last attempt passed its tests; undefined while no attempt has ended. */
export function lastAttemptPassed(s: Pick<PanelState, 'exec'>): boolean | undefined {
  return s.exec[s.exec.length - 1]?.done?.passed;
}

/**
 * Which of Accept and Revert the panel offers first, as its primary button: Accept only when the run ended with its
 * tests passing; after failed tests or a failed run, Revert (Accept still works, and asks first).
 */
export function primaryOutcomeAction(s: Pick<PanelState, 'phase' | 'exec'>): 'accept' | 'revert' {
  return s.phase === 'done' && lastAttemptPassed(s) === true ? 'accept' : 'revert';
}

// ---------------------------------------------------------------------------------------------- host → webview

export const HostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('state'), state: PanelStateSchema }),
  /** Moves keyboard focus to a part of the panel (after a command from the palette). */
  z.strictObject({ type: z.literal('focus'), target: z.enum(['actions', 'bids', 'diff']) }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

// ---------------------------------------------------------------------------------------------- webview → host

const session = z.string().min(1).max(100);
export const WebviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** Run bid number `bidIndex` of the current auction (the winner, or an override). */
  z.strictObject({ type: z.literal('run'), session, bidIndex: z.number().int().nonnegative().max(10_000) }),
  z.strictObject({ type: z.literal('cancel'), session }),
  z.strictObject({ type: z.literal('accept'), session }),
  z.strictObject({ type: z.literal('revert'), session }),
  z.strictObject({ type: z.literal('openDiff'), session, path: z.string().min(1).max(1000) }),
  /** "Hold the auction anyway" for a task routed from memory: at review instead of running, or as a new run after it ran. */
  z.strictObject({ type: z.literal('holdAuction'), session }),
  /** "Retry with another bid": the next-best bid of the same auction, after a run that changed nothing. */
  z.strictObject({ type: z.literal('retryBid'), session }),
  z.strictObject({ type: z.literal('solve') }),
  z.strictObject({ type: z.literal('openSettings') }),
  z.strictObject({ type: z.literal('showLog') }),
  /** Problems the webview met (e.g. a host message it refused), for the log. */
  z.strictObject({ type: z.literal('problem'), message: z.string().max(2000) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;
/** The messages that ask the host to do something (the rest are the handshake and problem reports). */
export type PanelAction = Exclude<WebviewMessage, { type: 'ready' | 'problem' }>;

/** A message as it goes into the log: JSON, clipped (it may be large or hostile; it is never acted on). */
export function shownMessage(raw: unknown): string {
  try {
    return JSON.stringify(raw)?.slice(0, 300) ?? String(raw);
  } catch {
    return String(raw);
  }
}

/**
 * What a protocol switch reports when a message reaches its `default:`: typed `never`, so a message type added to a
 * schema without a branch fails the typecheck; at run time (a message that bypassed the schema) it names what was
 * dropped.
 */
export function unknownMessageText(msg: never): string {
  const type = (msg as { type?: unknown } | null)?.type;
  return `unknown message type ${JSON.stringify(type) ?? String(type)}: ${shownMessage(msg)}`;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describe(err: z.ZodError): string {
  return formatZodIssues(err, { style: 'inline', max: 5 });
}

export function parseWebviewMessage(data: unknown): ParseResult<WebviewMessage> {
  const r = WebviewMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describe(r.error) };
}

export function parseHostMessage(data: unknown): ParseResult<HostMessage> {
  const r = HostMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describe(r.error) };
}

export function initialPanelState(over: Partial<PanelState> = {}): PanelState {
  return {
    phase: 'idle',
    session: null,
    simulated: true,
    poolLabel: '',
    reviewMode: 'wait',
    budgetUsd: null,
    task: null,
    agents: [],
    streaming: {},
    bids: [],
    jury: null,
    refining: [],
    provisionalWinner: null,
    winner: null,
    winnerBidIndex: null,
    chosenBidIndex: null,
    explanation: [],
    routing: null,
    retry: null,
    exec: [],
    changes: [],
    diff: '',
    outcome: null,
    outcomeDetail: null,
    auctionUsd: 0,
    totalUsd: 0,
    error: null,
    notices: [],
    ...over,
  };
}

/** The Cancel button's tooltip: a cancel during execution reverts what the agent has changed so far. */
export function cancelButtonTitle(phase: PanelState['phase']): string {
  return phase === 'executing' ? 'Stop the agent and revert its edits' : 'Cancel this task';
}
