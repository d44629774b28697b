import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPoolFile, parsePoolConfig, type PoolConfig } from '../../../src/llm/poolConfig';
import { defaultSimPool } from '../../../src/sim/defaultPool';
import { testsPassed } from '../../../src/sim/executor';
import { judgePlan, keyStepCoverage } from '../../../src/sim/judge';
import { writePlan } from '../../../src/sim/planWriter';
import { type Bin, baseDraw, refinedDraw } from '../../../src/sim/successModel';
import { countTokens, tokenize, truncateTokens } from '../../../src/sim/tokenizer';
import { resolveSimWorld } from '../../../src/sim/worldConfig';
import { BINS, measureSuccess, pearson, samplePlans, syntheticTask, withinGroupCorrelation } from '../../../src/sim/worldStats';

const POOLS = join(__dirname, '..', '..', '..', 'pools');
const poolFiles = readdirSync(POOLS).filter((f) => f.endsWith('.json'));

function pool(sim: Record<string, unknown> = {}, agentSim: Record<string, unknown> = {}): PoolConfig {
  return parsePoolConfig({
    sim,
    agents: [
      { id: 'small', provider: 'sim', model: 'small', price: { inputPerMTok: 0.05, outputPerMTok: 0.05 }, sim: { successByBin: [0.8, 0.5, 0.3, 0.1, 0.05], ...agentSim } },
      { id: 'large', provider: 'sim', model: 'large', price: { inputPerMTok: 0.36, outputPerMTok: 0.36 }, sim: { successByBin: [0.95, 0.8, 0.6, 0.4, 0.2] } },
    ],
  });
}

