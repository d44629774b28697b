import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchResults, BenchResultsSchema } from '../../../src/bench/results';
import { runBench } from '../../../src/bench/runBench';
import { historySplit } from '../../../src/bench/warmStart';
import type { SuiteEntry } from '../../../src/core/suite';

const SUITE = join(__dirname, '..', '..', 'fixtures', 'suite');
const POOL = join(__dirname, '..', '..', '..', 'pools', 'sim-default.json');

describe('bench warm start: the history split', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sale-split-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Suite entries whose repository is named by its package.json, as suiteRepoName reads it. */
  function entries(repo: string, ids: string[]): SuiteEntry[] {
    return ids.map((id) => {
      const repoDir = join(dir, id, 'repo');
      mkdirSync(repoDir, { recursive: true });
      writeFileSync(join(repoDir, 'package.json'), JSON.stringify({ name: repo }));
      return { task: { id, title: id, body: id, family: repo, minutes: 5, testCommand: 'true', keySteps: [] }, dir: join(dir, id), repoDir, solutionDir: join(dir, id, 'solution') } as unknown as SuiteEntry;
    });
  }

  it('per repository, the later half is measured (at most 10) and the earlier tasks, in release order, are its history', () => {
    const traverse = entries('traverse', ['traverse-0.6.10-0.6.11', 'traverse-0.6.8-0.6.9', 'traverse-0.6.9-0.6.10']);
    const qs = entries('qs', Array.from({ length: 23 }, (_, i) => `qs-6.${i}.0-6.${i + 1}.0`));
    const one = entries('solo', ['solo-1.0.0-1.0.1']);
    const split = historySplit([...traverse, ...qs, ...one]);
    const by = new Map(split.map((s) => [s.repo, s]));
    const ids = (es: SuiteEntry[]) => es.map((e) => e.task.id);
    // Numeric order: 0.6.8 comes before 0.6.10 (a plain string sort would put 0.6.10 first).
    assert.deepEqual(ids(by.get('traverse')!.history), ['traverse-0.6.8-0.6.9']);
    assert.deepEqual(ids(by.get('traverse')!.measured), ['traverse-0.6.9-0.6.10', 'traverse-0.6.10-0.6.11']);
    const q = by.get('qs')!;
    assert.equal(q.measured.length, 10);
    assert.equal(q.history.length, 13);
    assert.deepEqual(ids(q.history).slice(-1), ['qs-6.12.0-6.13.0']);
    assert.deepEqual(ids(q.measured).slice(0, 1), ['qs-6.13.0-6.14.0']);
    assert.deepEqual(ids(by.get('solo')!.history), []);
    assert.deepEqual(ids(by.get('solo')!.measured), ['solo-1.0.0-1.0.1']);
    for (const s of split) assert.equal(ids(s.history).filter((h) => ids(s.measured).includes(h)).length, 0);
  });
});

/** Two repositories of the fixture suite: memo-cache (3 tasks: 1 history, 2 measured), argv-lite (2: 1 and 1). */
const TASKS = ['cache-lru-recency', 'cache-memoize-args', 'cache-ttl-boundary', 'cli-double-dash', 'cli-equals-in-value'];

describe('bench warm start: --warm-memory against --history-split (simulated pool, real test runs)', function () {
  this.timeout(300_000);
  let warm: BenchResults;
  let cold: BenchResults;
  before(async () => {
    const base = { suiteDir: SUITE, poolPath: POOL, orders: 1, seed: 3, taskIds: TASKS, testConcurrency: 2 };
    warm = await runBench({ ...base, policies: ['sale', 'largest'], warmMemory: 'execute' });
    cold = await runBench({ ...base, policies: ['sale'], historySplit: true });
  });

  it('measures the same tasks in the same order cold and warm, and never a history task', () => {
    BenchResultsSchema.parse(warm);
    BenchResultsSchema.parse(cold);
    assert.deepEqual(warm.orders, cold.orders);
    assert.deepEqual(warm.historySplit, cold.historySplit);
    assert.deepEqual(warm.historySplit, [
      { repo: 'argv-lite', history: ['cli-double-dash'], measured: ['cli-equals-in-value'] },
      { repo: 'memo-cache', history: ['cache-lru-recency'], measured: ['cache-memoize-args', 'cache-ttl-boundary'] },
    ]);
    assert.equal(warm.options.memoryStart, 'execute');
    assert.equal(cold.options.memoryStart, 'cold');
    const measured = new Set(warm.runs.map((r) => r.taskId));
    assert.deepEqual([...measured].sort(), ['cache-memoize-args', 'cache-ttl-boundary', 'cli-equals-in-value']);
    for (const w of warm.warmups!) for (const t of w.tasks) assert.ok(!measured.has(t), `${t} was warmed up on and measured`);
    for (const r of [...warm.runs, ...cold.runs]) assert.equal(r.error, undefined, `${r.policy} ${r.taskId}: ${r.error}`);
  });

  it('the warm-up\'s records are in memory before the first measured task; a cold memory starts empty', () => {
    const ws = warm.warmups!;
    // One warm-up per repository with history, for the auction policy only (largest keeps no memory).
    assert.deepEqual(ws.map((w) => [w.policy, w.repo, w.tasks]), [['sale', 'argv-lite', ['cli-double-dash']], ['sale', 'memo-cache', ['cache-lru-recency']]]);
    const records = ws.reduce((s, w) => s + w.records, 0);
    assert.equal(records, 2);
    for (const r of warm.runs.filter((x) => x.policy === 'sale')) assert.equal(r.memoryBefore, r.position + records, `warm position ${r.position}`);
    for (const r of cold.runs) assert.equal(r.memoryBefore, r.position, `cold position ${r.position}`);
  });

  it('the warm-up\'s cost is counted apart: its own dollars, none of them in the measured runs', () => {
    for (const w of warm.warmups!) {
      assert.ok(w.usd > 0 && w.tokens > 0, `${w.repo}: ${w.usd}`);
      assert.equal(w.mode, 'execute');
    }
    for (const r of warm.runs) {
      const parts = r.auction.usd + (r.routedPlan?.usd ?? 0) + r.execution.usd;
      assert.ok(Math.abs(r.totalUsd - parts) < 1e-9, `${r.policy} ${r.taskId}: total ${r.totalUsd} against parts ${parts}`);
    }
    // The single-agent policy is untouched by the warm start: it runs the measured tasks exactly as it would cold.
    assert.equal(warm.runs.filter((r) => r.policy === 'largest').length, 3);
    assert.equal(cold.warmups, undefined);
  });
});
