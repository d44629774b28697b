/**
 * Memory retrieval time at 1k and 10k records (BM25 over task texts + pair building). Prints figures;
 * asserts nothing. Run: npx tsx bench/memoryRetrieval.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { AuctionMemory } from '../src/core/memory/auctionMemory';
import type { AuctionRecord, Bid } from '../src/core/auction/auctionRecord';
import { InMemoryStore } from '../src/core/memory/jsonlMemoryStore';
import { mulberry32 } from '../src/core/auction/seededShuffle';

// Issue-like text: a 3,000-word vocabulary drawn with Zipf frequencies (a few very common words, a long tail),
// plus 52 domain words. A 52-word vocabulary alone would make every record match every query (the worst case).
const domain = 'parse date format csv router cache config slug trim token header query path timezone locale eviction retry json yaml flag option argument default merge nested array object string number boolean null empty unicode accent quote comma newline offset month week business holiday relative future past ttl lru expire route param method middleware'.split(' ');
const vocab = [...domain, ...Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`)];
const zipfCdf = (() => { const w = vocab.map((_, i) => 1 / (i + 1)); const z = w.reduce((a, b) => a + b, 0); let c = 0; return w.map((x) => (c += x / z)); })();
function pick(rnd: () => number): string { const u = rnd(); let lo = 0, hi = zipfCdf.length - 1; while (lo < hi) { const mid = (lo + hi) >> 1; if (zipfCdf[mid] < u) lo = mid + 1; else hi = mid; } return vocab[lo]; }
const agents = ['sim-qwen3-4b', 'sim-qwen3-8b', 'sim-qwen3-14b', 'sim-qwen3-32b'];

function bid(agent: string, score: number, rnd: () => number): Bid {
  const plan = Array.from({ length: 120 }, () => pick(rnd)).join(' ');
  return { agent, model: agent, round: 0, refined: false, raw: plan, plan: { approach: plan, files: [], commands: [], steps: [], risks: '', verification: '', sectionsFound: [] },
    tokens: 300, entropy: 0.8, jury: agents.map((j) => ({ judge: j, score: 3 })), juryMean: 3, pricePerMTok: 0.1, cost: 0.3, valueEntropy: 0.8, valueJury: 3, value: 3.8, score, estimatedExecUsd: 0, bidUsd: 0 };
}

async function build(n: number) {
  const rnd = mulberry32(n);
  const m = await AuctionMemory.open(new InMemoryStore());
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const bids = agents.map((a) => bid(a, -rnd() * 4, rnd));
    const winner = bids.reduce((x, y) => (y.score < x.score ? y : x)).agent;
    const u = { inputTokens: 0, outputTokens: 0, usd: 0, calls: 0 };
    const rec: AuctionRecord = { taskId: `t${i}`, startedAt: '', durationMs: 0, juryMode: 'per-judge', weights: { cost: 10, entropy: 1, jury: {}, juryDefault: 0.25 }, bids,
      provisionalWinner: winner, winner, winnerBidIndex: 0, refinements: [], explanation: [], usage: { bids: u, jury: u, refinement: u } };
    const title = Array.from({ length: 6 }, () => pick(rnd)).join(' ');
    const body = Array.from({ length: 40 }, () => pick(rnd)).join(' ');
    await m.recordAuction({ id: `t${i}`, title, body, source: 'suite', repo: 'bench' }, rec);
  }
  return { m, buildMs: performance.now() - t0 };
}

async function main() {
  console.log('memory retrieval (k = 8, BM25 via MiniSearch, 4 agents per record)');
  for (const n of [1000, 10000]) {
    const { m, buildMs } = await build(n);
    const rnd = mulberry32(7);
    const queries = Array.from({ length: 200 }, () => ({ title: pick(rnd) + ' bug', body: Array.from({ length: 30 }, () => pick(rnd)).join(' ') }));
    for (const q of queries.slice(0, 10)) m.retrievePairs('sim-qwen3-4b', q, 8, 'outcome');
    const t0 = performance.now();
    let pairs = 0;
    for (const q of queries) pairs += m.retrievePairs('sim-qwen3-4b', q, 8, 'auction').length;
    const per = (performance.now() - t0) / queries.length;
    const heap = process.memoryUsage().heapUsed / 1e6;
    console.log(`  ${String(n).padStart(6)} records: index+insert ${buildMs.toFixed(0)} ms total; retrieval ${per.toFixed(2)} ms/query (mean of ${queries.length}, ${(pairs / queries.length).toFixed(1)} pairs each); heap ${heap.toFixed(0)} MB`);
  }
}
main();
