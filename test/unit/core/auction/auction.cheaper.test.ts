import assert from 'node:assert/strict';
import { runAuction } from '../../../../src/core/auction/auction';
import { auctionSettings } from '../../../../src/core/auction/auctionSettings';
import { detectPromptKindOf } from '../../../../src/core/auction/prompts';
import { bestPossibleScore } from '../../../../src/core/auction/scoreBounds';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import type { CodingTask } from '../../../../src/core/task';
import { OpenAIChatModel } from '../../../../src/llm/chatModel';
import { parsePoolConfig } from '../../../../src/llm/poolConfig';
import { startSimServer } from '../../../../src/sim/server';
import { agent } from '../../helpers/builders';
import { batchJury, FakeChatModel, logprobsWith, PLAN } from '../../helpers/fakeChatModel';

const task: CodingTask = { id: 't1', title: 'Fix the date parser', body: 'parseDate fails on ISO strings', source: 'text', repo: 'r', testCommand: 'npm test' };
const pastTask: CodingTask = { ...task, id: 'past', title: 'Fix the date formatter', body: 'formatDate fails on ISO strings' };
const ctx = { files: ['src/a.js'], testCommand: 'npm test' };

interface PoolOpts {
  /** Jury score of each plan tag, from every judge (per judge: `byJudge`). */
  jury: Record<string, number>;
  byJudge?: Record<string, Record<string, number>>;
  /** Top-k probabilities of each plan tag's tokens (entropy); default [0.5, 0.5]. */
  probs?: Record<string, number[]>;
  /** Plan length of each tag; default 300. */
  tokens?: Record<string, number>;
}

/** cheap 0.05, mid 0.16, big 0.36 $/MTok; plan "X" is scored by `jury[X]` and carries the entropy of `probs[X]`. */
function pool(o: PoolOpts) {
  const ids = [['cheap', 0.05], ['mid', 0.16], ['big', 0.36]] as const;
  return ids.map(([id, price]) =>
    FakeChatModel.byKind(agent(id, price), (kind, req) => {
      const tag = kind === 'refine' ? `${id}-refined` : id;
      if (kind === 'bid' || kind === 'refine') {
        const n = o.tokens?.[tag] ?? 300;
        return { text: PLAN(tag), outputTokens: n, logprobs: logprobsWith(n, o.probs?.[tag] ?? [0.5, 0.5]) };
      }
      if (kind === 'juryBatch') return { text: batchJury(req, (plan) => (o.byJudge?.[id] ?? o.jury)[/\((.*?)\)/.exec(plan)![1]] ?? 0) };
      return { text: '' };
    }),
  );
}

async function memoryWithPastAuction() {
  const memory = await AuctionMemory.open(new InMemoryStore());
  const past = await runAuction({ task: pastTask, repoContext: ctx, models: pool({ jury: { cheap: 1, mid: 3, big: 5 } }), settings: auctionSettings({ juryPanel: 'all', refine: false }) });
  await memory.recordAuction(pastTask, past);
  return memory;
}

const calls = (models: FakeChatModel[], kind: string) => models.flatMap((m) => m.calls).filter((c) => c.kind === kind).length;

describe('cheaper auction: jury of the cheaper half', () => {
  const weights = { cost: 10, entropy: 0, jury: {}, juryDefault: 0.25 };

  it('asks only the cheaper half, and its mean stands in for the full jury on the same scale', async () => {
    const full = pool({ jury: { cheap: 2, mid: 4, big: 3 } });
    const cheapJury = pool({ jury: { cheap: 2, mid: 4, big: 3 } });
    const a = await runAuction({ task, repoContext: ctx, models: full, settings: auctionSettings({ juryPanel: 'all', weights, refine: false }) });
    const b = await runAuction({ task, repoContext: ctx, models: cheapJury, settings: auctionSettings({ weights, refine: false, juryPanel: 'cheaper-half' }) });
    assert.deepEqual(cheapJury.map((m) => m.calls.filter((c) => c.kind === 'juryBatch').length), [1, 1, 0], 'big does not judge');
    assert.deepEqual(b.bids[0].jury.map((j) => j.judge), ['cheap', 'mid']);
    // Unanimous judges: the two-judge panel gives exactly the three-judge value.
    assert.deepEqual(b.bids.map((x) => x.valueJury), a.bids.map((x) => x.valueJury));
    assert.equal(b.bids[1].valueJury, 0.75 * 4);
    assert.equal(b.winner, a.winner);
    assert.ok(b.usage.jury.usd < a.usage.jury.usd);
    assert.match(b.explanation.join('\n'), /Jury: cheap, mid \(the cheaper half of the pool\)/);
  });

  it('when the cheap judges disagree with the dear one, their verdict is what counts (the risk this switch takes)', async () => {
    const byJudge = { cheap: { cheap: 4, mid: 3, big: 1 }, mid: { cheap: 4, mid: 3, big: 1 }, big: { cheap: 0, mid: 5, big: 1 } };
    const rec = await runAuction({ task, repoContext: ctx, models: pool({ jury: {}, byJudge }), settings: auctionSettings({ weights, refine: false, juryPanel: 'cheaper-half' }) });
    assert.equal(rec.winner, 'cheap');
    const all = await runAuction({ task, repoContext: ctx, models: pool({ jury: {}, byJudge }), settings: auctionSettings({ juryPanel: 'all', weights, refine: false }) });
    assert.equal(all.winner, 'mid');
  });
});

