import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAuction } from '../../../../src/core/auction/auction';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../../../src/core/auction/auctionSettings';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../../../src/core/task';
import { OpenAIChatModel } from '../../../../src/llm/chatModel';
import { agent } from '../../helpers/builders';
import { batchJury, FakeChatModel, logprobsWith, pairJury, PLAN, type ScriptStep } from '../../helpers/fakeChatModel';
import type { PromptKind } from '../../../../src/core/auction/prompts';
import type { ChatRequest } from '../../../../src/core/ports/chatModel';

const task: CodingTask = { id: 't1', title: 'Fix the date parser', body: 'parseDate fails on ISO strings', source: 'text', repo: 'r', testCommand: 'npm test' };
const ctx = { files: ['src/a.js'], testCommand: 'npm test' };

type PoolOpts = { logprobs?: boolean; mode?: 'batch' | 'pair' };

/** How agent `id` answers: its plan (300 tokens) when bidding or refining; plan "X" gets jury score juryOf[X]. */
function reply(id: string, juryOf: Record<string, number | string>, opts: PoolOpts) {
  return (kind: PromptKind | undefined, req: ChatRequest): ScriptStep => {
    if (kind === 'bid') return { text: PLAN(id), outputTokens: 300, logprobs: opts.logprobs === false ? undefined : logprobsWith(300, [0.5, 0.5]) };
    if (kind === 'refine') return { text: PLAN(`${id}-refined`), outputTokens: 300, logprobs: opts.logprobs === false ? undefined : logprobsWith(300, [0.5, 0.5]) };
    const scoreOf = (plan: string) => juryOf[/\((.*?)\)/.exec(plan)![1]];
    if (kind === 'juryBatch') return { text: batchJury(req, scoreOf) };
    if (kind === 'juryPair') return { text: pairJury(req, scoreOf) };
    return { text: '' };
  };
}

/** Pool of three where plan "X" gets jury score juryOf[X] from every judge; every plan is 300 tokens. */
function pool(juryOf: Record<string, number | string>, opts: PoolOpts = {}) {
  const ids = [['cheap', 0.05], ['mid', 0.16], ['big', 0.36]] as const;
  return ids.map(([id, price]) => FakeChatModel.byKind(agent(id, price), reply(id, juryOf, opts)));
}

