import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { routingSettings } from '../../../src/core/routing/routingSettings';
import { type SolveSettings, solveTask } from '../../../src/core/solve';
import type { SaleEvent } from '../../../src/core/events';
import type { AuctionRecord } from '../../../src/core/auction/auctionRecord';
import type { ChatModel } from '../../../src/core/ports/chatModel';
import { addSolver } from '../helpers/fakeChatModel';
import { agent as testAgent, approveAll, auctionRecord, bid, task as nodeTask } from '../helpers/builders';
import { NODE_REPO, makeTempDir, removeDir, writeTree } from '../helpers/tempRepo';

/** Bids, judges (every judge rates `dear`'s plan 5 and the others' 3) and fixes add() when executing. */
const solver = (id: string, price: number): ChatModel => addSolver(testAgent(id, price), { fixes: true, scoreOf: (tag) => (tag === 'dear' ? 5 : 3) });

describe('solveTask: a held auction\'s winner by expected value (routing.auctionWinner)', function () {
  this.timeout(90_000);
  let root: string;
  const models = [solver('cheap', 0.1), solver('dear', 2)];
  beforeEach(async () => {
    root = await makeTempDir('sale-solve-value-winner-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  /**
   * `cheap` passed eight tasks much like this one with plans the jury scored 3, each for a tenth of what `dear`
   * charged for its own passes elsewhere.
   */
  async function seededMemory(): Promise<AuctionMemory> {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const run = async (id: string, title: string, executedBy: string, usd: number) => {
      const t = nodeTask({ id, title, body: 'add(a, b) must return the sum of a and b.' });
      const r = await memory.recordAuction(t, auctionRecord([bid(executedBy, { jury: [{ judge: 'cheap', score: 3 }] })], { taskId: id }));
      await memory.setOutcome(r.id, { executedBy, passed: true, turns: 4, tokens: 10_000, usd, kept: null, escalatedFrom: [] });
    };
    for (let i = 0; i < 8; i++) await run(`n${i}`, `Fix add() case ${i}`, 'cheap', 0.001);
    for (let i = 0; i < 2; i++) await run(`d${i}`, `Logger levels ${i}`, 'dear', 0.02);
    return memory;
  }

  const settings = (auctionWinner: 'score' | 'value'): SolveSettings => ({
    auction: auctionSettings({ refine: false }),
    budget: { maxTurns: 8, maxTokens: 200_000, maxUsd: 1 },
    escalation: { enabled: true, maxEscalations: 1, by: 'capability', handoff: true },
    // An auction for every task: the winner is the auction's to name.
    routing: routingSettings({ enabled: false, auctionWinner }),
  });

  for (const [auctionWinner, runs] of [['score', 'dear'], ['value', 'cheap']] as const) {
    it(`${auctionWinner}: ${runs} wins and runs${auctionWinner === 'value' ? ', the panel is told, and the record says why' : ''}`, async () => {
      const events: SaleEvent[] = [];
      const r = await solveTask({
        task: nodeTask(), root, models, memory: await seededMemory(), settings: settings(auctionWinner), runner: new ChildProcessCommandRunner(), approver: approveAll,
        onEvent: (e) => events.push(e),
      });
      assert.equal(r.auction.provisionalWinner, 'dear', 'the jury prefers dear\'s plan');
      assert.equal(r.auction.winner, runs);
      assert.equal(r.auction.bids[r.auction.winnerBidIndex!].agent, runs);
      assert.equal(r.execution?.attempts[0].agent, runs);
      assert.equal(r.passed, true);
      const done = events.filter((e): e is Extract<SaleEvent, { type: 'auction-done' }> => e.type === 'auction-done');
      assert.equal(done.at(-1)!.record.winner, runs, 'the last auction-done event names the winner that runs');
      assert.equal(r.auction.explanation.some((l) => l.startsWith('Winner by expected value: cheap')), auctionWinner === 'value');
      if (auctionWinner === 'value') {
        assert.match(r.auction.explanation[0], /^Winner by expected value/, 'the reason the winner runs comes first');
        assert.ok(r.auction.explanation.some((l) => /^dear has the best score, -?\d/.test(l)), r.auction.explanation.join('\n'));
        assert.ok(!r.auction.explanation.some((l) => / wins with score /.test(l)), 'only the agent that runs wins');
      } else {
        assert.ok(r.auction.explanation.some((l) => l.startsWith('dear wins with score ')));
      }
      await r.revert();
    });
  }

  it('value: an auction held on request after routing is reviewed with the winner that will run', async () => {
    const reviewed: AuctionRecord[] = [];
    // Routes as soon as memory holds anything similar.
    const routing = routingSettings({ auctionWinner: 'value', minEvidence: 0, regretPerAuction: 1e9, exploreRate: 0 });
    const r = await solveTask({
      task: nodeTask(), root, models, memory: await seededMemory(), settings: { ...settings('value'), routing }, runner: new ChildProcessCommandRunner(), approver: approveAll,
      review: async (rec) => {
        reviewed.push(rec);
        return reviewed.length === 1 ? { action: 'auction' } : { action: 'run', bidIndex: rec.winnerBidIndex! };
      },
    });
    assert.equal(reviewed[0].routing?.mode, 'routed');
    assert.equal(reviewed[1].routing?.cause, 'forced');
    assert.equal(reviewed[1].provisionalWinner, 'dear');
    assert.equal(reviewed[1].winner, 'cheap', 'the review sees the value pick, not the score\'s');
    assert.equal(r.overridden, false, 'running the reviewed winner is no override');
    assert.equal(r.execution?.attempts[0].agent, 'cheap');
    await r.revert();
  });
});
