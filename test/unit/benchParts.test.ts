import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oraclePick, randomPick } from '../../src/bench/policies';
import { buildReport, verdict } from '../../src/bench/report';
import { type BenchResults, type TaskRun, formatResultsJson, roundNumbers } from '../../src/bench/results';
import { DescriptionRouter, tokenizeText } from '../../src/bench/router';
import { orderRequestSeed, orderTasks, quickSubset } from '../../src/bench/runBench';
import { learningCurve, spread, summarise } from '../../src/bench/stats';
import { escapeXml, niceTicks, renderLines, renderScatter } from '../../src/bench/svgChart';
import { BenchCommandRunner, maskVolatile, workspaceKey } from '../../src/bench/testCache';
import type { CommandResult, CommandRunner } from '../../src/core/ports/commandRunner';
import { loadSuite } from '../../src/core/suite';

const SUITE = join(__dirname, '..', 'fixtures', 'suite');

const usage = (tokens: number, usd: number) => ({ inputTokens: tokens, outputTokens: 0, tokens, usd, calls: 1 });

function run(p: Partial<TaskRun> & Pick<TaskRun, 'policy' | 'order' | 'position'>): TaskRun {
  const auction = p.auction ?? usage(0, 0);
  const execution = p.execution ?? usage(1000, 0.001);
  return {
    taskId: `t${p.position}`, family: 'f', bin: 1, chosen: 'small', executed: ['small'], passed: true, refined: false, refinedWon: false,
    escalations: 0, largestExecuted: false, memoryBefore: 0, attempts: [], wallMs: 1, ...p, auction, execution,
    totalUsd: auction.usd + execution.usd, totalTokens: auction.tokens + execution.tokens,
  };
}

function results(runs: TaskRun[], orders = 1): BenchResults {
  return {
    schema: 1, tool: 'sale bench', createdAt: '', simulated: true,
    pool: { path: '/p', agents: [], largest: 'big', smallest: 'small', small: ['small'] },
    suite: { path: '/s', tasks: 4, used: Math.max(...runs.map((r) => r.position)) + 1 },
    options: { policies: [...new Set(runs.map((r) => r.policy))], orders, seed: 1, quick: false, testCache: true, concurrency: 1, budget: { maxTurns: 1, maxTokens: 1, maxUsd: 1 } },
    orders: Array.from({ length: orders }, (_, o) => ({ order: o, requestSeed: o, tasks: [] })),
    runs,
    timing: { wallMs: 1, realTestRuns: 0, cachedTestRuns: 0 },
  };
}

describe('bench: oracle, random pick, orders', () => {
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

  it('orders: the same seed gives the same order and request seed; other seeds or orders differ', () => {
    const suite = loadSuite(SUITE);
    const ids = (s: number, o: number) => orderTasks(suite, s, o).map((e) => e.task.id).join(',');
    assert.equal(ids(1, 0), ids(1, 0));
    assert.notEqual(ids(1, 0), ids(1, 1));
    assert.notEqual(ids(1, 0), ids(2, 0));
    assert.equal(orderRequestSeed(1, 3), orderRequestSeed(1, 3));
    assert.notEqual(orderRequestSeed(1, 3), orderRequestSeed(1, 4));
    const q = quickSubset(suite);
    assert.equal(q.length, 10);
    assert.ok(new Set(q.map((e) => e.task.family)).size >= 2);
  });
});

describe('bench: description router', () => {
  const ladder = [{ id: 'small', price: 0.05 }, { id: 'mid', price: 0.1 }, { id: 'big', price: 0.4 }];

  it('with no evidence starts from the cheapest agent; learns to climb where similar tasks failed', () => {
    const r = new DescriptionRouter(ladder);
    assert.equal(r.decide('parse csv quoted fields').agent, 'small');
    r.observe({ text: 'parse csv quoted fields with commas', agent: 'small', passed: false });
    r.observe({ text: 'csv parser breaks on quoted fields', agent: 'small', passed: false });
    assert.equal(r.decide('csv quoted fields with newlines').agent, 'mid');
    r.observe({ text: 'csv quoted fields and newlines', agent: 'mid', passed: false });
    r.observe({ text: 'csv parsing of quoted fields', agent: 'mid', passed: false });
    assert.equal(r.decide('csv quoted field escapes').agent, 'big');
    // Unrelated text: no neighbours, back to the cheapest.
    assert.equal(r.decide('slugify accents in titles').agent, 'small');
  });

  it('a pass by a cheaper agent counts for dearer ones; a dearer failure counts against cheaper ones', () => {
    const r = new DescriptionRouter(ladder);
    r.observe({ text: 'date format month offset', agent: 'small', passed: true });
    const d = r.decide('date format month bug');
    assert.ok(d.estimates.big > 0.5 && d.estimates.mid > 0.5 && d.estimates.small > 0.5);
    r.observe({ text: 'business days between dates', agent: 'big', passed: false });
    const e = r.decide('business days dates');
    assert.ok(e.estimates.small < 0.5 && e.estimates.mid < 0.5 && e.estimates.big < 0.5);
    assert.equal(e.agent, 'big');
    assert.deepEqual(tokenizeText('The `memoize()` cache, v2!'), ['memoize', 'cache', 'v2']);
  });
});

