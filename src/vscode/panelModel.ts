/**
 * Folds the engine's SaleEvents into the panel's state. Pure (no `vscode`): the host keeps one PanelState per
 * run, applies every event here and sends the whole state to the webview, so a panel that is hidden and shown
 * again (or reloaded) always shows the full picture.
 */
import type { SaleEvent } from '../core/events';
import type { Bid } from '../core/auction/auctionRecord';
import { type ExecView, type Notice, type PanelState, lastAttemptPassed } from './webviewMessages';

const MAX_NOTICES = 20;
const MAX_STREAM_CHARS = 8_000;
const MAX_OUTPUT_TAIL = 4_000;

export function bidKey(b: Pick<Bid, 'agent' | 'round'>): string {
  return `${b.agent}#${b.round}`;
}

function pushNotice(notices: Notice[], n: Notice): Notice[] {
  const next = [...notices, n];
  return next.length > MAX_NOTICES ? next.slice(next.length - MAX_NOTICES) : next;
}

function upsertBid(bids: Bid[], bid: Bid): Bid[] {
  const i = bids.findIndex((b) => bidKey(b) === bidKey(bid));
  if (i < 0) return [...bids, bid];
  const next = [...bids];
  next[i] = bid;
  return next;
}

function updateExec(exec: ExecView[], agent: string, f: (e: ExecView) => ExecView): ExecView[] {
  for (let i = exec.length - 1; i >= 0; i--) {
    if (exec[i].agent === agent) {
      const next = [...exec];
      next[i] = f(exec[i]);
      return next;
    }
  }
  return exec;
}

function tail(s: string, n: number): string {
  return s.length > n ? `…${s.slice(s.length - n)}` : s;
}

export function applyEvent(state: PanelState, ev: SaleEvent): PanelState {
  switch (ev.type) {
    case 'auction-start':
      return { ...state, phase: 'bidding', agents: ev.agents, simulated: ev.simulated, bids: [], streaming: {}, jury: null, refining: [],
        provisionalWinner: null, winner: null, winnerBidIndex: null, explanation: [], routing: null, retry: null, exec: [], changes: [], diff: '', outcome: null };
    case 'bid-delta': {
      const key = `${ev.agent}#${ev.round}`;
      const text = tail((state.streaming[key] ?? '') + ev.text, MAX_STREAM_CHARS);
      return { ...state, streaming: { ...state.streaming, [key]: text } };
    }
    case 'bid': {
      const key = bidKey(ev.bid);
      const { [key]: _done, ...streaming } = state.streaming;
      return { ...state, bids: upsertBid(state.bids, ev.bid), streaming, auctionUsd: state.auctionUsd + (ev.bid.bidUsd || 0) };
    }
    case 'jury-progress':
      return { ...state, phase: state.phase === 'bidding' || state.phase === 'jury' ? 'jury' : state.phase, jury: { done: ev.done, total: ev.total } };
    case 'scored': {
      let bids = state.bids;
      for (const b of ev.bids) bids = upsertBid(bids, b);
      return { ...state, bids, provisionalWinner: ev.provisionalWinner };
    }
    case 'refine-start':
      return { ...state, phase: 'refining', refining: ev.agents };
    case 'auction-done': {
      const r = ev.record;
      const usage = r.usage.bids.usd + r.usage.jury.usd + r.usage.refinement.usd;
      // The phase stays until the controller is really waiting for a decision (then: 'review') or starts executing.
      return {
        ...state,
        bids: r.bids,
        streaming: {},
        refining: [],
        provisionalWinner: r.provisionalWinner,
        winner: r.winner,
        winnerBidIndex: r.winnerBidIndex,
        explanation: r.explanation,
        routing: r.routing ?? null,
        auctionUsd: usage,
        totalUsd: usage,
      };
    }
    case 'exec-start': {
      const view: ExecView = { agent: ev.agent, escalation: ev.escalation, turn: 0, tokens: 0, usd: 0, lastTool: null, lastDetail: null, tests: [], done: null, stopNote: null };
      return { ...state, phase: 'executing', exec: [...state.exec, view] };
    }
    case 'exec-turn': {
      const prevUsd = lastExecUsd(state, ev.agent);
      return {
        ...state,
        exec: updateExec(state.exec, ev.agent, (e) => ({ ...e, turn: ev.turn, tokens: ev.tokens, usd: ev.usd, lastTool: ev.tool ?? e.lastTool, lastDetail: ev.detail ?? e.lastDetail })),
        totalUsd: state.totalUsd + Math.max(0, ev.usd - prevUsd),
      };
    }
    case 'exec-test':
      return {
        ...state,
        exec: updateExec(state.exec, ev.agent, (e) => ({
          ...e,
          tests: [...e.tests, { passed: ev.passed, exitCode: ev.exitCode ?? null, runner: testRunnerLabel(ev.runner), outputTail: tail(ev.outputTail, MAX_OUTPUT_TAIL) }],
        })),
      };
    case 'exec-done': {
      const prevUsd = lastExecUsd(state, ev.agent);
      return {
        ...state,
        exec: updateExec(state.exec, ev.agent, (e) => ({ ...e, turn: ev.turns, tokens: ev.tokens, usd: ev.usd, done: { passed: ev.passed, reason: ev.reason, turns: ev.turns, tokens: ev.tokens, usd: ev.usd } })),
        totalUsd: state.totalUsd + Math.max(0, ev.usd - prevUsd),
      };
    }
    case 'exec-stopped':
      return { ...state, exec: updateExec(state.exec, ev.agent, (e) => ({ ...e, stopNote: ev.note })) };
    case 'model-loading':
      return { ...state, notices: pushNotice(state.notices, { level: 'info', message: `${ev.agent}: loading model… (no first token after ${Math.round(ev.waitedMs / 1000)} s)` }) };
    case 'log':
      return ev.level === 'info' ? state : { ...state, notices: pushNotice(state.notices, { level: ev.level, message: ev.message }) };
  }
}

