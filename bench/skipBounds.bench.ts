/**
 * How often could the score bounds (src/core/auction/scoreBounds.ts) have skipped work in a recorded bench run?
 * Replays the `sale` auctions of a results.json with the default weights: refinements skippable before they are
 * written, refined bids not worth judging, and auctions where the cheaper half's best bid could not have been
 * beaten by any pricier agent (an early stop). Prints figures; asserts nothing.
 * Run: npx tsx bench/skipBounds.bench.ts docs/bench/results.json
 */
import { readFileSync } from 'node:fs';
import { bestPossibleScore } from '../src/core/auction/scoreBounds';
import { DEFAULT_WEIGHTS } from '../src/core/auction/auctionSettings';
/** The fields of a recorded bid and run this replay reads (bench results.json). */
interface RecordedBid { round: number; agent: string; entropy: number | null; score: number; price: number; tokens: number }
interface RecordedRun { policy: string; bids?: RecordedBid[] }
const r = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { runs: RecordedRun[] };
const w = DEFAULT_WEIGHTS;
let auctions = 0, refinedBids = 0, hopeless = 0, allHopeless = 0, withRefine = 0, preSkip = 0, cheaperAgents = 0, early = 0;
for (const t of r.runs.filter((x) => x.policy === 'sale' && x.bids) as Required<RecordedRun>[]) {
  auctions++;
  const orig = t.bids.filter((b) => b.round === 0);
  const ref = t.bids.filter((b) => b.round === 1);
  const panel = [...new Set(orig.map((b) => b.agent))];
  const useEntropy = orig.every((b) => b.entropy !== null);
  const prov = orig.reduce((p, q) => (q.score < p.score || (q.score === p.score && q.price < p.price) ? q : p));
  for (const b of orig.filter((b) => b.price < prov.price)) {
    cheaperAgents++;
    if (bestPossibleScore(w, { pricePerMTok: b.price, useEntropy, panel }) >= prov.score) preSkip++;
  }
  if (ref.length) withRefine++;
  let all = ref.length > 0;
  for (const b of ref) {
    refinedBids++;
    const h = bestPossibleScore(w, { pricePerMTok: b.price, planTokens: b.tokens, entropy: useEntropy ? b.entropy : null, useEntropy, panel }) >= prov.score;
    if (h) hopeless++; else all = false;
  }
  if (all) allHopeless++;
  const prices = [...new Set(orig.map((b) => b.price))].sort((a, b) => a - b);
  const half = prices.slice(0, Math.ceil(prices.length / 2));
  const cheap = orig.filter((b) => half.includes(b.price));
  const best = Math.min(...cheap.map((b) => b.score));
  if (orig.filter((b) => !half.includes(b.price)).every((b) => bestPossibleScore(w, { pricePerMTok: b.price, useEntropy, panel }) >= best)) early++;
}
console.log({ auctions, cheaperAgents, preSkip, withRefine, refinedBids, hopeless, allHopeless, earlyStopPossible: early });