describe('bench: test-run cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sale-bench-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  class CountingRunner implements CommandRunner {
    calls = 0;
    async run(command: string, opts: { cwd: string }): Promise<CommandResult> {
      this.calls++;
      return { command, exitCode: 0, output: `ok in ${opts.cwd}\n# duration_ms 12.5\nRan 3 tests in 0.004s\n✔ a (1.25ms)`, truncated: false, timedOut: false, durationMs: 5, runner: 'fake' };
    }
  }

  it('runs a state once, reuses it for byte-identical copies elsewhere, and reruns after any change', async () => {
    const inner = new CountingRunner();
    const runner = new BenchCommandRunner(inner, { limit: 1, cache: true });
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const d of [a, b]) {
      rmSync(d, { recursive: true, force: true });
      require('node:fs').mkdirSync(join(d, 'src'), { recursive: true });
      writeFileSync(join(d, 'src', 'x.js'), 'module.exports = 1;\n');
    }
    const r1 = await runner.run('node --test', { cwd: a, timeoutMs: 1000 });
    const r2 = await runner.run('node --test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 1);
    assert.equal(r2.output, r1.output);
    assert.match(r1.output, /ok in <workspace>/);
    assert.match(r1.output, /duration_ms …\nRan 3 tests in …s\n✔ a \(…ms\)/);
    writeFileSync(join(b, 'src', 'x.js'), 'module.exports = 2;\n');
    await runner.run('node --test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 2);
    await runner.run('npm test', { cwd: b, timeoutMs: 1000 });
    assert.equal(inner.calls, 3);
    assert.notEqual(workspaceKey(a, 'x'), workspaceKey(b, 'x'));
    const off = new BenchCommandRunner(inner, { limit: 1, cache: false });
    await off.run('node --test', { cwd: a, timeoutMs: 1000 });
    await off.run('node --test', { cwd: a, timeoutMs: 1000 });
    assert.equal(inner.calls, 5);
    assert.equal(maskVolatile('at /tmp/w/x.js:1', '/tmp/w'), 'at <workspace>/x.js:1');
  });
});

describe('bench: statistics and report', () => {
  it('mean ± sample std over orders; dollars include the auction', () => {
    assert.deepEqual({ ...spread([1, 3]), values: [] }, { mean: 2, std: Math.SQRT2, values: [] });
    const rs = [
      run({ policy: 'sale', order: 0, position: 0, auction: usage(500, 0.002), execution: usage(1000, 0.001) }),
      run({ policy: 'sale', order: 0, position: 1, passed: false, auction: usage(500, 0.002), execution: usage(1000, 0.001) }),
      run({ policy: 'largest', order: 0, position: 0, chosen: 'big', executed: ['big'], largestExecuted: true, execution: usage(1000, 0.004) }),
      run({ policy: 'largest', order: 0, position: 1, chosen: 'big', executed: ['big'], largestExecuted: true, execution: usage(1000, 0.004) }),
    ];
    const [sale, largest] = summarise(results(rs));
    assert.equal(sale.totalUsd.mean, 0.006);
    assert.equal(sale.usdPerSolved.mean, 0.006);
    assert.equal(sale.auctionUsdShare.mean, 4 / 6);
    assert.equal(sale.auctionTokenShare.mean, 1 / 3);
    assert.equal(largest.totalUsd.mean, 0.008);
    assert.equal(largest.largestShare.mean, 1);
    const v = verdict([sale, largest]);
    assert.equal(v.saleBeatsLargestOnDollars, true);
    assert.equal(v.saleAtLeastLargestPass, false);
    assert.match(v.text[0], /claim does not hold/);
  });

  it('learning curve windows and a report with readable SVG charts', () => {
    const rs: TaskRun[] = [];
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 6; i++) {
        rs.push(run({ policy: 'sale', order: o, position: i, chosen: i < 3 ? 'big' : 'small', auction: usage(100, 0.0001) }));
        rs.push(run({ policy: 'router', order: o, position: i, chosen: 'small' }));
      }
    }
    const res = results(rs, 2);
    const curve = learningCurve(res, 'sale', 3);
    assert.deepEqual(curve.map((c) => [c.from, c.to, c.share.mean]), [[1, 3, 0], [4, 6, 1]]);
    const rep = buildReport(res, { command: 'sale bench --test' });
    assert.match(rep.markdown, /## Headline/);
    assert.match(rep.markdown, /## Learning curve/);
    assert.deepEqual(rep.charts.map((c) => c.name).sort(), ['cost-vs-pass.svg', 'learning-curve.svg', 'pass-by-bin.svg']);
    for (const c of rep.charts) {
      assert.match(c.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.doesNotMatch(c.svg, /NaN|undefined|Infinity/);
      assert.match(c.svg, /<\/svg>\n$/);
    }
  });

  it('chart helpers: nice ticks, escaping, no NaN with a single point', () => {
    assert.deepEqual(niceTicks(0, 1, 6), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 0.0137, 5), [0, 0.005, 0.01, 0.015]);
    assert.equal(escapeXml('a<b & "c"'), 'a&lt;b &amp; &quot;c&quot;');
    const s = renderScatter({ title: 't <x>', xLabel: 'x', yLabel: 'y', points: [{ label: 'p&q', x: 1, y: 1, color: '#000' }], formatX: String, formatY: String });
    assert.doesNotMatch(s, /NaN/);
    assert.match(s, /t &lt;x&gt;/);
    assert.match(s, /p&amp;q/);
    const l = renderLines({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', color: '#000', points: [{ x: 1, y: 0.5 }] }], formatX: String, formatY: String, dodge: 0.1 });
    assert.doesNotMatch(l, /NaN/);
  });

  it('results.json: numbers rounded, one run per line, parses back', () => {
    const r = roundNumbers(results([run({ policy: 'sale', order: 0, position: 0, auction: usage(1, 0.1 + 0.2) })]));
    assert.equal(r.runs[0].auction.usd, 0.3);
    const text = formatResultsJson(r);
    assert.deepEqual(JSON.parse(text), r);
    assert.match(text, /\n {2}\{"taskId":"t0",[^\n]*\}\n \]\n\}\n$/);
  });
});