describe('runAuction', () => {
  const weights = { cost: 10, entropy: 0, jury: {}, juryDefault: 0.25 };

  it('computes C, V and score exactly and picks the minimum C − V', async () => {
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 2, mid: 4, big: 5 }), settings: auctionSettings({ juryPanel: 'all', weights }) });
    const by = Object.fromEntries(rec.bids.map((b) => [b.agent, b]));
    // C = 10 · π · 300/1000; V = 3 judges · 0.25 · score.
    assert.ok(Math.abs(by.cheap.cost - 0.15) < 1e-9);
    assert.ok(Math.abs(by.big.cost - 1.08) < 1e-9);
    assert.ok(Math.abs(by.mid.value - 3) < 1e-9);
    assert.ok(Math.abs(by.big.score - (1.08 - 3.75)) < 1e-9);
    assert.equal(rec.winner, 'big');
    assert.equal(rec.bids[rec.winnerBidIndex!].agent, 'big');
  });

  it('takes startedAt and durationMs from the clock it is given', async () => {
    let t = Date.UTC(2030, 0, 2, 3, 4, 5);
    const clock = { now: () => (t += 250) - 250 };
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 2, mid: 4, big: 5 }), settings: auctionSettings({ juryPanel: 'all', weights }), clock });
    assert.equal(rec.startedAt, '2030-01-02T03:04:05.000Z');
    assert.equal(rec.durationMs, 250);
  });

  it('lets the cheaper plan win when the jury gap no longer covers the cost gap', async () => {
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 2, mid: 4, big: 4.5 }), settings: auctionSettings({ juryPanel: 'all', weights }) });
    assert.equal(rec.winner, 'mid');
    assert.match(rec.explanation.join('\n'), /mid wins/);
  });

  it('adds w_h · mean entropy (from top-k logprobs) to the value', async () => {
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 2, mid: 4, big: 5 }), settings: auctionSettings({ juryPanel: 'all', weights: { ...weights, entropy: 2 } }) });
    for (const b of rec.bids) {
      assert.ok(Math.abs(b.entropy! - Math.log(2)) < 1e-9);
      assert.ok(Math.abs(b.valueEntropy - 2 * Math.log(2)) < 1e-9);
    }
  });

  it('drops the entropy term for everyone, visibly, when logprobs are missing', async () => {
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 2, mid: 4, big: 5 }, { logprobs: false }), settings: auctionSettings({ juryPanel: 'all', weights: { ...weights, entropy: 2 } }) });
    assert.ok(rec.bids.every((b) => b.entropy === null && b.valueEntropy === 0));
    assert.match(rec.explanation.join('\n'), /Entropy term dropped/);
  });

  it('makes |A| jury calls per judge form and |A|² per pair form', async () => {
    const a = pool({ cheap: 2, mid: 4, big: 5 });
    await runAuction({ task, repoContext: ctx, models: a, settings: auctionSettings({ juryPanel: 'all', weights, juryMode: 'per-judge' }) });
    assert.equal(a.flatMap((m) => m.calls).filter((c) => c.kind === 'juryBatch').length, 3);
    const b = pool({ cheap: 2, mid: 4, big: 5 });
    const rec = await runAuction({ task, repoContext: ctx, models: b, settings: auctionSettings({ juryPanel: 'all', weights, juryMode: 'per-pair' }) });
    assert.equal(b.flatMap((m) => m.calls).filter((c) => c.kind === 'juryPair').length, 9);
    assert.equal(rec.winner, 'big');
    assert.ok(rec.usage.jury.calls === 9);
  });

  it('reads a jury score of "seven" as unreadable and scores the plan on the other judges', async () => {
    const models = pool({ cheap: 2, mid: 4, big: 5 });
    // The cheap judge answers nonsense for every plan.
    const honest = reply('cheap', { cheap: 2, mid: 4, big: 5 }, {});
    const bad = FakeChatModel.byKind(models[0].agent, (kind, req) => (kind === 'juryBatch' ? { text: batchJury(req, () => 'seven') } : honest(kind, req)));
    const rec = await runAuction({ task, repoContext: ctx, models: [bad, models[1], models[2]], settings: auctionSettings({ juryPanel: 'all', weights }) });
    const big = rec.bids.find((b) => b.agent === 'big')!;
    const fromCheap = big.jury.find((j) => j.judge === 'cheap')!;
    assert.equal(fromCheap.score, null);
    assert.match(fromCheap.note!, /unreadable/);
    assert.equal(big.juryMean, 5);
    // Rescaled: 2 readable judges of 3 stand for all three.
    assert.ok(Math.abs(big.valueJury - 3.75) < 1e-9);
  });

  it('survives a garbage bidder and an empty plan, and fails clearly if nobody bids', async () => {
    const models = pool({ cheap: 2, mid: 4, big: 5 });
    const empty = FakeChatModel.byKind(agent('empty', 0.01), (kind) => (kind === 'bid' ? { text: '   ' } : { text: '{}' }));
    const garbage = FakeChatModel.byKind(agent('garbage', 0.02), (kind) => (kind === 'bid' ? { text: '%%%% ### !!! 1234' } : { text: 'no idea' }));
    const rec = await runAuction({ task, repoContext: ctx, models: [...models, empty, garbage], settings: auctionSettings({ juryPanel: 'all', weights }) });
    assert.equal(rec.winner, 'big');
    assert.match(rec.bids.find((b) => b.agent === 'empty')!.error!, /empty plan/);
    assert.match(rec.bids.find((b) => b.agent === 'garbage')!.error!, /no readable text/);
    // The failed bidders are not judges: every valid plan got exactly three jury scores.
    assert.ok(rec.bids.filter((b) => !b.error).every((b) => b.jury.length === 3));
    await assert.rejects(runAuction({ task, repoContext: ctx, models: [empty, garbage], settings: auctionSettings({ juryPanel: 'all', weights }) }), /No agent could bid:[\s\S]*empty: empty plan/);
  });

  it('reports an endpoint that is down and one that times out, over real HTTP, and finishes with the rest', async () => {
    const hang = http.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      const down = new OpenAIChatModel(agent('down', 0.01, { baseUrl: 'http://127.0.0.1:1/v1', maxRetries: 0 }));
      const slow = new OpenAIChatModel(agent('slow', 0.02, { baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeoutMs: 300 }));
      const rec = await runAuction({ task, repoContext: ctx, models: [down, slow, ...pool({ cheap: 2, mid: 4, big: 5 })], settings: auctionSettings({ juryPanel: 'all', weights }) });
      assert.equal(rec.winner, 'big');
      assert.match(rec.bids.find((b) => b.agent === 'down')!.error!, /cannot reach http:\/\/127\.0\.0\.1:1\/v1/);
      assert.match(rec.bids.find((b) => b.agent === 'slow')!.error!, /timed out after 300 ms/);
      assert.match(rec.explanation.join('\n'), /down did not bid/);
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });
});

