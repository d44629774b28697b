import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import type { AuctionRecord } from '../../../src/core/auction/auctionRecord';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { detectPromptKindOf } from '../../../src/core/auction/prompts';
import { routingSettings } from '../../../src/core/routing/routingSettings';
import { routeTask } from '../../../src/core/routing/routeTask';
import { type ReviewDecision, type SolveSettings, solveTask } from '../../../src/core/solve';
import type { ChatModel, ChatRequest, ChatResult } from '../../../src/core/ports/chatModel';
import { PLAN, batchJury, call, pairJury } from '../helpers/fakeChatModel';
import { agent as testAgent, approveAll, task as nodeTask } from '../helpers/builders';
import { NODE_REPO, makeTempDir, removeDir, writeTree } from '../helpers/tempRepo';

/** A model that bids, judges (a routed plan's check with `check.scoreOf(plan)`) and fixes add(); counts its calls by prompt kind. */
function solver(id: string, price: number, calls: Map<string, number>, check: { scoreOf: (plan: string) => number } = { scoreOf: () => 4 }): ChatModel {
  const agent = testAgent(id, price);
  return {
    agent,
    async chat(req: ChatRequest): Promise<ChatResult> {
      const kind = detectPromptKindOf(req.messages) ?? 'unknown';
      calls.set(kind, (calls.get(kind) ?? 0) + 1);
      const base = { toolCalls: [] as ChatResult['toolCalls'], inputTokens: 50, outputTokens: 50, usd: 1e-5, finishReason: 'stop', latencyMs: 0 };
      if (kind === 'bid' || kind === 'refine') return { ...base, text: PLAN(id) };
      if (kind === 'juryBatch') return { ...base, text: batchJury(req, () => 4) };
      if (kind === 'juryPair') return { ...base, text: pairJury(req, check.scoreOf) };
      const turn = req.messages.filter((m) => m.role === 'assistant').length;
      const script = [
        call('edit_file', { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' }),
        call('run_tests', {}),
        call('finish', { summary: 'fixed' }),
      ];
      return { ...base, text: '', toolCalls: [script[Math.min(turn, 2)]], finishReason: 'tool_calls' };
    },
  };
}

describe('solveTask: "Hold the auction anyway" and "Retry with another bid" (issues 8, 11)', function () {
  this.timeout(90_000);
  let root: string;
  const calls = new Map<string, number>();
  const check = { scoreOf: (_plan: string): number => 4 };
  const models = [solver('a', 0.1, calls, check), solver('b', 0.3, calls, check)];
  const base = { auction: auctionSettings({}), budget: { maxTurns: 8, maxTokens: 100_000, maxUsd: 1 }, escalation: { enabled: false } };
  // Routes as soon as memory holds anything similar (the thresholds are routing's own tests' business).
  const routeReadily: SolveSettings = { ...base, routing: routingSettings({ minEvidence: 0, regretPerAuction: 1e9, exploreRate: 0 }) };
  // The same, with the plan check on (it is off by default).
  const routeChecked: SolveSettings = { ...base, routing: routingSettings({ minEvidence: 0, regretPerAuction: 1e9, exploreRate: 0, checkPlan: true }) };
  beforeEach(async () => {
    check.scoreOf = () => 4;
    root = await makeTempDir('sale-solve-routing-');
    await writeTree(root, NODE_REPO);
    calls.clear();
  });
  afterEach(() => removeDir(root));

  /** The agent memory routes the task to now (no model call). */
  const routingFor = (memory: AuctionMemory) => routeTask({ memory, task: nodeTask(), agents: models.map((m) => ({ id: m.agent.id, price: m.agent.price.inputPerMTok })), settings: routeReadily.routing!, escalation: false }).agent;

  const solve = (memory: AuctionMemory, settings: SolveSettings, review?: (r: AuctionRecord) => Promise<ReviewDecision>, extra: { reuseAuction?: AuctionRecord } = {}) =>
    solveTask({ task: nodeTask(), root, models, memory, settings, runner: new ChildProcessCommandRunner(), approver: approveAll, ...(review ? { review } : {}), ...extra });

  it('a routed task asks first; "auction" holds the full auction in the same run and reviews its record instead', async () => {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const seeded = await solve(memory, base);
    assert.equal(seeded.passed, true);
    await seeded.revert();
    calls.clear();
    const reviewed: AuctionRecord[] = [];
    const r = await solve(memory, routeReadily, async (rec) => {
      reviewed.push(rec);
      return reviewed.length === 1 ? { action: 'auction' } : { action: 'run', bidIndex: rec.winnerBidIndex! };
    });
    assert.equal(reviewed.length, 2);
    assert.equal(reviewed[0].routing?.mode, 'routed', 'memory routed the task first');
    assert.equal(reviewed[0].bids.length, 1);
    assert.equal(reviewed[1].routing?.mode, 'auction');
    assert.equal(reviewed[1].routing?.cause, 'forced');
    assert.deepEqual(new Set(reviewed[1].bids.map((b) => b.agent)), new Set(['a', 'b']), 'every agent bid');
    assert.ok((calls.get('bid') ?? 0) >= 2);
    assert.ok(r.totals.auctionUsd > 0);
    // The routed plan from memory was paid for before the auction was held: it stays in the task's spend.
    const planUsd = reviewed[0].usage.refinement.usd;
    assert.ok(planUsd > 0, 'the routed task wrote a plan from memory');
    const held = reviewed[1].usage;
    assert.ok(Math.abs(r.totals.auctionUsd - (held.bids.usd + held.jury.usd + held.refinement.usd)) < 1e-12);
    assert.ok(held.refinement.usd >= planUsd - 1e-12, `refinement $${held.refinement.usd} counts the plan's $${planUsd}`);
    assert.equal(r.passed, true);
    // One memory record for the task, the auction's (not also the routed placeholder).
    assert.equal(memory.records().length, 2);
    assert.equal(memory.get(r.memoryRecordId)?.routing?.cause, 'forced');
    assert.match(memory.get(r.memoryRecordId)?.routing?.reason ?? '', /on request/);
    await r.revert();
  });

  it('checks a routed plan first: rated low, the next agent memory ranks writes and checks its own; none good enough, the auction is held among the others', async () => {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const seeded = await solve(memory, base);
    await seeded.revert();
    // Without the check (the default) nothing judges the routed plan.
    calls.clear();
    const unchecked = await solve(memory, routeReadily);
    assert.equal(unchecked.auction.routing?.mode, 'routed');
    assert.equal(calls.get('juryPair') ?? 0, 0);
    await unchecked.revert();
    const first = routingFor(memory);
    const other = first === 'a' ? 'b' : 'a';
    // The first agent's plan is rated 1, the other's 5: the task goes to the other without an auction.
    calls.clear();
    check.scoreOf = (plan) => (plan.includes(`(${first})`) ? 1 : 5);
    const next = await solve(memory, routeChecked);
    assert.equal(next.auction.routing?.mode, 'routed');
    assert.equal(next.auction.routing?.agent, other);
    assert.match(next.auction.routing?.reason ?? '', new RegExp(`^Routed from memory to ${other}: the plan check rated ${first}'s plan too low`));
    assert.equal(calls.get('bid') ?? 0, 0, 'no auction');
    assert.equal(calls.get('juryPair'), 2, 'two checks');
    assert.equal(calls.get('refine'), 2, 'two plans from memory');
    assert.deepEqual(next.auction.bids.map((b) => [b.agent, b.jury.map((j) => j.score)]), [[other, [5]]], 'the plan that runs, with its check');
    assert.equal(next.auction.usage.jury.calls, 2, 'both checks are in the spend');
    assert.equal(next.auction.usage.refinement.calls, 2, 'both plans are in the spend');
    assert.equal(next.execution?.final.agent, other);
    await next.revert();

    // With no second agent to ask (checkSteps 0), a plan rated too low sends the task to the auction among the others.
    calls.clear();
    check.scoreOf = () => 1;
    const reviewed: AuctionRecord[] = [];
    const low = await solve(memory, { ...routeChecked, routing: { ...routeChecked.routing!, checkSteps: 0 } }, async (rec) => {
      reviewed.push(rec);
      return { action: 'run', bidIndex: rec.winnerBidIndex! };
    });
    assert.equal(calls.get('juryPair'), 1, 'one check call: the one other agent of the pool');
    assert.equal(reviewed.length, 1, 'the user reviews the auction, not the rejected routing');
    assert.equal(low.auction.routing?.mode, 'auction');
    assert.equal(low.auction.routing?.cause, 'check');
    assert.match(low.auction.routing?.reason ?? '', /^Plan check: .*'s plan was rated too low for this task \(Plan check failed: .* 1\.0 of 5.*\): auction held among the others\.$/);
    assert.ok((calls.get('bid') ?? 0) >= 1, 'an auction was held');
    assert.ok(low.auction.bids.length >= 1 && low.auction.bids.every((b) => b.agent !== low.auction.routing?.agent), 'the agent whose plan failed its check does not bid again');
    const held = low.auction.usage;
    assert.ok(held.jury.calls >= 2, 'the held jury plus the check');
    assert.ok(Math.abs(low.totals.auctionUsd - (held.bids.usd + held.jury.usd + held.refinement.usd)) < 1e-12);
    assert.equal(memory.get(low.memoryRecordId)?.routing?.cause, 'check');
    await low.revert();

    calls.clear();
    check.scoreOf = () => 5;
    const high = await solve(memory, routeChecked);
    assert.equal(high.auction.routing?.mode, 'routed');
    assert.equal(calls.get('bid') ?? 0, 0, 'no auction');
    assert.equal(calls.get('juryPair'), 1);
    assert.deepEqual(high.auction.bids[0].jury.map((j) => j.score), [5], 'the check\'s score is kept with the routed plan');
    assert.equal(high.auction.usage.jury.calls, 1);
    assert.match(high.auction.explanation.at(-1)!, /Plan checked: .* 5\.0 of 5/);
    assert.equal(high.passed, true);
    await high.revert();
  });

  it('refuses "auction" at the review of a task that already had an auction, before anything runs', async () => {
    const memory = await AuctionMemory.open(new InMemoryStore());
    await assert.rejects(solve(memory, base, async () => ({ action: 'auction' })), /only for a task routed from memory/);
    assert.equal(calls.get('execute') ?? 0, 0, 'nothing executed');
  });

  it('reuseAuction runs the chosen bid of an auction already held: no bid or jury call, nothing counted for the auction', async () => {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const first = await solve(memory, base);
    await first.revert();
    const other = first.auction.bids.findIndex((b) => b.agent !== first.auction.winner);
    assert.ok(other >= 0);
    calls.clear();
    const r = await solve(memory, routeReadily, async () => ({ action: 'run', bidIndex: other }), { reuseAuction: first.auction });
    assert.equal(calls.get('bid') ?? 0, 0);
    assert.equal(calls.get('juryBatch') ?? 0, 0);
    assert.equal(r.totals.auctionUsd, 0);
    assert.equal(r.execution?.final.agent, first.auction.bids[other].agent);
    assert.equal(r.auction.routing, first.auction.routing, 'no routing decision was taken');
    assert.match(r.auction.explanation.at(-1)!, /without a new auction/);
    await r.revert();
  });
});
