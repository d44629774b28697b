import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oraclePick, type PolicyState, randomPick, runPolicyTask, suiteCodingTask } from '../../../src/bench/policies';
import type { PolicyName } from '../../../src/bench/results';
import { DescriptionRouter } from '../../../src/bench/router';
import { DEFAULT_BENCH_BUDGET } from '../../../src/bench/runBench';
import { BenchCommandRunner } from '../../../src/bench/testCache';
import { hashString } from '../../../src/core/auction/seededShuffle';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import type { ChatModel } from '../../../src/core/ports/chatModel';
import { loadSuite, type SuiteEntry } from '../../../src/core/suite';
import { assertNoBenchMetadata, BENCH_METADATA_KEYS } from '../../../src/core/task';
import { agent } from '../helpers/builders';
import { batchJury, FakeChatModel, PLAN } from '../helpers/fakeChatModel';

/**
 * Issue 8: a suite's benchmark metadata (family, minutes, keySteps) must never reach a policy, a prompt or a
 * routing decision. Each policy runs the same stream twice — once with the real suite entries, once with their
 * metadata replaced by poison values — and every prompt it sends and every decision it takes must be identical,
 * and no prompt may contain a poison value. The models are scripted (deterministic answers from the prompt
 * text, executions that give up), so the test is fast; the executions and test runs are real.
 */
const SUITE = join(__dirname, '..', '..', 'fixtures', 'suite');
const STREAM = ['cache-ttl-boundary', 'cache-memoize-args', 'cli-equals-in-value', 'cache-lru-recency'];
const PRICES: [string, number][] = [['a-small', 0.05], ['b-mid', 0.16], ['c-large', 0.36]];

function poisoned(e: SuiteEntry, i: number): SuiteEntry {
  return { ...e, task: { ...e.task, family: `POISONFAMILY${i}`, minutes: 4321 + i, keySteps: [`POISONSTEP${i} do something`] } };
}

/** Scripted agents whose answers depend only on the prompt text: plans and jury scores keyed by a hash of it. */
function models(): FakeChatModel[] {
  return PRICES.map(([id, price]) => FakeChatModel.byKind(agent(id, price), (kind, req) => {
    const user = String(req.messages[1]?.content ?? '');
    if (kind === 'bid' || kind === 'refine') return { text: PLAN(`${id} ${hashString(user) % 97}`) };
    if (kind === 'juryBatch') return { text: batchJury(req, (plan) => hashString(plan) % 6) };
    return { text: 'Looking at the repository.' };
  }));
}


describe('benchmark metadata never reaches a policy (issue 8)', function () {
  this.timeout(120_000);
  let suite: SuiteEntry[];
  before(() => {
    suite = loadSuite(SUITE).filter((e) => STREAM.includes(e.task.id)).sort((a, b) => STREAM.indexOf(a.task.id) - STREAM.indexOf(b.task.id));
  });

  it('the task a policy sees has no metadata field, and the guard refuses one that does', () => {
    for (const e of suite) {
      const t = suiteCodingTask(e);
      for (const k of BENCH_METADATA_KEYS) assert.ok(!(k in t), `${k} leaked into the task of ${e.task.id}`);
      assertNoBenchMetadata(t);
      assert.notEqual(t.repo, `bench/${e.task.family}`, 'the repository label must come from the repository, not the family');
    }
    assert.throws(() => assertNoBenchMetadata({ ...suiteCodingTask(suite[0]), minutes: 3 }), /Benchmark metadata \(minutes\)/);
  });

  for (const policy of ['sale', 'cascade', 'router'] as PolicyName[]) {
    it(`${policy}: poisoned metadata changes no prompt and no decision`, async () => {
      const runStream = async (entries: SuiteEntry[]) => {
        const fakes = models();
        const work = mkdtempSync(join(tmpdir(), 'sale-leak-'));
        try {
          const ladder = PRICES.map(([id, price]) => ({ id, price }));
          const state: PolicyState = {
            policy, models: fakes as ChatModel[], ladder, reference: 'c-large',
            runner: new BenchCommandRunner(new ChildProcessCommandRunner(), { limit: 2, cache: true }), budget: DEFAULT_BENCH_BUDGET, workDir: work, simulated: true,
            ...(policy === 'sale' ? { memory: await AuctionMemory.open(new InMemoryStore()) } : {}),
            ...(policy === 'cascade' ? { cascadeMemory: await AuctionMemory.open(new InMemoryStore()) } : {}),
            ...(policy === 'router' ? { router: new DescriptionRouter(ladder) } : {}),
          };
          const decisions = [];
          for (const [i, entry] of entries.entries()) {
            const r = await runPolicyTask(state, { entry, order: 0, position: i, requestSeed: 77 });
            assert.equal(r.error, undefined, r.error);
            decisions.push({ chosen: r.chosen, executed: r.executed, passed: r.passed, routing: r.routing?.cause, usd: r.totalUsd });
          }
          const log = fakes.flatMap((m) => m.calls.map((c) => `${m.agent.id}: ${JSON.stringify(c.req.messages)}`));
          return { decisions, log };
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      };
      const real = await runStream(suite);
      const poison = await runStream(suite.map(poisoned));
      const all = poison.log.join('\n');
      assert.equal(/POISON/.test(all), false, 'a poison value reached a prompt');
      assert.deepEqual(poison.decisions, real.decisions);
      // Bids and jury calls run in parallel: compare the multiset of prompts.
      assert.deepEqual([...poison.log].sort(), [...real.log].sort());
    });
  }
});

describe('bench: oracle and random pick (bench/policies)', () => {
  const price = (a: string) => ({ s: 1, m: 2, l: 4 })[a] ?? 9;

  it('the oracle keeps the cheapest passing run, not the first or the cheapest agent', () => {
    const runs = [
      { agent: 's', passed: false, usd: 0.001 },
      { agent: 'm', passed: true, usd: 0.004 },
      { agent: 'l', passed: true, usd: 0.003 },
    ];
    assert.equal(oraclePick(runs, price).agent, 'l');
    assert.equal(oraclePick([{ agent: 'l', passed: true, usd: 0.003 }, { agent: 'm', passed: true, usd: 0.002 }], price).agent, 'm');
    // Nobody passed: the cheapest agent's run (spend as little as possible).
    assert.equal(oraclePick([{ agent: 'l', passed: false, usd: 0.001 }, { agent: 's', passed: false, usd: 0.002 }], price).agent, 's');
  });

  it('random picks depend only on the key, and cover the pool', () => {
    const ladder = [{ id: 'a', price: 1 }, { id: 'b', price: 2 }, { id: 'c', price: 3 }];
    assert.equal(randomPick(ladder, 'k1').id, randomPick(ladder, 'k1').id);
    const seen = new Set(Array.from({ length: 60 }, (_, i) => randomPick(ladder, `k${i}`).id));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });
});
