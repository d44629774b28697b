/**
 * Replays `sale`'s learned routing and escalation offline over a bench's results.json, so `sale calibrate
 * --routing` can fit the routing thresholds on some orders and check them on the others without running models.
 *
 * What a replayed task needs is in the results, paired by order (every policy got the same success draw for an
 * agent on a task): each agent's outcome and dollars on the task, from the oracle's runs (plan-less runs, the same
 * draw as a routed run or an unrefined bid); and the auction the task would get, from a run of an auction policy
 * that held one on every task (`sale-routing`, else `sale-no-memory`): its original bids' jury scores (the
 * provisional winner is the lowest score) and its auction dollars. Approximations, said plainly: refinement is not
 * replayed (the provisional winner executes), a hand-off's extra prompt tokens are not counted, and the oracle's
 * run of an agent stands for that agent's escalated attempt. The decisions themselves are the real code
 * (routeTask, nextCapableAgent) over a real AuctionMemory.
 */
import { resolve } from 'node:path';
import type { AuctionRecord, Bid } from '../core/auction/auctionRecord';
import { auctionSettings } from '../core/auction/auctionSettings';
import { nextCapableAgent } from '../core/execution/executeWinner';
import { AuctionMemory } from '../core/memory/auctionMemory';
import { InMemoryStore } from '../core/memory/jsonlMemoryStore';
import { auctionJury, escalationCapability, routeTask } from '../core/routing/routeTask';
import type { RoutingSettings } from '../core/routing/routingSettings';
import { loadSuite } from '../core/suite';
import type { ChatModel } from '../core/ports/chatModel';
import { suiteCodingTask } from './policies';
import type { BenchResults, TaskRun } from './results';

export interface ReplayOrder {
  order: number;
  tasks: number;
  passed: number;
  usd: number;
  auctionUsd: number;
  /** Auction dollars and all dollars over the second half of the stream (memory warm). */
  warmAuctionUsd: number;
  warmUsd: number;
  auctions: number;
  referencePassed: number;
  referenceUsd: number;
  referenceExecuted: number;
}

export interface ReplayData {
  results: BenchResults;
  tasks: Map<string, ReturnType<typeof suiteCodingTask>>;
  oracle: Map<string, TaskRun>;
  auction: Map<string, TaskRun>;
  agents: { id: string; price: number }[];
}

const key = (order: number, taskId: string) => `${order}/${taskId}`;

export function replayData(results: BenchResults, suiteDir = results.suite.path): ReplayData {
  const source = (['sale-routing', 'sale-no-memory'] as const).find((p) => results.runs.some((r) => r.policy === p));
  if (!results.runs.some((r) => r.policy === 'oracle') || !source) {
    throw new Error('the routing replay needs the oracle runs and an auction on every task (policy sale-routing or sale-no-memory) in the results');
  }
  const suite = loadSuite(resolve(suiteDir));
  const tasks = new Map(suite.map((e) => [e.task.id, suiteCodingTask(e)]));
  const pick = (p: string) => new Map(results.runs.filter((r) => r.policy === p).map((r) => [key(r.order, r.taskId), r]));
  return { results, tasks, oracle: pick('oracle'), auction: pick(source), agents: results.pool.agents.map((a) => ({ id: a.id, price: a.price })) };
}

function bidOf(b: NonNullable<TaskRun['bids']>[number]): Bid {
  return {
    agent: b.agent, model: b.agent, round: b.round, refined: b.round > 0, raw: '', plan: { approach: '', files: [], commands: [], steps: [], risks: '', verification: '', sectionsFound: [] },
    tokens: b.tokens, entropy: b.entropy, jury: b.jury, juryMean: null, pricePerMTok: b.price, cost: 0, valueEntropy: 0, valueJury: 0, value: 0,
    score: b.score, estimatedExecUsd: 0, bidUsd: 0,
  };
}

