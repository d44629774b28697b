import * as assert from 'node:assert/strict';
import type { AuctionRecord, Bid } from '../../../../src/core/auction/auctionRecord';
import type { SaleEvent } from '../../../../src/core/events';
import { ChildProcessCommandRunner } from '../../../../src/core/execution/childProcessRunner';
import { executeWithEscalation, nextEscalationBid } from '../../../../src/core/execution/executeWinner';
import { CancelSource } from '../../../../src/core/ports/cancel';
import { NO_PLAN } from '../../../../src/core/auction/prompts';
import { placeholderBid } from '../../../../src/core/routing/routedRecord';
import { agent, approveAll, auctionRecord, bid, task, usageTotals } from '../../helpers/builders';
import { call, FakeChatModel } from '../../helpers/fakeChatModel';
import { makeTempDir, NODE_REPO, removeDir, treeSnapshot, writeTree } from '../../helpers/tempRepo';

/** The auction behind `bids`: the first won; the bids cost `auctionUsd` (1,000 input tokens). */
function recordOf(bids: Bid[], auctionUsd = 0): AuctionRecord {
  return auctionRecord(bids, {
    taskId: 'add-fix', startedAt: new Date(0).toISOString(),
    usage: { bids: usageTotals({ usd: auctionUsd, inputTokens: 1000, calls: bids.length }), jury: usageTotals(), refinement: usageTotals() },
  });
}

const FIX = { path: 'src/add.js', search: 'return a - b;', replace: 'return a + b;' };

/** A model that makes a wrong change and insists on finishing. */
const failing = (id: string, price: number) =>
  new FakeChatModel(agent(id, price), [
    { toolCalls: [call('write_file', { path: 'src/add.js', content: `// ${id} was here\nmodule.exports = { add: () => 0 };\n` }), call('write_file', { path: `${id}-notes.txt`, content: 'x' })] },
    { toolCalls: [call('finish', { summary: 'done' })] },
    { toolCalls: [call('finish', { summary: 'done' })] },
  ]);