describe('sim: world config (src/sim/worldConfig.ts)', () => {
  it('every pool file in pools/ parses and resolves', () => {
    assert.ok(poolFiles.length >= 5, `pool files: ${poolFiles.join(', ')}`);
    for (const f of poolFiles) {
      const p = loadPoolFile(join(POOLS, f));
      assert.ok(p.description && /simulated/i.test(p.description), `${f} must say it is simulated`);
      const w = resolveSimWorld(p);
      assert.equal(w.agents.size, p.agents.length, f);
    }
  });

  it('the embedded default is the four-agent Qwen3-like ladder at the paper prices', () => {
    const p = defaultSimPool();
    assert.deepEqual(p.agents.map((a) => a.id), ['sim-qwen3-4b', 'sim-qwen3-8b', 'sim-qwen3-14b', 'sim-qwen3-32b']);
    assert.deepEqual(p.agents.map((a) => a.price.outputPerMTok), [0.05, 0.09, 0.16, 0.36]);
    assert.deepEqual(p.agents.map((a) => a.price.inputPerMTok), [0.05, 0.09, 0.16, 0.36]);
    assert.ok(p.agents.every((a) => a.provider === 'sim' && a.model === a.id && a.logprobs === true));
  });

  it('agent sim blocks override the world block, which overrides the defaults', () => {
    const w = resolveSimWorld(pool({ planSignal: 0.2, judge: { bias: 1 } }, { planSignal: 0.9, judge: { noiseAtFull: 0.1 } }));
    const small = w.agents.get('small')!;
    const large = w.agents.get('large')!;
    assert.equal(small.planSignal, 0.9);
    assert.equal(large.planSignal, 0.2);
    assert.equal(small.judge.bias, 1);
    assert.equal(small.judge.noiseAtFull, 0.1);
    assert.equal(large.judge.noiseAtFull, 0.8);
    assert.equal(small.capability, 0.3);
  });

  it('typos are errors that suggest the right name', () => {
    assert.throws(() => resolveSimWorld(pool({ planSignl: 0.3 })), /planSignl: unknown setting — did you mean "planSignal"/);
    assert.throws(() => resolveSimWorld(pool({ judge: { noiseAtFul: 1 } })), /judge\.noiseAtFul: unknown setting — did you mean "noiseAtFull"/);
    assert.throws(() => resolveSimWorld(pool({}, { taskCorrelation: 0.5 })), /agent small[\s\S]*taskCorrelation: only allowed in the pool's top-level "sim" block/);
    assert.throws(() => resolveSimWorld(pool({}, { successByBin: [0.5, 0.5] })), /successByBin/);
    assert.throws(() => resolveSimWorld(pool({ memory: { similar: 'same' } })), /memory\.similar/);
  });

  it('a pool without sim agents is refused with a clear message', () => {
    const p = parsePoolConfig({ agents: [{ id: 'x', provider: 'openai', model: 'gpt', price: { inputPerMTok: 1, outputPerMTok: 1 } }] });
    assert.throws(() => resolveSimWorld(p), /no agents with provider "sim"/);
  });
});

describe('sim: tokenizer and helpers', () => {
  it('tokens concatenate back to the exact text, and truncation cuts at a token boundary', () => {
    const text = "## Steps\n1. Normalize `slugify('Crème Brûlée')` → 'creme-brulee', don't   stop!\n\n\tdone 12345 internationalization";
    const toks = tokenize(text);
    assert.equal(toks.join(''), text);
    assert.ok(toks.length > 20);
    const cut = truncateTokens(text, 7);
    assert.equal(countTokens(cut.text), 7);
    assert.ok(cut.truncated && text.startsWith(cut.text));
  });

  it('testsPassed reads an exit code, and no exit code is a failure', () => {
    assert.equal(testsPassed('exit code: 0\n# pass 3'), true);
    assert.equal(testsPassed('{"exitCode":0,"output":"ok"}'), true);
    assert.equal(testsPassed('Exit code 1\nnot ok 1'), false);
    assert.equal(testsPassed('all tests passed'), false);
    assert.equal(testsPassed(undefined), false);
  });

});

describe('sim: success draws (default world calibration)', function () {
  this.timeout(120_000); // sampling; generous for a loaded machine
  const world = resolveSimWorld(defaultSimPool());
  const tol = 0.03;
  let oracle: ReturnType<typeof measureSuccess>['oracle'];
  let largest: { byBin: number[]; overall: number };
  let smallest: { byBin: number[]; overall: number };
  before(() => {
    const m = measureSuccess(world, 3000); // 3000 tasks per bin: SE of a rate ≈ 0.008
    oracle = m.oracle;
    largest = m.success['sim-qwen3-32b'];
    smallest = m.success['sim-qwen3-4b'];
  });

  it('largest agent: ≈95% of bin 1, ≈80% of bin 2, ≈58% overall, hardest bin far lower', () => {
    assert.ok(Math.abs(largest.byBin[0] - 0.95) < tol, `bin 1 ${largest.byBin[0]}`);
    assert.ok(Math.abs(largest.byBin[1] - 0.8) < tol, `bin 2 ${largest.byBin[1]}`);
    assert.ok(Math.abs(largest.overall - 0.58) < tol, `overall ${largest.overall}`);
    assert.ok(largest.byBin[4] < 0.3, `bin 5 ${largest.byBin[4]}`);
  });

  it('smallest agent: ≈92% of the largest on bin 1 and ≈17% on bin 5', () => {
    const r1 = smallest.byBin[0] / largest.byBin[0];
    const r5 = smallest.byBin[4] / largest.byBin[4];
    assert.ok(Math.abs(r1 - 0.92) < 0.04, `bin 1 ratio ${r1}`);
    assert.ok(Math.abs(r5 - 0.17) < 0.07, `bin 5 ratio ${r5}`);
  });

  it('oracle (any agent passes) ≈68%: the task latent keeps it realistic', () => {
    assert.ok(Math.abs(oracle.overall - 0.68) < tol, `oracle ${oracle.overall}`);
    assert.ok(oracle.overall > largest.overall + 0.05);
  });

  it('draws are deterministic per seed and differ across seeds', () => {
    const a = BINS.flatMap((b) => Array.from({ length: 50 }, (_, t) => baseDraw(world, 'sim-qwen3-8b', `t${t}`, b, 11).success));
    const b = BINS.flatMap((bin) => Array.from({ length: 50 }, (_, t) => baseDraw(world, 'sim-qwen3-8b', `t${t}`, bin, 11).success));
    const c = BINS.flatMap((bin) => Array.from({ length: 50 }, (_, t) => baseDraw(world, 'sim-qwen3-8b', `t${t}`, bin, 12).success));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('refinement keeps the uniform and only ever moves toward success', () => {
    const agent = world.agents.get('sim-qwen3-4b')!;
    let gained = 0;
    for (let t = 0; t < 2000; t++) {
      const base = baseDraw(world, agent.id, `t${t}`, 4, 0);
      const ref = refinedDraw(agent, base, 8);
      assert.ok(ref.p >= base.p && ref.u === base.u);
      if (base.success) assert.ok(ref.success);
      if (ref.success && !base.success) gained++;
      assert.deepEqual(refinedDraw(agent, base, 0), base);
    }
    assert.ok(gained > 50, `refinement with 8 similar examples should help: ${gained}`);
  });
});

describe('sim: what plans, judges and entropy reveal', function () {
  this.timeout(120_000);
  const tasksPerBin = 60;
  const figures = (file: string) => {
    const w = resolveSimWorld(loadPoolFile(join(POOLS, file)));
    const flat = samplePlans(w, tasksPerBin).flatMap((s) => s.bids);
    const y = flat.map((b) => (b.success ? 1 : 0));
    return {
      w,
      jury: pearson(flat.map((b) => b.juryMean), y),
      entropy: pearson(flat.map((b) => b.entropy ?? Number.NaN), y),
      length: withinGroupCorrelation(flat.map((b) => ({ group: `${b.agentId}/${b.bin}`, x: b.planTokens, y: b.success ? 1 : 0 }))),
    };
  };
  let def: ReturnType<typeof figures>;
  let none: ReturnType<typeof figures>;
  before(() => {
    def = figures('sim-default.json');
    none = figures('sim-plans-tell-nothing.json');
  });

  it('default world: jury scores carry the draw, entropy carries less of it', () => {
    assert.ok(def.jury > 0.3 && def.jury < 0.75, `jury corr ${def.jury}`);
    assert.ok(def.entropy > 0.05 && def.entropy < def.jury, `entropy corr ${def.entropy}`);
  });

  it('plans-tell-nothing world: neither jury nor entropy correlates with the draw', () => {
    assert.ok(Math.abs(none.jury) < 0.06, `jury corr ${none.jury}`);
    assert.ok(Math.abs(none.entropy) < 0.06, `entropy corr ${none.entropy}`);
  });

  it('plans-tell-nothing world: the success and failure plans are the same text', () => {
    const agent = none.w.agents.get('sim-qwen3-14b')!;
    for (let t = 0; t < 40; t++) {
      const task = syntheticTask(t, ((t % 5) + 1) as Bin);
      const req = { agent, worldSeed: none.w.seed, requestSeed: t, task, bin: ((t % 5) + 1) as Bin, files: ['src/x.js'], purpose: 'bid' as const };
      assert.equal(writePlan({ ...req, success: true }).text, writePlan({ ...req, success: false }).text);
    }
  });

  for (const f of poolFiles) {
    it(`${f}: plan length never depends on the draw`, () => {
      const w = resolveSimWorld(loadPoolFile(join(POOLS, f)));
      for (const agent of w.agents.values()) {
        for (let t = 0; t < 30; t++) {
          const bin = ((t % 5) + 1) as Bin;
          const req = { agent, worldSeed: w.seed, requestSeed: t, task: syntheticTask(t, bin), bin, files: ['src/x.js'], purpose: 'bid' as const, maxTokens: 400 };
          const yes = writePlan({ ...req, success: true }).text;
          const no = writePlan({ ...req, success: false }).text;
          assert.equal(countTokens(yes), countTokens(no), `${agent.id} task ${t}`);
          assert.equal(yes.split('\n').length, no.split('\n').length);
        }
      }
    });
  }

  it('default world: plan length is uncorrelated with the draw within an (agent, bin)', () => {
    assert.ok(Math.abs(def.length) < 0.06, `length corr ${def.length}`);
  });

  it('plans of succeeding agents mention more key steps (default world), judged by the plan text alone', () => {
    const agent = def.w.agents.get('sim-qwen3-8b')!;
    let yes = 0, no = 0;
    for (let t = 0; t < 300; t++) {
      const task = syntheticTask(t, 3);
      const req = { agent, worldSeed: 1, requestSeed: t, task, bin: 3 as Bin, files: ['src/x.js'], purpose: 'bid' as const };
      yes += keyStepCoverage(writePlan({ ...req, success: true }).text, task.keySteps);
      no += keyStepCoverage(writePlan({ ...req, success: false }).text, task.keySteps);
    }
    assert.ok(yes / 300 > no / 300 + 0.3, `coverage ${yes / 300} vs ${no / 300}`);
  });

  it('judges: noise shrinks with capability, and a plan’s score does not depend on its label', () => {
    const w = def.w;
    const small = w.agents.get('sim-qwen3-4b')!;
    const large = w.agents.get('sim-qwen3-32b')!;
    const task = syntheticTask(3, 2);
    const full = writePlan({ agent: large, worldSeed: 1, requestSeed: 0, task, bin: 2, files: ['a.js'], purpose: 'bid', success: true }).text;
    const spread = (j: typeof small) => {
      const xs = Array.from({ length: 400 }, (_, s) => judgePlan(w, j, s, task.keySteps, full).score);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    assert.ok(spread(large) < spread(small), `${spread(large)} vs ${spread(small)}`);
    assert.deepEqual(judgePlan(w, large, 5, task.keySteps, full), judgePlan(w, large, 5, task.keySteps, `\n${full}\n`));
  });
});