describe('refinement', () => {
  const weights = { cost: 0, entropy: 0, jury: {}, juryDefault: 0.25 };

  async function memoryWithPastAuction() {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const past = await runAuction({ task: { ...task, id: 'past', title: 'Fix the date formatter', body: 'formatDate fails on ISO strings' }, repoContext: ctx, models: pool({ cheap: 1, mid: 3, big: 5 }), settings: auctionSettings({ juryPanel: 'all', weights, refine: false }) });
    await memory.recordAuction({ ...task, id: 'past', title: 'Fix the date formatter', body: 'formatDate fails on ISO strings' }, past);
    return memory;
  }

  it('only strictly cheaper agents refine, and a strictly better refined bid replaces the winner', async () => {
    const memory = await memoryWithPastAuction();
    const models = pool({ cheap: 1, mid: 4, big: 3, 'cheap-refined': 5, 'mid-refined': 5, 'big-refined': 5 });
    const rec = await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', weights }), memory });
    assert.equal(rec.provisionalWinner, 'mid');
    const refiners = models.filter((m) => m.calls.some((c) => c.kind === 'refine')).map((m) => m.agent.id);
    assert.deepEqual(refiners, ['cheap']);
    assert.equal(rec.winner, 'cheap');
    assert.ok(rec.bids[rec.winnerBidIndex!].refined);
    assert.deepEqual(rec.refinements, [{ agent: 'cheap', examples: 1, replacedWinner: true }]);
    // The refine prompt carried the past pair with the agent's own losing plan.
    const refineUser = String(models[0].calls.find((c) => c.kind === 'refine')!.req.messages[1].content);
    assert.match(refineUser, /<losing-plan agent="cheap">/);
    assert.match(refineUser, /<winning-plan agent="big"/);
  });

  it('keeps the provisional winner when the refined bid is only equal', async () => {
    const memory = await memoryWithPastAuction();
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ cheap: 1, mid: 4, big: 3, 'cheap-refined': 4 }), settings: auctionSettings({ juryPanel: 'all', weights }), memory });
    assert.equal(rec.winner, 'mid');
    assert.equal(rec.refinements[0].replacedWinner, false);
    assert.equal(rec.bids.filter((b) => b.refined).length, 1);
  });

  it('does not refine when the provisional winner is already the cheapest', async () => {
    const memory = await memoryWithPastAuction();
    const models = pool({ cheap: 5, mid: 4, big: 3 });
    const rec = await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', weights }), memory });
    assert.equal(rec.winner, 'cheap');
    assert.equal(models.flatMap((m) => m.calls).filter((c) => c.kind === 'refine').length, 0);
  });
});
