/**
 * Routing and escalation estimates for one task from an AuctionMemory: the glue between memory and the pure
 * estimate/decision modules, shared by solveTask and the bench's routing replay (`sale calibrate --routing`).
 */
import type { AuctionRecord } from '../auction/auctionRecord';
import { bestBidPerAgent } from '../auction/bestBids';
import type { CapabilityEstimates } from '../execution/executeWinner';
import { fitEscalationCalibration } from './escalationCalibration';
import type { AuctionMemory, MemoryReader } from '../memory/auctionMemory';
import type { CodingTask } from '../task';
import { taskText } from '../task';
import { type AgentEstimate, type RoutingAgent, estimateAgents, juryMeanOf } from './agentEstimates';
import { decideRoute } from './routeDecision';
import type { RoutingDecision } from './routingRecord';
import type { RoutingSettings } from './routingSettings';

type TaskView = Pick<CodingTask, 'id' | 'title' | 'body' | 'focusFiles' | 'repo'>;

/** What estimatesFor adds to memory's evidence, or leaves out of it. */
export interface EstimateExtras {
  /** This task's own auction's jury (each agent's jurors' mean), counted as one outcome. */
  jury?: ReadonlyMap<string, number>;
  /** False: no neighbour evidence, only what the whole repository's memory says (and the jury). */
  neighbours?: boolean;
}

export function estimatesFor(memory: MemoryReader, task: TaskView, agents: RoutingAgent[], rs: RoutingSettings, extras: EstimateExtras = {}): AgentEstimate[] {
  const similar = extras.neighbours === false ? [] : memory.similar(task, rs.neighbours);
  return estimateAgents({ agents, similar, all: memory.records(), repo: task.repo, settings: rs, taskText: taskText(task), ...(extras.jury ? { jury: extras.jury } : {}) });
}

/**
 * Mean dollars of the auctions held in this memory (what routing weighs an auction's information against). A
 * routed task's plan from memory is no auction and does not count.
 */
export function auctionCostHere(records: { auctionUsd: number; routing?: { mode: string } }[]): number | undefined {
  const held = records.filter((r) => r.auctionUsd > 0 && r.routing?.mode !== 'routed');
  return held.length ? held.reduce((s, r) => s + r.auctionUsd, 0) / held.length : undefined;
}

export interface RouteTaskInput {
  memory: AuctionMemory;
  task: TaskView;
  agents: RoutingAgent[];
  settings: RoutingSettings;
  escalation: boolean;
  /** Seed of the run (exploration draws are reproducible). */
  seed?: number;
  forceAuction?: boolean;
}

export function routeTask(input: RouteTaskInput): RoutingDecision {
  const { memory, task, settings } = input;
  const price = (id: string) => input.agents.find((a) => a.id === id)?.price ?? Infinity;
  const auctionUsd = auctionCostHere(memory.records());
  return decideRoute({
    estimates: estimatesFor(memory, task, input.agents, settings),
    settings,
    similar: memory.similar(task, settings.neighbours).length,
    escalation: input.escalation,
    price,
    exploreKey: `${input.seed ?? ''}|${task.id}|${memory.size}`,
    ...(input.forceAuction ? { forceAuction: true } : {}),
    ...(auctionUsd !== undefined ? { auctionUsd } : {}),
  });
}

/** Each agent's jurors' mean for its best-scored plan in this auction (none when the task was routed). */
export function auctionJury(a: Pick<AuctionRecord, 'bids' | 'routing'>): Map<string, number> | undefined {
  if (a.routing?.mode === 'routed') return undefined;
  const out = new Map<string, number>();
  for (const [agent, b] of bestBidPerAgent(a.bids)) {
    const m = juryMeanOf(b.jury);
    if (m !== null) out.set(agent, m);
  }
  return out;
}

/**
 * Escalation by capability: this task's estimates (memory + this auction's jury) and what a pass is worth. Agents
 * in `without` are no escalation targets: their plans for this very task were rated too low (checkedRoute.ts), and
 * memory's estimate of them is about tasks like it. Measured on the default world (seed 2): 21 of 29 escalations went
 * to such an agent, and 1 of them passed.
 */
export function capabilityFor(est: AgentEstimate[], rs: RoutingSettings, without: readonly string[] = []): CapabilityEstimates {
  return {
    agents: new Map(est.filter((e) => !without.includes(e.agent)).map((e) => [e.agent, { mean: e.mean, expectedUsd: e.expectedUsd }])),
    value: rs.valueMultiple * Math.max(...est.map((e) => e.expectedUsd)),
    discount: rs.escalationDiscount,
  };
}

/**
 * The estimates escalation climbs by, after the task's first attempt failed: the repository's memory plus this
 * auction's jury; the task's neighbours count unless `escalationNeighbours` is off. `memory` must read without the
 * task's own record (`AuctionMemory.without`): written before the task runs, it would be its own best match and
 * shrink every real neighbour to a sliver.
 */
export function escalationCapability(
  memory: MemoryReader, task: TaskView, agents: RoutingAgent[], rs: RoutingSettings,
  context: { jury?: ReadonlyMap<string, number>; without?: readonly string[] },
): CapabilityEstimates {
  const est = estimatesFor(memory, task, agents, rs, { jury: context.jury, neighbours: rs.escalationNeighbours });
  const cap = capabilityFor(est, rs, context.without);
  if (!rs.escalationCalibration) return cap;
  const calibration = fitEscalationCalibration(memory.records());
  return calibration.observations >= rs.escalationCalibrationMinRuns ? { ...cap, calibration } : cap;
}