describe('cheaper auction: skipping refinement that cannot change the winner', () => {
  it('bounds a bid by the ranges of its terms: cost floor, entropy ≤ ln 5, every judge at 5', () => {
    const w = { cost: 10, entropy: 1, jury: { big: 0.5 }, juryDefault: 0.25 };
    const best = bestPossibleScore(w, { pricePerMTok: 0.05, useEntropy: true, panel: ['cheap', 'big'] });
    assert.ok(Math.abs(best - (10 * 0.05 * 0.001 - Math.log(5) - 5 * 0.75)) < 1e-12);
    const known = bestPossibleScore(w, { pricePerMTok: 0.05, planTokens: 2000, entropy: 0.3, useEntropy: true, panel: ['cheap', 'big'] });
    assert.ok(Math.abs(known - (1 - 0.3 - 3.75)) < 1e-12);
    assert.equal(bestPossibleScore(w, { pricePerMTok: 0.05, planTokens: 1000, useEntropy: false, panel: ['cheap'] }), 0.5 - 1.25);
  });

  const weights = { cost: 0, entropy: 0, jury: {}, juryDefault: 0.25 };

  it('skips the refinement when even a perfect refined bid could only tie the winner (and the winner is the same)', async () => {
    const jury = { cheap: 1, mid: 5, big: 3, 'cheap-refined': 5 };
    const on = pool({ jury });
    const rec = await runAuction({ task, repoContext: ctx, models: on, settings: auctionSettings({ juryPanel: 'all', weights, skipUselessRefinement: true }), memory: await memoryWithPastAuction() });
    assert.equal(calls(on, 'refine'), 0);
    assert.equal(rec.winner, 'mid');
    assert.match(rec.refinements[0].skipped ?? '', /could not beat/);
    assert.match(rec.explanation.join('\n'), /Refinement by cheap skipped/);

    const off = pool({ jury });
    const base = await runAuction({ task, repoContext: ctx, models: off, settings: auctionSettings({ juryPanel: 'all', weights }), memory: await memoryWithPastAuction() });
    assert.equal(calls(off, 'refine'), 1, 'without the switch the useless refinement is paid for');
    assert.equal(base.winner, 'mid', 'and it changes nothing');
    assert.ok(base.usage.refinement.usd > rec.usage.refinement.usd);
  });

  it('does NOT skip when the refined bid could still win through a higher entropy (skipping would be wrong)', async () => {
    // The winner has every judge at 5 but entropy ln 2; a refined plan may reach ln 5 and so beat it. A rule
    // that looked only at the jury (or assumed the refined plan's entropy is like its first plan's) would skip.
    const w = { cost: 0, entropy: 1, jury: {}, juryDefault: 0.25 };
    // Every bid sends five alternatives (entropy is measured at the common top-k, entropy.ts): the first-round
    // plans are peaked (≈ ln 2), the refined one uniform (ln 5).
    const peaked = [0.5, 0.4997, 0.0001, 0.0001, 0.0001];
    const models = pool({ jury: { cheap: 1, mid: 5, big: 3, 'cheap-refined': 5 }, probs: { cheap: peaked, mid: peaked, big: peaked, 'cheap-refined': [0.2, 0.2, 0.2, 0.2, 0.2] } });
    const rec = await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', weights: w, skipUselessRefinement: true }), memory: await memoryWithPastAuction() });
    assert.equal(calls(models, 'refine'), 1);
    assert.equal(rec.provisionalWinner, 'mid');
    assert.equal(rec.winner, 'cheap', 'the refined bid won, as it would without the switch');
    assert.ok(rec.bids[rec.winnerBidIndex!].refined);
    assert.equal(rec.refinements[0].skipped, undefined);
  });

  it('does NOT skip when the winner is strong but a refined bid with a perfect jury still beats it', async () => {
    const models = pool({ jury: { cheap: 1, mid: 4, big: 3, 'cheap-refined': 5 } });
    const rec = await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', weights, skipUselessRefinement: true }), memory: await memoryWithPastAuction() });
    assert.equal(rec.winner, 'cheap');
    assert.ok(rec.bids[rec.winnerBidIndex!].refined);
  });

  it('does not judge a refined plan whose known cost already rules it out, and keeps judging one that could win', async () => {
    const w = { cost: 10, entropy: 0, jury: {}, juryDefault: 0.25 };
    // mid: C 0.48, V 3.75 → −3.27. cheap's refined plan is 2,000 tokens: C ≥ 1.0, so at best 1.0 − 3.75 = −2.75.
    const jury = { cheap: 1, mid: 5, big: 3, 'cheap-refined': 5 };
    const on = pool({ jury, tokens: { 'cheap-refined': 2000 } });
    const rec = await runAuction({ task, repoContext: ctx, models: on, settings: auctionSettings({ juryPanel: 'all', weights: w, skipUselessRefinement: true }), memory: await memoryWithPastAuction() });
    assert.equal(calls(on, 'refine'), 1, 'before it was written, the refined plan could have won');
    assert.equal(calls(on, 'juryBatch'), 3, 'one jury round only: the refined plan was not judged');
    const refined = rec.bids.find((b) => b.refined)!;
    assert.deepEqual(refined.jury, []);
    assert.match(rec.refinements[0].skipped ?? '', /not judged/);
    assert.equal(rec.winner, 'mid');

    const off = pool({ jury, tokens: { 'cheap-refined': 2000 } });
    const base = await runAuction({ task, repoContext: ctx, models: off, settings: auctionSettings({ juryPanel: 'all', weights: w }), memory: await memoryWithPastAuction() });
    assert.equal(calls(off, 'juryBatch'), 6);
    assert.equal(base.winner, 'mid', 'the jury it skipped would not have changed the winner');

    // Same plan at 300 tokens (C 0.15): it can win, so it is judged — and wins.
    const short = pool({ jury });
    const won = await runAuction({ task, repoContext: ctx, models: short, settings: auctionSettings({ juryPanel: 'all', weights: w, skipUselessRefinement: true }), memory: await memoryWithPastAuction() });
    assert.equal(calls(short, 'juryBatch'), 6);
    assert.equal(won.winner, 'cheap');
  });
});

