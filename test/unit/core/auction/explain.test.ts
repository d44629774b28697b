import assert from 'node:assert/strict';
import type { Bid, JuryScore, Weights } from '../../../../src/core/auction/auctionRecord';
import { bestScoreOnly, explainAuction, termShares } from '../../../../src/core/auction/explain';
import { scoreBid } from '../../../../src/core/auction/scoring';
import { bid } from '../../helpers/builders';

const weights: Weights = { cost: 1, entropy: 1, jury: { a: 0.5 }, juryDefault: 0.25 };

/** A bid scored by the real scoring function, so the explanation is tested against real C, V and score. */
function scored(agentId: string, price: number, tokens: number, entropy: number | null, scores: Record<string, number | null>): Bid {
  const jury: JuryScore[] = Object.entries(scores).map(([judge, score]) => ({ judge, score }));
  return bid(agentId, { raw: '', tokens, entropy, jury, pricePerMTok: price, ...scoreBid(weights, price, tokens, entropy, jury) });
}
const text = (bids: Bid[], useEntropy = true) => {
  const sorted = [...bids].sort((x, y) => x.score - y.score);
  return explainAuction(bids, sorted[0], sorted[0], useEntropy, weights).join('\n');
};

describe('explainAuction: the words name the term that decided', () => {
  it('a pricier winner that won on entropy is not said to have the better jury (npm run demo, task 1)', () => {
    // Same jury, the pricier plan has the higher entropy value.
    const cheap = scored('cheap', 0.1, 1000, 0.1, { a: 3, b: 3 });
    const pricey = scored('pricey', 0.3, 1000, 0.6, { a: 3, b: 3 });
    const t = text([cheap, pricey]);
    assert.match(t, /pricey wins/);
    assert.match(t, /leads by 0\.300 on a higher entropy value \(0\.600 vs 0\.100, \+0\.500\), despite a higher cost \(C 0\.300 vs 0\.100, −0\.200\)\./);
    assert.doesNotMatch(t, /jury value/);
    assert.doesNotMatch(t, /jury rated/);
  });

  it('a pricier winner whose jury carried it says jury, and the juror that made the difference', () => {
    const cheap = scored('cheap', 0.1, 1000, 0.5, { a: 2, b: 3 });
    const pricey = scored('pricey', 0.3, 1000, 0.5, { a: 4, b: 3 });
    const t = text([cheap, pricey]);
    assert.match(t, /pricey leads by 0\.800 on a higher jury value \(2\.750 vs 1\.750, \+1\.000\), despite a higher cost/);
    assert.doesNotMatch(t, /entropy value/);
    assert.match(t, /Jury per juror, pricey vs cheap: a 4 vs 2 \(\+1\.000\); b 3 vs 3 \(\+0\.000\)\./);
  });

  it('a cheaper winner with the worse jury says it won on cost despite the jury', () => {
    const cheap = scored('cheap', 0.1, 1000, 0.5, { a: 3, b: 2 });
    const pricey = scored('pricey', 2, 1000, 0.5, { a: 3, b: 4 });
    const t = text([cheap, pricey]);
    assert.match(t, /cheap leads by 1\.400 on a lower cost \(C 0\.100 vs 2\.000, \+1\.900\), despite a lower jury value \(2\.000 vs 2\.500, −0\.500\)\./);
  });

  it('names several helping terms, largest first, and leaves out terms that did not move', () => {
    const a = scored('a1', 0.1, 1000, 0.9, { a: 4 });
    const b = scored('b1', 0.2, 1000, 0.5, { a: 4 });
    const t = text([a, b]);
    assert.match(t, /a1 leads by 0\.500 on a higher entropy value \(0\.900 vs 0\.500, \+0\.400\) and a lower cost \(C 0\.100 vs 0\.200, \+0\.100\)\./);
    assert.doesNotMatch(t, /despite/);
  });

  it('with entropy off, never mentions it', () => {
    const cheap = scored('cheap', 0.1, 1000, null, { a: 3 });
    const pricey = scored('pricey', 0.3, 1000, null, { a: 4 });
    const t = text([cheap, pricey], false);
    assert.doesNotMatch(t, /entropy/);
    assert.deepEqual(termShares(pricey, cheap, false).map((s) => s.term), ['jury', 'cost']);
  });

  it('a tie says the tie rule decided, not a term', () => {
    const a = scored('a1', 0.1, 1000, 0.5, { a: 3 });
    const b = scored('b1', 0.1, 1000, 0.5, { a: 3 });
    assert.match(explainAuction([a, b], a, a, true, weights).join('\n'), /tie on score; the tie goes to the cheaper agent/);
  });

  it('an unreadable juror score shows as "?" without a difference', () => {
    const a = scored('a1', 0.1, 1000, 0.5, { a: 4, b: null });
    const b = scored('b1', 0.2, 1000, 0.5, { a: 3, b: 2 });
    assert.match(text([a, b]), /b \? vs 2;?/);
    assert.doesNotMatch(text([a, b]), /b \? vs 2 \(/);
  });
});

describe('bestScoreOnly: when another bidder runs, the score\'s winner only has the best score', () => {
  it('rewrites the winner line of that agent, plain or refined, and nothing else', () => {
    const cheap = scored('cheap', 0.1, 1000, 0.5, { a: 2 });
    const pricey = scored('pricey', 0.3, 1000, 0.5, { a: 4 });
    const lines = explainAuction([cheap, pricey], pricey, pricey, true, weights);
    const out = bestScoreOnly(lines, 'pricey');
    assert.match(lines[0], /^pricey wins with score /);
    assert.match(out[0], /^pricey has the best score, -?\d+\.\d{3} \(C 0\.300/);
    assert.deepEqual(out.slice(1), lines.slice(1));
    assert.deepEqual(bestScoreOnly(lines, 'cheap'), lines, 'another agent\'s name rewrites nothing');
    const refined = explainAuction([cheap, { ...pricey, refined: true }], { ...pricey, refined: true }, pricey, true, weights);
    assert.match(bestScoreOnly(refined, 'pricey')[0], /^pricey \(refined bid\) has the best score, /);
  });
});