/** Replays one order's stream under `settings`; returns its totals. */
export async function replayOrder(data: ReplayData, order: number, settings: RoutingSettings): Promise<ReplayOrder> {
  const memory = await AuctionMemory.open(new InMemoryStore());
  const stream = data.results.orders.find((o) => o.order === order)?.tasks ?? [];
  const reference = data.results.pool.largest;
  const models = new Map(data.agents.map((a) => [a.id, {} as ChatModel]));
  const out: ReplayOrder = { order, tasks: 0, passed: 0, usd: 0, auctionUsd: 0, warmAuctionUsd: 0, warmUsd: 0, auctions: 0, referencePassed: 0, referenceUsd: 0, referenceExecuted: 0 };
  const requestSeed = data.results.orders.find((o) => o.order === order)?.requestSeed;
  for (const [i, id] of stream.entries()) {
    const task = data.tasks.get(id);
    const oracle = data.oracle.get(key(order, id));
    const auctionRun = data.auction.get(key(order, id));
    if (!task || !oracle || !auctionRun) continue;
    const attempt = (agent: string) => oracle.attempts.find((a) => a.agent === agent);
    const decision = routeTask({ memory, task, agents: data.agents, settings, escalation: true, ...(requestSeed !== undefined ? { seed: requestSeed } : {}) });
    const routed = decision.mode === 'routed' && decision.agent !== null;
    const bids = routed ? [] : (auctionRun.bids ?? []).filter((b) => b.round === 0).map(bidOf);
    const first = routed ? decision.agent! : [...bids].sort((a, b) => a.score - b.score)[0]?.agent ?? auctionRun.chosen;
    if (!first) continue;
    const auctionUsd = routed ? 0 : auctionRun.auction.usd;
    const record: AuctionRecord = {
      taskId: id, startedAt: '', durationMs: 0, juryMode: 'per-judge', weights: auctionSettings().weights, bids, provisionalWinner: first, winner: first,
      winnerBidIndex: 0, refinements: [], explanation: [], usage: { bids: { inputTokens: 0, outputTokens: 0, usd: auctionUsd, calls: 0 }, jury: zero(), refinement: zero() },
      routing: decision,
    };
    const executed = [first];
    let a = attempt(first);
    let usd = a?.usd ?? 0;
    let tokens = a?.tokens ?? 0;
    if (a && !a.passed) {
      const cap = escalationCapability(memory, task, data.agents, settings, { jury: auctionJury(record) });
      const next = nextCapableAgent(cap, { agent: first, turns: a.turns, outputTokens: a.outputTokens }, new Set([first]), models);
      const b = next.agent ? attempt(next.agent) : undefined;
      if (b) {
        executed.push(b.agent);
        usd += b.usd;
        tokens += b.tokens;
        a = b;
      }
    }
    const passed = !!a?.passed;
    const rec = await memory.recordAuction(task, record);
    await memory.setOutcome(rec.id, {
      executedBy: executed[executed.length - 1], passed, turns: 0, tokens, usd, kept: null, escalatedFrom: executed.slice(0, -1), overridden: false,
    });
    const total = usd + auctionUsd;
    out.tasks++;
    if (passed) out.passed++;
    out.usd += total;
    out.auctionUsd += auctionUsd;
    if (!routed) out.auctions++;
    if (i >= Math.floor(stream.length / 2)) {
      out.warmUsd += total;
      out.warmAuctionUsd += auctionUsd;
    }
    if (executed.includes(reference)) out.referenceExecuted++;
    const ref = attempt(reference);
    if (ref?.passed) out.referencePassed++;
    out.referenceUsd += ref?.usd ?? 0;
  }
  return out;
}

const zero = () => ({ inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 });

export interface ReplaySummary {
  orders: number;
  pass: number;
  referencePass: number;
  /** SALE's dollars over the reference agent's. */
  dollarsVsReference: number;
  usdPerSolved: number;
  warmAuctionShare: number;
  auctionRate: number;
  referenceExecutedShare: number;
}

export function summariseReplay(rows: ReplayOrder[]): ReplaySummary {
  const sum = (f: (r: ReplayOrder) => number) => rows.reduce((s, r) => s + f(r), 0);
  const tasks = sum((r) => r.tasks);
  return {
    orders: rows.length,
    pass: sum((r) => r.passed) / tasks,
    referencePass: sum((r) => r.referencePassed) / tasks,
    dollarsVsReference: sum((r) => r.usd) / sum((r) => r.referenceUsd),
    usdPerSolved: sum((r) => r.usd) / Math.max(1, sum((r) => r.passed)),
    warmAuctionShare: sum((r) => r.warmAuctionUsd) / Math.max(1e-12, sum((r) => r.warmUsd)),
    auctionRate: sum((r) => r.auctions) / tasks,
    referenceExecutedShare: sum((r) => r.referenceExecuted) / tasks,
  };
}
