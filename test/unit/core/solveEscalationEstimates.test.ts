import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { auctionSettings } from '../../../src/core/auction/auctionSettings';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { routingSettings } from '../../../src/core/routing/routingSettings';
import { type SolveSettings, solveTask } from '../../../src/core/solve';
import type { ChatModel } from '../../../src/core/ports/chatModel';
import { addSolver } from '../helpers/fakeChatModel';
import { agent as testAgent, approveAll, auctionRecord, bid, task as nodeTask } from '../helpers/builders';
import { NODE_REPO, makeTempDir, removeDir, writeTree } from '../helpers/tempRepo';

/** A model that bids and judges (every plan 4); in execution it fixes add() when `fixes`, else runs the tests and gives up. */
const solver = (id: string, price: number, fixes: boolean): ChatModel => addSolver(testAgent(id, price), { fixes, scoreOf: () => 4 });

describe('solveTask: the estimates escalation climbs by (issue 8)', function () {
  this.timeout(90_000);
  let root: string;
  // b and c cost the same, so escalation's choice between them is the estimates' alone.
  const models = [solver('a', 0.1, false), solver('b', 0.2, true), solver('c', 0.2, true)];
  beforeEach(async () => {
    root = await makeTempDir('sale-solve-escalation-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  /**
   * Memory: on three tasks much like this one (its BM25 neighbours) `c` failed and `b` passed after it; on six tasks
   * about other code `b` failed and `c` passed after it. The repository as a whole trusts `c`; the neighbours, `b`; and `a` failed three tasks of its own.
   */
  async function seededMemory(): Promise<AuctionMemory> {
    const memory = await AuctionMemory.open(new InMemoryStore());
    const run = async (id: string, title: string, body: string, executedBy: string, escalatedFrom: string[] = [], passed = true) => {
      const t = nodeTask({ id, title, body });
      const r = await memory.recordAuction(t, auctionRecord([bid(executedBy)], { taskId: id }));
      await memory.setOutcome(r.id, { executedBy, passed, turns: 4, tokens: 10_000, usd: 0.002, kept: null, escalatedFrom });
    };
    for (let i = 0; i < 3; i++) await run(`n${i}`, `Fix add() case ${i}`, 'add(a, b) must return the sum of a and b.', 'b', ['c']);
    for (const [i, what] of ['Cache eviction order', 'CSV quoted fields', 'Slugify accents', 'Router trailing slash', 'Date business days', 'Wordwrap long words'].entries()) await run(`o${i}`, what, `${what} is broken`, 'c', ['b']);
    for (const [i, what] of ['Logger levels', 'Config merge', 'Queue retry'].entries()) await run(`f${i}`, what, `${what} is broken`, 'a', [], false);
    return memory;
  }

  const settings = (escalationNeighbours: boolean): SolveSettings => ({
    auction: auctionSettings({}),
    budget: { maxTurns: 8, maxTokens: 200_000, maxUsd: 1 },
    escalation: { enabled: true, maxEscalations: 1, by: 'capability', handoff: true },
    // An auction for every task, so the review can pick `a`; escalation still reads routing's settings.
    routing: routingSettings({ enabled: false, escalationNeighbours }),
  });

  for (const [neighbours, target] of [[false, 'c'], [true, 'b']] as const) {
    it(`after a fails, escalates to ${target} with escalationNeighbours ${neighbours ? 'on' : 'off'}, never reading the task's own record`, async () => {
      const memory = await seededMemory();
      const excluded: (string | undefined)[] = [];
      const similar = memory.similar.bind(memory);
      memory.similar = (t, k, exclude) => {
        excluded.push(exclude);
        return similar(t, k, exclude);
      };
      const r = await solveTask({
        task: nodeTask(), root, models, memory, settings: settings(neighbours), runner: new ChildProcessCommandRunner(), approver: approveAll,
        review: async (rec) => ({ action: 'run', bidIndex: rec.bids.findIndex((b) => b.agent === 'a' && !b.error) }),
      });
      assert.deepEqual(r.execution?.escalatedFrom, ['a']);
      assert.equal(r.execution?.final.agent, target);
      assert.equal(r.passed, true);
      // The auction looks up similar tasks too, before the task's record exists; escalation's lookup names it.
      assert.equal(excluded.includes(r.memoryRecordId), neighbours, 'escalation looks up neighbours, without the task\'s own record, only when on');
      await r.revert();
    });
  }

  describe('with escalationCalibration', () => {
    const calibrated = (on: boolean): SolveSettings => ({ ...settings(true), routing: routingSettings({ enabled: false, escalationCalibration: on }) });
    const runA = (memory: AuctionMemory, on: boolean) => solveTask({
      task: nodeTask(), root, models, memory, settings: calibrated(on), runner: new ChildProcessCommandRunner(), approver: approveAll,
      review: async (rec) => ({ action: 'run', bidIndex: rec.bids.findIndex((b) => b.agent === 'a' && !b.error) }),
    });

    it('memory keeps each attempt\'s turns and output tokens, and the estimate the escalated one started on', async () => {
      const memory = await seededMemory();
      const r = await runA(memory, false);
      assert.deepEqual(r.execution?.escalatedFrom, ['a']);
      const [first, second] = memory.records().find((x) => x.id === r.memoryRecordId)!.outcome!.attempts;
      assert.equal(first.turns, r.execution!.attempts[0].turns);
      assert.equal(first.outputTokens, r.execution!.attempts[0].outputTokens);
      assert.ok(first.outputTokens! > 0 && first.estimate === undefined);
      assert.equal(second.estimate, r.execution!.estimates[1]);
      assert.ok(second.estimate! > 0 && second.estimate! < 1, `estimate ${second.estimate}`);
      await r.revert();
    });

    it('declines the escalation that this repository\'s escalations say will fail, and says why', async () => {
      const seeded = async () => {
        const memory = await seededMemory();
        // Ten escalations here from a to c on other code: each started on an estimate of 0.6, and each failed.
        for (let i = 0; i < 10; i++) {
          const t = nodeTask({ id: `e${i}`, title: `Parser edge case ${i}`, body: 'The parser mishandles an edge case.' });
          const rec = await memory.recordAuction(t, auctionRecord([bid('a')], { taskId: t.id }));
          await memory.setOutcome(rec.id, {
            executedBy: 'c', passed: false, turns: 8, tokens: 20_000, usd: 0.004, kept: null, escalatedFrom: ['a'],
            attempts: [{ agent: 'a', passed: false, usd: 0.001, turns: 4, outputTokens: 400 }, { agent: 'c', passed: false, usd: 0.003, turns: 4, outputTokens: 400, estimate: 0.6 }],
          });
        }
        return memory;
      };
      const off = await runA(await seeded(), false);
      assert.deepEqual(off.execution?.escalatedFrom, ['a'], 'uncorrected, the estimates say escalate');
      assert.equal(off.execution?.final.agent, 'b');
      await off.revert();
      const on = await runA(await seeded(), true);
      assert.deepEqual(on.execution?.escalatedFrom, []);
      assert.equal(on.passed, false);
      assert.match(on.execution!.escalationNote!, /not worth its cost: .* odds ×0\.\d\d as 10 escalations here did against their estimates/);
      await on.revert();
    });
  });
});