describe('executeWithEscalation', () => {
  let root: string;
  let original: Record<string, string>;
  const runner = new ChildProcessCommandRunner();
  beforeEach(async () => {
    root = await makeTempDir('sale-esc-');
    await writeTree(root, { ...NODE_REPO, 'user-untracked.txt': 'user work\n' });
    original = await treeSnapshot(root);
  });
  afterEach(() => removeDir(root));

  const common = { task: task(), runner, approver: approveAll, budget: { maxTurns: 10, maxTokens: 1e7, maxUsd: 100 } };

  it('after a failure, restores the workspace exactly and runs the best bid of a strictly more expensive agent — never a cheaper or equal one', async () => {
    let treeSeenByLarge: Record<string, string> | undefined;
    const large = new FakeChatModel(agent('large', 3), async (_req, n) => {
      if (n === 0) treeSeenByLarge = await treeSnapshot(root);
      return [
        { toolCalls: [call('edit_file', FIX), call('run_tests', {})] },
        { toolCalls: [call('finish', { summary: 'fixed' })] },
      ][n];
    });
    const models = {
      small: failing('small', 1),
      cheap: failing('cheap', 0.1),
      equal: failing('equal', 1),
      mid: failing('mid', 2),
      large,
    };
    const bids = [
      bid('small', { pricePerMTok: 1, score: -0.5 }),
      bid('cheap', { pricePerMTok: 0.1, score: -9 }), // best score of all, but cheaper
      bid('equal', { pricePerMTok: 1, score: -8 }), // same price as the failed agent
      bid('mid', { pricePerMTok: 2, score: 1.5 }),
      bid('large', { pricePerMTok: 3, score: 0.2 }), // best score among the strictly more expensive
      bid('mid', { pricePerMTok: 2, score: 0.9, refined: true, round: 1 }),
    ];
    const record = recordOf(bids);
    const res = await executeWithEscalation({ ...common, record, chosen: bids[0], models, root, escalation: { enabled: true } });
    assert.deepEqual(res.attempts.map((a) => a.agent), ['small', 'large']);
    assert.deepEqual(res.escalatedFrom, ['small']);
    assert.equal(res.attempts[0].reason, 'tests-failed');
    assert.equal(res.final.passed, true);
    assert.equal(models.cheap.calls.length + models.equal.calls.length + models.mid.calls.length, 0);
    assert.deepEqual(treeSeenByLarge, original, 'the second agent started from the exact prior state');
    assert.deepEqual(res.final.filesChanged, ['src/add.js'], "the failed attempt's files are gone");
    assert.equal(res.reverts.length, 1);
    assert.deepEqual(res.reverts[0].removed, ['small-notes.txt']);
    // Accepting nothing: the journal can still undo everything.
    await res.journal.revert();
    assert.deepEqual(await treeSnapshot(root), original);
  });

  it('an escalation target that did not bid runs the plan planFor wrote for it, and that plan is paid in its attempt', async () => {
    const seen: string[] = [];
    const large = new FakeChatModel(agent('large', 3), async (req, n) => {
      if (n === 0) seen.push(req.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n'));
      return [
        { toolCalls: [call('edit_file', FIX), call('run_tests', {})] },
        { toolCalls: [call('finish', { summary: 'fixed' })] },
      ][n];
    });
    const models = { small: failing('small', 1), large };
    const routed = placeholderBid(models.small);
    const record = recordOf([routed]);
    const capability = { agents: new Map([['small', { mean: 0.4, expectedUsd: 0.001 }], ['large', { mean: 0.8, expectedUsd: 0.002 }]]), value: 1, discount: 0.6 };
    const asked: { agent: string; usd: number }[] = [];
    const planFor = async (m: { agent: { id: string } }, spent: { tokens: number; usd: number }) => {
      asked.push({ agent: m.agent.id, usd: spent.usd });
      return { bid: { ...placeholderBid(models.large), raw: '## Approach\nAdd, do not subtract: the plan from memory.' }, usage: { inputTokens: 100, outputTokens: 50, usd: 0.25 }, note: 'large wrote its plan from 2 similar past tasks here.' };
    };
    const escalation = { enabled: true, by: 'capability' as const };
    const res = await executeWithEscalation({ ...common, record, chosen: routed, models, root, escalation, capability, planFor });
    assert.deepEqual(res.attempts.map((a) => a.agent), ['small', 'large']);
    assert.equal(res.final.passed, true);
    assert.deepEqual(asked.map((a) => a.agent), ['large'], 'asked once, for the target only');
    assert.ok(asked[0].usd >= res.attempts[0].usd, 'planFor sees what the task spent so far');
    assert.match(seen[0], /Add, do not subtract: the plan from memory\./, 'the escalated agent runs the plan');
    assert.doesNotMatch(seen[0], new RegExp(NO_PLAN.slice(0, 30)));
    // The plan's cost is in the escalated attempt (its own turns cost well under a cent here).
    assert.ok(res.attempts[1].usd >= 0.25 && res.attempts[1].usd < 0.26, `escalated attempt $${res.attempts[1].usd}`);
    assert.ok(res.attempts[0].usd < 0.01, 'the first attempt is not charged for it');
    assert.ok(res.attempts[1].outputTokens >= 50);
  });

  it('escalates along strictly rising prices up to maxEscalations, never re-running an agent', async () => {
    const models = { a: failing('a', 1), b: failing('b', 2), c: failing('c', 3), d: failing('d', 4) };
    const bids = [bid('a', { pricePerMTok: 1, score: 0 }), bid('c', { pricePerMTok: 3, score: 0.1 }), bid('b', { pricePerMTok: 2, score: 0.3 }), bid('d', { pricePerMTok: 4, score: 0.5 })];
    const res = await executeWithEscalation({ ...common, record: recordOf(bids), chosen: bids[0], models, root, escalation: { enabled: true, maxEscalations: 2 } });
    // From a ($1): best of {b, c, d} is c (0.1). From c ($3): only d is more expensive.
    assert.deepEqual(res.attempts.map((x) => x.agent), ['a', 'c', 'd']);
    for (let i = 1; i < res.attempts.length; i++) {
      const prev = bids.find((b) => b.agent === res.attempts[i - 1].agent)!;
      const cur = bids.find((b) => b.agent === res.attempts[i].agent)!;
      assert.ok(cur.pricePerMTok > prev.pricePerMTok);
    }
    assert.equal(models.b.calls.length, 0);
    assert.equal(res.final.passed, false);
    assert.match(res.escalationNote ?? '', /limit \(2\)/);
    await res.journal.revert();
    assert.deepEqual(await treeSnapshot(root), original);
  });

  it('does not escalate when off, or when no strictly more expensive bid exists', async () => {
    const models = { a: failing('a', 1), b: failing('b', 1) };
    const bids = [bid('a', { pricePerMTok: 1, score: 0 }), bid('b', { pricePerMTok: 1, score: -1 })];
    const events: SaleEvent[] = [];
    const off = await executeWithEscalation({ ...common, record: recordOf(bids), chosen: bids[0], models, root, escalation: { enabled: false }, onEvent: (e) => events.push(e) });
    assert.equal(off.attempts.length, 1);
    assert.match(off.escalationNote ?? '', /off/);
    assert.deepEqual(events.filter((e) => e.type === 'exec-stopped'), [{ type: 'exec-stopped', agent: 'a', note: off.escalationNote }], 'the panel is told why nobody else tried');
    await off.journal.revert();
    const none = await executeWithEscalation({ ...common, record: recordOf(bids), chosen: bids[0], models, root, escalation: { enabled: true, maxEscalations: 3 } });
    assert.equal(none.attempts.length, 1);
    assert.equal(models.b.calls.length, 0);
    assert.match(none.escalationNote ?? '', /No bid from an agent more expensive than a/);
  });

  it('the dollar budget is per task: the auction and earlier attempts count, and an exhausted budget does not escalate', async () => {
    const spender = (id: string, price: number) => {
      let n = 0;
      const m = new FakeChatModel(agent(id, price), () => ({ toolCalls: [call('read_file', { path: 'src/add.js', startLine: 1 + (n++ % 3) })] }));
      m.spendAll = true;
      return m;
    };
    const models = { a: spender('a', 1), b: spender('b', 2) };
    const bids = [bid('a', { pricePerMTok: 1, score: 0 }), bid('b', { pricePerMTok: 2, score: 0 })];
    const auctionUsd = 0.004;
    const maxUsd = 0.02;
    const res = await executeWithEscalation({
      ...common, task: task({ testCommand: 'exit 1' }), budget: { maxTurns: 1000, maxTokens: 1e9, maxUsd },
      record: recordOf(bids, auctionUsd), chosen: bids[0], models, root, escalation: { enabled: true }, loop: { loopDetection: { stopAfter: 1000 } },
    });
    assert.equal(res.attempts[0].reason, 'budget-usd');
    assert.equal(res.attempts.length, 1, 'no escalation once the task budget is spent');
    assert.equal(models.b.calls.length, 0);
    const total = auctionUsd + res.attempts.reduce((n, a) => n + a.usd, 0);
    assert.ok(total <= maxUsd + 1e-12, `spent ${total}`);
    // The turn limit is per attempt: an attempt stopped by it escalates, and the next attempt sees what was spent.
    await res.journal.revert();
    const models2 = { a: spender('a', 1), b: spender('b', 2) };
    // Room for four full turns (the tool specs and prompt count as input), so only the turn limit stops each attempt.
    const maxUsd2 = 2 * maxUsd;
    const res2 = await executeWithEscalation({
      ...common, task: task({ testCommand: 'exit 1' }), budget: { maxTurns: 2, maxTokens: 1e9, maxUsd: maxUsd2 },
      record: recordOf(bids, auctionUsd), chosen: bids[0], models: models2, root, escalation: { enabled: true }, loop: { loopDetection: { stopAfter: 1000 } },
    });
    assert.deepEqual(res2.attempts.map((a) => a.reason), ['budget-turns', 'budget-turns']);
    const total2 = auctionUsd + res2.attempts.reduce((n, a) => n + a.usd, 0);
    assert.ok(total2 <= maxUsd2 + 1e-12, `spent ${total2}`);
  });

  it('cancel: no escalation, and the workspace is as before', async () => {
    const cancel = new CancelSource();
    const a = new FakeChatModel(agent('a', 1), async (req, n) => {
      if (n === 0) return { toolCalls: [call('write_file', { path: 'src/add.js', content: 'x' })] };
      setTimeout(() => cancel.cancel(), 20);
      await new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      return {};
    });
    const b = failing('b', 5);
    const bids = [bid('a', { pricePerMTok: 1, score: 0 }), bid('b', { pricePerMTok: 5, score: 0 })];
    const res = await executeWithEscalation({ ...common, record: recordOf(bids), chosen: bids[0], models: { a, b }, root, escalation: { enabled: true }, signal: cancel });
    assert.equal(res.final.reason, 'cancelled');
    assert.equal(res.attempts.length, 1);
    assert.equal(b.calls.length, 0);
    assert.deepEqual(await treeSnapshot(root), original);
  });
});

describe('nextEscalationBid', () => {
  it('only strictly more expensive agents, no failed bids, no agent twice, lowest score first (ties: cheaper, then refined)', () => {
    const failed = bid('a', { pricePerMTok: 1, score: 0 });
    const bids = [
      failed,
      bid('eq', { pricePerMTok: 1, score: -10 }),
      bid('cheap', { pricePerMTok: 0.5, score: -10 }),
      bid('broken', { pricePerMTok: 9, score: -10, error: 'timeout' }),
      bid('x', { pricePerMTok: 3, score: 1 }),
      bid('y', { pricePerMTok: 2, score: 1 }),
      bid('y', { pricePerMTok: 2, score: 1, refined: true, round: 1 }),
    ];
    const next = nextEscalationBid(bids, failed, new Set(['a']));
    assert.equal(next?.agent, 'y');
    assert.equal(next?.refined, true);
    assert.equal(nextEscalationBid(bids, failed, new Set(['a', 'y']))?.agent, 'x');
    assert.equal(nextEscalationBid(bids, failed, new Set(['a', 'x', 'y'])), undefined);
    assert.equal(nextEscalationBid(bids, bid('top', { pricePerMTok: 9, score: 0 }), new Set()), undefined);
  });
});
