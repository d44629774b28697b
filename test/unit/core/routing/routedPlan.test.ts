import assert from 'node:assert/strict';
import { TaskBudget } from '../../../../src/core/callBudget';
import type { AuctionRecord, Bid } from '../../../../src/core/auction/auctionRecord';
import { NO_PLAN, PROMPT_HEADERS } from '../../../../src/core/auction/prompts';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import { CancelSource } from '../../../../src/core/ports/cancel';
import { planFromMemory } from '../../../../src/core/routing/routedPlan';
import { placeholderBid, routedAuctionRecord } from '../../../../src/core/routing/routedRecord';
import { auctionCostHere } from '../../../../src/core/routing/routeTask';
import type { RoutingDecision } from '../../../../src/core/routing/routingRecord';
import { auctionSettings } from '../../../../src/core/auction/auctionSettings';
import type { CodingTask } from '../../../../src/core/task';
import { agent, bid as aBid } from '../../helpers/builders';
import { FakeChatModel, PLAN, userText } from '../../helpers/fakeChatModel';

const task = (id: string, title: string): CodingTask => ({ id, title, body: `${title} in the parser module`, source: 'suite', repo: 'demo' });

const bid = (a: string, score: number, raw: string): Bid => aBid(a, { score, raw, jury: [{ judge: a, score: 3 }] });

function held(id: string, winner: string, bids: Bid[]): AuctionRecord {
  const usage = { inputTokens: 10, outputTokens: 10, usd: 0.004, calls: 1 };
  return { taskId: id, startedAt: '', durationMs: 1, juryMode: 'per-judge', weights: { cost: 1, entropy: 1, jury: {}, juryDefault: 0.25 },
    bids, provisionalWinner: winner, winner, winnerBidIndex: bids.findIndex((b) => b.agent === winner), refinements: [], explanation: [], usage: { bids: usage, jury: usage, refinement: usage } };
}

const decision: RoutingDecision = { mode: 'routed', cause: 'routed', agent: 'small', reason: 'Routed from memory: small passed 3 of 3.', evidence: { passed: 3, of: 3, similar: 3 }, confidence: 0.9, estimates: [] };

const outcome = (executedBy: string, passed: boolean) => ({ executedBy, passed, turns: 3, tokens: 1000, usd: 0.001, kept: null, escalatedFrom: [], overridden: false });

/** A memory with one passed auction (big's plan won), one failed one, and one routed task whose plan passed. */
async function memoryWithHistory(): Promise<AuctionMemory> {
  const m = await AuctionMemory.open(new InMemoryStore());
  const a = await m.recordAuction(task('a', 'Fix quoted commas in parseCsv'), held('a', 'big', [bid('small', -1, 'small plan A'), bid('big', -2, 'big plan A')]));
  await m.setOutcome(a.id, outcome('big', true));
  const b = await m.recordAuction(task('b', 'Fix escaped quotes in parseCsv'), held('b', 'big', [bid('small', -1, 'small plan B'), bid('big', -2, 'big plan B')]));
  await m.setOutcome(b.id, outcome('big', false));
  const model = FakeChatModel.byKind(agent('small', 0.05), () => ({}));
  const routedBid = { ...placeholderBid(model), raw: 'small routed plan C' };
  const c = await m.recordAuction(task('c', 'Fix trailing commas in parseCsv'), routedAuctionRecord('c', model, decision, auctionSettings(), { bid: routedBid, usage: { inputTokens: 5, outputTokens: 5, usd: 0.0001, calls: 1 }, examples: 1, note: '' }));
  await m.setOutcome(c.id, outcome('small', true));
  return m;
}

