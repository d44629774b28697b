import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSolveSettings } from '../../../src/cli/solveDefaults';
import { ChildProcessCommandRunner, allowListApprover } from '../../../src/core/execution/childProcessRunner';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { JsonlMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { CancelSource } from '../../../src/core/ports/cancel';
import { defaultSimPool } from '../../../src/sim/defaultPool';
import { type RunningPool, startPoolModels } from '../../../src/sim/poolModelsWithSim';
import { type WarmupOptions, planWarmup, readProgress, runWarmup } from '../../../src/suite/warmup';
import { MIT, addQualifyingCommit, makeRepo } from '../helpers/historyRepo';

describe('sale warmup (simulated pool, a git repository built by the test)', function () {
  this.timeout(120_000);
  let root: string;
  let pool: RunningPool;
  before(async () => {
    pool = await startPoolModels(defaultSimPool(), { suiteDir: join(__dirname, '..', '..', 'fixtures', 'suite'), seed: 1 });
  });
  after(() => pool.close());
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sale-warmup-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const setup = async (execute = false) => {
    const { repo } = makeRepo(root, MIT);
    addQualifyingCommit(repo);
    const memory = await AuctionMemory.open(new JsonlMemoryStore(join(root, 'state', 'memory.jsonl')));
    const opts: WarmupOptions = {
      repo, last: 10, models: pool.models, memory, settings: defaultSolveSettings({ seed: 1 }), execute,
      progressFile: join(root, 'state', 'memory.jsonl.warmup.json'), runner: new ChildProcessCommandRunner(), approver: allowListApprover([]), simulated: true,
    };
    return { repo, memory, opts };
  };

  it('estimates first, stays within the budget, and resumes where it stopped', async () => {
    const { memory, opts } = await setup();
    const plan = await planWarmup(opts);
    // Commits 2, 4 and 5 change source and tests; the root commit and the docs-only commit do not qualify.
    assert.equal(plan.candidates.length, 3);
    assert.deepEqual(plan.skipped.map((s) => s.reason), ['root commit (no parent to start from)', 'changes no test file']);
    assert.ok(plan.perTaskUsd > 0);
    assert.ok(Math.abs(plan.estimateUsd - 3 * plan.perTaskUsd) < 1e-12);

    // Room for exactly one worst case: the first task runs; after it, what was spent plus another worst case does not fit.
    const budget = plan.perTaskUsd;
    const first = await runWarmup(opts, plan, budget);
    assert.equal(first.stoppedBy, 'budget');
    assert.equal(first.done, 1);
    assert.ok(first.spentUsd > 0 && first.spentUsd <= budget, `spent ${first.spentUsd} of ${budget}`);
    assert.equal(memory.size, 1);
    assert.ok(memory.records().every((r) => r.task.source === 'history'));
    assert.equal(Object.keys(readProgress(opts.progressFile, opts.repo).done).length, 1);

    // A new run (a new process: memory reopened) plans only what is left and finishes it.
    const memory2 = await AuctionMemory.open(new JsonlMemoryStore(join(root, 'state', 'memory.jsonl')));
    const plan2 = await planWarmup(opts);
    assert.equal(plan2.alreadyDone, 1);
    assert.deepEqual(plan2.candidates.map((c) => c.title), plan.candidates.slice(1).map((c) => c.title));
    const second = await runWarmup({ ...opts, memory: memory2 }, plan2, 10 * plan.perTaskUsd);
    assert.equal(second.stoppedBy, 'finished');
    assert.equal(second.done, 2);
    assert.equal(memory2.size, 3);
  });

  it('a budget below one task\'s worst case starts nothing; a cancel stops before the next task', async () => {
    const { memory, opts } = await setup();
    const plan = await planWarmup(opts);
    const none = await runWarmup(opts, plan, plan.perTaskUsd * 0.99);
    assert.deepEqual([none.stoppedBy, none.done, memory.size], ['budget', 0, 0]);
    const cancel = new CancelSource();
    const cancelled = await runWarmup({ ...opts, signal: cancel, onProgress: () => cancel.cancel() }, plan, 100);
    assert.deepEqual([cancelled.stoppedBy, cancelled.done], ['cancelled', 1]);
    assert.equal(Object.keys(readProgress(opts.progressFile, opts.repo).done).length, 1);
  });

  it('with execution: each commit is mined and run on a throw-away copy; the outcome is in memory; the repository is untouched', async () => {
    const { repo, memory, opts } = await setup(true);
    const plan = await planWarmup({ ...opts, last: 1 });
    assert.equal(plan.candidates.length, 1);
    assert.ok(plan.perTaskUsd >= opts.settings.budget.maxUsd, 'the estimate includes the execution budget');
    const res = await runWarmup({ ...opts, last: 1 }, plan, 10);
    assert.equal(res.done, 1);
    const progress = readProgress(opts.progressFile, repo);
    const entry = Object.values(progress.done)[0];
    assert.equal(typeof entry.passed, 'boolean');
    const rec = memory.records()[0];
    assert.ok(rec.outcome, 'the execution outcome is recorded');
    assert.equal(execFileSync('git', ['-C', repo, 'status', '--porcelain'], { encoding: 'utf8' }), '');
    assert.ok(!readFileSync(join(repo, 'src/str.js'), 'utf8').includes('SALE'));
  });
});
