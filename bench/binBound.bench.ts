/**
 * Prints src/bench/binBound.ts's bound for a recorded bench run, without and with memory's largest in-context boost
 * (as if a million similar past wins were in every prompt: the world's `memory.maxBoost` per agent, read from the
 * run's pool), next to `sale`'s figure on the same runs.
 * Prints figures; asserts nothing. Run: npx tsx bench/binBound.bench.ts docs/bench/results.json [more results.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPoolFile } from '../src/llm/poolConfig';
import { resolveSimWorld } from '../src/sim/worldConfig';
import { memoryBoost } from '../src/sim/successModel';
import { BenchResultsSchema } from '../src/bench/results';
import { binBound } from '../src/bench/binBound';

const short = (id: string) => id.replace(/^sim-(qwen3-)?/, '');
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
for (const file of process.argv.slice(2)) {
  const r = BenchResultsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const world = resolveSimWorld(loadPoolFile(resolve(r.pool.path)));
  const sale = r.runs.filter((x) => x.policy === 'sale');
  const saleSolved = sale.filter((x) => x.passed).length;
  console.log(`\n${file} (${r.pool.path})`);
  for (const boost of [false, true]) {
    const b = binBound(r, boost ? { boost: (id) => memoryBoost(world.agents.get(id)!, 1e6) } : {});
    if (!b) { console.log('no oracle runs with every agent: no bound'); break; }
    if (!boost) console.log(`oracle $/solved ${b.oracleUsdPerSolved.toFixed(5)}; reference pass@1 ${pct(b.referencePass)}; sale ${pct(saleSolved / b.runs)} at ${(sale.reduce((s, x) => s + x.totalUsd, 0) / saleSolved / b.oracleUsdPerSolved).toFixed(2)}× the oracle's $/solved`);
    for (const row of b.rows) {
      console.log(`${boost ? 'with boost' : 'no boost  '} floor ${pct(row.floor)}: pass@1 ${pct(row.pass)}, ${(row.usdPerSolved / b.oracleUsdPerSolved).toFixed(2)}× the oracle's $/solved — ${row.sequences.map((s) => `${s.bin}: ${s.agents.map(short).join('→')}`).join('; ')}`);
    }
  }
}