describe('a routed agent plans from memory (issue 8, core/routing/routedPlan)', () => {
  it('retrieveWins gives the winning plans of similar passed tasks, whoever wrote them, and skips failed executions', async () => {
    const m = await memoryWithHistory();
    const wins = m.retrieveWins(task('d', 'Fix quoted newlines in parseCsv'), 8, { labels: 'outcome' });
    const plans = wins.map((w) => w.winning.plan).sort();
    assert.deepEqual(plans, ['big plan A', 'small routed plan C']);
    assert.equal(wins.find((w) => w.winning.plan === 'big plan A')!.losing?.plan, 'small plan A');
    assert.equal(wins.find((w) => w.winning.plan === 'small routed plan C')!.losing, undefined);
  });

  it('memory keeps a routed plan but never the no-plan placeholder', async () => {
    const m = await AuctionMemory.open(new InMemoryStore());
    const model = FakeChatModel.byKind(agent('small', 0.05), () => ({}));
    const bare = await m.recordAuction(task('e', 'Fix x'), routedAuctionRecord('e', model, decision, auctionSettings()));
    assert.deepEqual(bare.bids, []);
    const planned = await m.recordAuction(task('f', 'Fix y'), routedAuctionRecord('f', model, decision, auctionSettings(), { bid: { ...placeholderBid(model), raw: 'a plan' }, usage: { inputTokens: 1, outputTokens: 1, usd: 0.0001, calls: 1 }, examples: 2, note: 'small wrote its plan' }));
    assert.deepEqual(planned.bids.map((b) => b.plan), ['a plan']);
  });

  it('with failures, a memory whose similar tasks all failed still gives a plan call, the failure labelled so', async () => {
    const m = await AuctionMemory.open(new InMemoryStore());
    const b = await m.recordAuction(task('b', 'Fix escaped quotes in parseCsv'), held('b', 'big', [bid('small', -1, 'small plan B'), bid('big', -2, 'big plan B')]));
    await m.setOutcome(b.id, outcome('big', false));
    const model = FakeChatModel.byKind(agent('small', 0.05), () => ({ text: PLAN('from a failure') }));
    const input = { model, task: task('d', 'Fix quoted newlines in parseCsv'), repoContext: { files: [] }, memory: m, settings: auctionSettings(), examples: 3 };
    const none = await planFromMemory({ ...input, failures: false });
    assert.equal(none.examples, 0);
    assert.equal(model.calls.length, 0, 'nothing to show, no call');
    const p = await planFromMemory({ ...input, failures: true });
    assert.equal(p.examples, 1);
    assert.equal(model.calls.length, 1);
    assert.match(userText(model.calls[0].req), /<winning-plan agent="big" tests-passed="false">\nbig plan B/);
    assert.match(p.bid.raw, /from a failure/);
    assert.match(p.note, /from 1 similar past task here, which failed \(\$/, 'the review says the example failed');
    const mixed = await planFromMemory({ ...input, memory: await memoryWithHistory(), failures: true });
    assert.equal(mixed.examples, 3);
    assert.match(mixed.note, /from 3 similar past tasks here, 1 of which failed \(\$/);
  });

  it('writes the plan in one budgeted call with the examples in the prompt, and bills it', async () => {
    const m = await memoryWithHistory();
    const model = FakeChatModel.byKind(agent('small', 0.05), () => ({ text: PLAN('from memory') }));
    const p = await planFromMemory({ model, task: task('d', 'Fix quoted newlines in parseCsv'), repoContext: { files: ['src/csv.js'] }, memory: m, settings: auctionSettings(), examples: 3, failures: false });
    assert.equal(model.calls.length, 1);
    const sys = String(model.calls[0].req.messages[0].content);
    assert.ok(sys.startsWith(PROMPT_HEADERS.refine), 'shares the refine header (a refinement from memory)');
    const user = userText(model.calls[0].req);
    assert.match(user, /<winning-plan agent="big" tests-passed="true">\nbig plan A/);
    assert.match(user, /small routed plan C/);
    assert.doesNotMatch(user, /big plan B/, 'a failed execution is no example');
    assert.equal(p.examples, 2);
    assert.equal(p.bid.raw, PLAN('from memory'));
    assert.ok(p.bid.plan.sectionsFound.includes('Approach'));
    assert.equal(p.usage.calls, 1);
    assert.ok(p.usage.usd > 0 && p.bid.bidUsd === p.usage.usd);
    assert.match(p.note, /small wrote its plan from 2 similar past tasks here/);
    const record = routedAuctionRecord('d', model, decision, auctionSettings(), p);
    assert.equal(record.usage.refinement.usd, p.usage.usd);
    assert.deepEqual(record.explanation, [decision.reason, p.note]);
  });

  it('makes no call when memory has no winning plan, and falls back to no plan when the call fails or does not fit the budget', async () => {
    const empty = await AuctionMemory.open(new InMemoryStore());
    const idle = FakeChatModel.byKind(agent('small', 0.05), () => ({ text: PLAN('x') }));
    const none = await planFromMemory({ model: idle, task: task('d', 'Fix parseCsv'), repoContext: { files: [] }, memory: empty, settings: auctionSettings(), examples: 3, failures: false });
    assert.equal(idle.calls.length, 0);
    assert.equal(none.bid.raw, NO_PLAN);
    assert.equal(none.usage.usd, 0);

    const m = await memoryWithHistory();
    const failing = FakeChatModel.byKind(agent('small', 0.05), () => ({ error: new Error('connection refused') }));
    const failed = await planFromMemory({ model: failing, task: task('d', 'Fix quoted newlines in parseCsv'), repoContext: { files: [] }, memory: m, settings: auctionSettings(), examples: 3, failures: false });
    assert.equal(failed.bid.raw, NO_PLAN);
    assert.match(failed.note, /could not write a plan from memory \(connection refused\): it works without a plan/);

    const dear = FakeChatModel.byKind(agent('small', 50), () => ({ text: PLAN('x') }));
    const over = await planFromMemory({ model: dear, task: task('d', 'Fix quoted newlines in parseCsv'), repoContext: { files: [] }, memory: m, settings: auctionSettings(), examples: 3, failures: false, budget: new TaskBudget({ maxUsd: 0.0001, maxTokens: 400_000 }) });
    assert.equal(dear.calls.length, 0, 'the worst case did not fit: no call');
    assert.equal(over.bid.raw, NO_PLAN);
    assert.match(over.note, /not started/);
  });

  it('a cancelled run stops instead of falling back', async () => {
    const m = await memoryWithHistory();
    const cancel = new CancelSource();
    const model = FakeChatModel.byKind(agent('small', 0.05), () => {
      cancel.cancel();
      return { error: new Error('aborted') };
    });
    await assert.rejects(planFromMemory({ model, task: task('d', 'Fix quoted newlines in parseCsv'), repoContext: { files: [] }, memory: m, settings: auctionSettings(), examples: 3, failures: false, signal: cancel }), /cancel/i);
  });

  it('what an auction costs here counts held auctions only, not routed plans', () => {
    assert.equal(auctionCostHere([{ auctionUsd: 0.004 }, { auctionUsd: 0.0001, routing: { mode: 'routed' } }, { auctionUsd: 0.002, routing: { mode: 'auction' } }]), 0.003);
    assert.equal(auctionCostHere([{ auctionUsd: 0.0001, routing: { mode: 'routed' } }]), undefined);
  });
});