describe('cheaper auction: shared-prefix prompt layout', () => {
  it('every call of an auction to one model starts with the same system message; bid and jury repeat the task; refine leads with its examples', async () => {
    const models = pool({ jury: { cheap: 1, mid: 4, big: 3, 'cheap-refined': 5 } });
    await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', promptLayout: 'shared-prefix' }), memory: await memoryWithPastAuction() });
    const cheap = models[0].calls.map((c) => c.req.messages.map((m) => String(m.content)));
    assert.deepEqual(cheap.map((_, i) => models[0].calls[i].kind), ['bid', 'juryBatch', 'refine', 'juryBatch']);
    for (const msgs of cheap) assert.equal(msgs[0], cheap[0][0]);
    assert.equal(cheap[1][1], cheap[0][1], 'the jury call repeats the bid\'s task message');
    assert.match(cheap[2][1], /^<examples>/, 'refine: examples first (they repeat across similar tasks)');
    for (const c of models[0].calls) assert.equal(detectPromptKindOf(c.req.messages), c.kind, 'the kind is in the last message');
  });

  it('the paper layout is untouched: one system prompt per kind, task and repository in one user message', async () => {
    const models = pool({ jury: { cheap: 1, mid: 4, big: 3 } });
    await runAuction({ task, repoContext: ctx, models, settings: auctionSettings({ juryPanel: 'all', refine: false }) });
    const bid = models[0].calls[0].req.messages;
    assert.equal(bid.length, 2);
    assert.match(String(bid[0].content), /^SALE bid v1\n/);
    assert.match(String(bid[1].content), /^<task>[\s\S]*<repository>/);
  });

  it('over the simulator: the same answers in both layouts, and only the shared layout is served from cache', async () => {
    const pool = parsePoolConfig({
      sim: { seed: 2, latency: { msPerToken: 0 }, cache: { minPrefixTokens: 0, blockTokens: 8 } },
      agents: [['s', 0.05], ['m', 0.16], ['l', 0.36]].map(([id, p]) => ({ id, provider: 'sim', model: id, price: { inputPerMTok: p, outputPerMTok: p, cachedInputPerMTok: (p as number) / 4 } })),
    });
    const run = async (layout: 'paper' | 'shared-prefix') => {
      const sim = await startSimServer({ pool });
      try {
        const models = pool.agents.map((a) => new OpenAIChatModel(a, { baseUrl: sim.url }));
        const big = { ...ctx, files: Array.from({ length: 60 }, (_, i) => `src/module${i}/index.js`) };
        return await runAuction({ task, repoContext: big, models, settings: auctionSettings({ juryPanel: 'all', seed: 5, refine: false, promptLayout: layout }) });
      } finally {
        await sim.close();
      }
    };
    const paper = await run('paper');
    const shared = await run('shared-prefix');
    assert.deepEqual(shared.bids.map((b) => [b.agent, b.raw, b.jury.map((j) => j.score)]), paper.bids.map((b) => [b.agent, b.raw, b.jury.map((j) => j.score)]));
    assert.equal(shared.winner, paper.winner);
    assert.ok(shared.usage.jury.cachedInputTokens! > 0, 'each judge\'s jury call repeats its bid\'s system message and task');
    assert.ok(shared.usage.jury.usd < paper.usage.jury.usd);
    // Within the paper layout nothing of a jury call repeats an earlier call to the same model.
    assert.equal(paper.usage.jury.cachedInputTokens, 0);
  });
});