function lastExecUsd(state: PanelState, agent: string): number {
  for (let i = state.exec.length - 1; i >= 0; i--) if (state.exec[i].agent === agent) return state.exec[i].usd;
  return 0;
}

export function addNotice(state: PanelState, level: Notice['level'], message: string): PanelState {
  return { ...state, notices: pushNotice(state.notices, { level, message }) };
}

/** A one-line description of where the run is, for the status bar and progress notifications. */
export function phaseSummary(state: PanelState): string {
  switch (state.phase) {
    case 'idle':
      return 'idle';
    case 'bidding':
      return `bidding ${state.bids.filter((b) => b.round === 0).length}/${state.agents.length}`;
    case 'jury':
      return state.jury ? `jury ${state.jury.done}/${state.jury.total}` : 'jury';
    case 'refining':
      return `refining (${state.refining.length})`;
    case 'review':
      return state.winner ? `review: ${state.winner} won` : 'review';
    case 'executing': {
      const e = state.exec[state.exec.length - 1];
      return e ? `${e.agent} turn ${e.turn}` : 'executing';
    }
    case 'done': {
      const passed = lastAttemptPassed(state);
      const result = passed === undefined ? 'done' : passed ? 'tests passed' : 'tests failed';
      return state.outcome === 'accepted' ? `${result}, accepted` : state.outcome === 'reverted' ? `${result}, reverted` : result;
    }
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** Status bar and progress updates for streamed bid deltas: at most one per this many ms. */
export const DELTA_UI_MS = 250;

/** Whether a bid-delta may update the status bar and the progress notification now. Pure. */
export function deltaUiDue(lastMs: number, nowMs: number, everyMs = DELTA_UI_MS): boolean {
  return nowMs - lastMs >= everyMs;
}

/**
 * Where a test run ran, in the panel's words ("failed (exit 1, in the SALE terminal)"): the same facts as the
 * fallback notice, so the two never disagree (CommandResult.runner ids: see core/ports/commandRunner.ts).
 */
export function testRunnerLabel(runner: string): string {
  switch (runner) {
    case 'terminal':
      return 'in the SALE terminal';
    case 'terminal-fallback':
      return 'as a child process, not in the SALE terminal';
    case 'child-process':
      return 'as a child process';
    default:
      return runner;
  }
}
