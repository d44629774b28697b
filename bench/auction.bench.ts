/**
 * One auction with the 4 agents of the default SIMULATED pool: wall-clock and tokens spent on bids, jury and
 * refinement, for both jury forms. Prints figures; asserts nothing. Run: npx tsx bench/auction.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { runAuction } from '../src/core/auction/auction';
import { AuctionMemory } from '../src/core/memory/auctionMemory';
import { auctionSettings } from '../src/core/auction/auctionSettings';
import { InMemoryStore } from '../src/core/memory/jsonlMemoryStore';
import { buildRepoContext } from '../src/core/workspace/repoContext';
import { loadSuite } from '../src/core/suite';
import type { CodingTask } from '../src/core/task';
import { openPool } from '../src/cli/poolRuntime';
import { defaultSuiteDir } from '../src/cli/resources';

async function main() {
  const suite = loadSuite(defaultSuiteDir());
  const runtime = await openPool({ seed: 1 });
  console.log(`auction benchmark — ${runtime.models.length} agents, SIMULATED pool (${runtime.poolPath}), ${suite.length} suite tasks in order`);
  try {
    for (const juryMode of ['per-judge', 'per-pair'] as const) {
      const memory = await AuctionMemory.open(new InMemoryStore());
      const ms: number[] = [];
      const tok = { bids: 0, jury: 0, refinement: 0 };
      const calls = { bids: 0, jury: 0, refinement: 0 };
      let refinedAuctions = 0;
      for (const e of suite) {
        const task: CodingTask = { id: e.task.id, title: e.task.title, body: e.task.body, source: 'suite', repo: 'bench', testCommand: e.task.testCommand, family: e.task.family };
        const repoContext = await buildRepoContext(e.repoDir, task);
        const t0 = performance.now();
        const rec = await runAuction({ task, repoContext, models: runtime.models, memory, settings: auctionSettings({ juryMode, seed: 1 }) });
        ms.push(performance.now() - t0);
        await memory.recordAuction(task, rec);
        for (const k of ['bids', 'jury', 'refinement'] as const) {
          tok[k] += rec.usage[k].inputTokens + rec.usage[k].outputTokens;
          calls[k] += rec.usage[k].calls;
        }
        if (rec.refinements.some((r) => !r.error)) refinedAuctions++;
      }
      const n = suite.length;
      const sorted = [...ms].sort((a, b) => a - b);
      const total = tok.bids + tok.jury + tok.refinement;
      console.log(`\n  jury ${juryMode}: wall-clock per auction mean ${(ms.reduce((a, b) => a + b, 0) / n).toFixed(0)} ms, median ${sorted[n >> 1].toFixed(0)} ms, max ${sorted[n - 1].toFixed(0)} ms`);
      console.log(`    tokens per auction (input+output): bids ${(tok.bids / n).toFixed(0)} · jury ${(tok.jury / n).toFixed(0)} · refinement ${(tok.refinement / n).toFixed(0)} · total ${(total / n).toFixed(0)}`);
      console.log(`    calls per auction: bids ${(calls.bids / n).toFixed(1)} · jury ${(calls.jury / n).toFixed(1)} · refinement ${(calls.refinement / n).toFixed(1)}; auctions with a refinement: ${refinedAuctions}/${n}`);
    }
  } finally {
    await runtime.close();
  }
}
main();
