import assert from 'node:assert/strict';
import { runAuction } from '../../../../src/core/auction/auction';
import { auctionSettings } from '../../../../src/core/auction/auctionSettings';
import { SaleError } from '../../../../src/core/errors';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import { agent } from '../../helpers/builders';
import { batchJury, FakeChatModel, PLAN } from '../../helpers/fakeChatModel';

describe('auction with thinking and long prompts (core/auction/auction.ts)', () => {
  const task = { id: 't', title: 'Fix add', body: 'add() subtracts', source: 'text' as const, repo: 'r' };

  it('trims the repository context and retries once after "context length exceeded"', async () => {
    const seen: number[] = [];
    const m = FakeChatModel.byKind(agent('a', 0.1), (kind, req) => {
      if (kind === 'bid') {
        const user = String(req.messages[1].content);
        seen.push(user.length);
        if (seen.length === 1) return { error: new SaleError('too long', 'context-length') };
        return { text: PLAN('a') };
      }
      return { text: batchJury(req, () => 4) };
    });
    const files = Array.from({ length: 400 }, (_, i) => `src/file${i}.js`);
    const rec = await runAuction({ task, repoContext: { files }, models: [m], settings: auctionSettings({ refine: false }) });
    assert.equal(seen.length, 2);
    assert.ok(seen[1] < seen[0] / 2, `second prompt smaller (${seen[0]} → ${seen[1]})`);
    assert.equal(rec.bids[0].error, undefined);
  });

  it('gives up after one retry with the error, and bids from other agents still count', async () => {
    const tooLong = FakeChatModel.byKind(agent('a', 0.1), (kind, req) => (kind === 'bid' ? { error: new SaleError('still too long', 'context-length') } : { text: batchJury(req, () => 3) }));
    const fine = FakeChatModel.byKind(agent('b', 0.2), (kind, req) => (kind === 'bid' ? { text: PLAN('b') } : { text: batchJury(req, () => 3) }));
    const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models: [tooLong, fine], settings: auctionSettings({ refine: false }) });
    assert.equal(tooLong.calls.filter((c) => c.kind === 'bid').length, 2);
    assert.match(rec.bids[0].error!, /still too long/);
    assert.equal(rec.winner, 'b');
  });

  it('bills thoughts but keeps them out of plan tokens, entropy and memory; a plan lost to thinking says why', async () => {
    const thinker = FakeChatModel.byKind(agent('t', 0.1), (kind, req) => (kind === 'bid'
      ? { text: PLAN('t'), thoughts: 'secret musings', reasoningTokens: 300, inputTokens: 10, outputTokens: 350, usd: 1e-4 }
      : { text: batchJury(req, () => 4), inputTokens: 10, outputTokens: 20, usd: 1e-6 }));
    // Its whole allowance went to thoughts: no plan text, every billed token a thinking token.
    const lostThinking = FakeChatModel.byKind(agent('l', 0.05), (kind, req) => (kind === 'bid' ? { text: '', reasoningTokens: 400, outputTokens: 400 } : { text: batchJury(req, () => 4) }));
    const memory = await AuctionMemory.open(new InMemoryStore());
    const rec = await runAuction({ task, repoContext: { files: ['a.js'] }, models: [thinker, lostThinking], settings: auctionSettings({ refine: false, useEntropy: false }), memory });
    const b = rec.bids.find((x) => x.agent === 't')!;
    assert.equal(b.tokens, 50, 'C counts 350 billed − 300 thinking tokens');
    assert.equal(b.thinkingTokens, 300);
    assert.equal(b.thoughts, 'secret musings');
    assert.equal(b.bidUsd, 1e-4, 'thoughts are billed');
    assert.match(rec.bids.find((x) => x.agent === 'l')!.error!, /spent its whole budget thinking/);
    const stored = await memory.recordAuction(task, rec);
    assert.doesNotMatch(JSON.stringify(stored), /secret musings/);
    assert.match(JSON.stringify(stored), /## Approach/, 'the plan itself is stored');
  });
});
