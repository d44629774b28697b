/**
 * Prints src/bench/binBound.ts's bound for a recorded bench run, without memory's in-context boost, with the boost of
 * one, two and three similar past wins in every attempt's prompt, with memory's ceiling in this stream (every earlier
 * task of the same order that the world counts as similar, shown in every attempt's prompt), and with the world's
 * largest boost (its `memory.maxBoost`), per agent as the run's pool defines them; next to `sale`'s figure on the same
 * runs. The ceiling reads the suite's `family`, as the world does: a bound, never a policy.
 * Prints figures; asserts nothing. Run: npx tsx bench/binBound.bench.ts docs/bench/results.json [more results.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPoolFile } from '../src/llm/poolConfig';
import { resolveSimWorld } from '../src/sim/worldConfig';
import { memoryBoost } from '../src/sim/successModel';
import { BenchResultsSchema, type TaskRun } from '../src/bench/results';
import { binBound } from '../src/bench/binBound';
import { usdPerSolved } from '../src/bench/stats';

const short = (id: string) => id.replace(/^sim-(qwen3-)?/, '');
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
for (const file of process.argv.slice(2)) {
  const r = BenchResultsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const world = resolveSimWorld(loadPoolFile(resolve(r.pool.path)));
  const sale = r.runs.filter((x) => x.policy === 'sale');
  console.log(`\n${file} (${r.pool.path})`);
  const oracle = r.runs.filter((x) => x.policy === 'oracle');
  // Earlier tasks of the same order the world counts as similar (its memory.similar: the same family, or any).
  const earlier = (run: TaskRun, id: string) => oracle.filter((o) => o.order === run.order && o.position < run.position && (world.agents.get(id)!.memory.similar === 'any' || o.family === run.family)).length;
  // No boost; the boost of 1, 2 and 3 similar past wins in every attempt's prompt; memory's ceiling; the largest boost.
  for (const examples of [0, 1, 2, 3, -1, 1e6]) {
    const boost = examples !== 0;
    const b = binBound(r, boost ? { boost: (id, run) => memoryBoost(world.agents.get(id)!, examples < 0 ? earlier(run, id) : examples) } : {});
    if (!b) { console.log('no oracle runs with every agent: no bound'); break; }
    if (!boost) console.log(`oracle $/solved ${b.oracleUsdPerSolved.toFixed(5)}; reference pass@1 ${pct(b.referencePass)}; sale ${pct(sale.filter((x) => x.passed).length / b.runs)} at ${(usdPerSolved(sale) / b.oracleUsdPerSolved).toFixed(2)}× the oracle's $/solved`);
    for (const row of b.rows) {
      console.log(`${!boost ? 'no boost      ' : examples < 0 ? 'memory ceiling' : examples < 1e6 ? `${examples} example(s)  ` : 'largest boost '} floor ${pct(row.floor)}: pass@1 ${pct(row.pass)}, ${(row.usdPerSolved / b.oracleUsdPerSolved).toFixed(2)}× the oracle's $/solved — ${row.sequences.map((s) => `${s.bin}: ${s.agents.map(short).join('→')}`).join('; ')}`);
    }
  }
}
