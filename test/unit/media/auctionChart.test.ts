import assert from 'node:assert/strict';
import type { Bid } from '../../../src/core/auction/auctionRecord';
import { auctionChart, niceTicks, roundForPeople } from '../../../media/auctionChart';
import { bid } from '../helpers/builders';

/** A bid at (cost, value) on the picture; its score is C − V (a failed bid scores +∞). */
const at = (agentId: string, cost: number, value: number, over: Partial<Bid> = {}): Bid =>
  bid(agentId, { tokens: 300, cost, valueJury: value, value, score: over.error ? Number.POSITIVE_INFINITY : cost - value, ...over });

/** Screen y of a line at screen x. */
const yAt = (l: { x1: number; y1: number; x2: number; y2: number }, x: number) => l.y1 + ((x - l.x1) / (l.x2 - l.x1)) * (l.y2 - l.y1);

describe('auction picture (media/auctionChart)', () => {
  const bids = [at('small', 0.1, 1.5), at('mid', 0.3, 2.6), at('big', 1.08, 3.2), at('down', 0, 0, { error: 'timed out' }), at('small', 0.12, 2.9, { refined: true, round: 1 })];
  const winner = 4; // small, refined: 0.12 − 2.9 is the lowest score

  it('puts every other bid below the line of equal score through the winner (the winner is visibly best)', () => {
    const c = auctionChart(bids, winner)!;
    const line = c.lines.find((l) => l.kind === 'iso-winner')!;
    assert.ok(line, 'a line through the winner');
    const w = c.points.find((p) => p.kind === 'winner')!;
    assert.equal(w.index, winner);
    assert.ok(Math.abs(yAt(line, w.cx) - w.cy) < 1e-6, 'the line passes through the winner');
    for (const p of c.points.filter((q) => q.index !== winner)) {
      if (p.cx < Math.min(line.x1, line.x2) || p.cx > Math.max(line.x1, line.x2)) continue;
      assert.ok(p.cy > yAt(line, p.cx), `${p.label} lies below the winner's line (screen y grows downwards)`);
    }
  });

  it('says when the winner is not the best score (a winner by expected value)', () => {
    const byScore = auctionChart(bids, winner)!;
    assert.equal(byScore.byValue, false);
    assert.match(byScore.lines.find((l) => l.kind === 'iso-winner')!.title!, /every point above this line would beat it/);
    const byValue = auctionChart(bids, 1)!; // mid: small's refined bid scored better
    assert.equal(byValue.byValue, true);
    assert.match(byValue.lines.find((l) => l.kind === 'iso-winner')!.title!, /scored better; it won by expected value/);
    assert.match(byValue.summary, /mid won by expected value with score C − V -2\.3, not the lowest\./);
    assert.match(byScore.summary, /small has the lowest score/);
  });

  it('leaves failed bids out, links the refined bid to the one it replaced, and keeps exact figures for hover', () => {
    const c = auctionChart(bids, winner)!;
    assert.equal(c.points.length, 4);
    assert.ok(!c.points.some((p) => p.agent === 'down'));
    const link = c.lines.filter((l) => l.kind === 'link');
    assert.equal(link.length, 1);
    const orig = c.points.find((p) => p.agent === 'small' && p.kind !== 'winner')!;
    const refined = c.points.find((p) => p.index === winner)!;
    assert.deepEqual([link[0].x1, link[0].y1, link[0].x2, link[0].y2], [orig.cx, orig.cy, refined.cx, refined.cy]);
    assert.match(refined.title, /C \(cost\) 0\.12\n/);
    assert.match(refined.title, /score C − V -2\.78/);
    assert.match(c.summary, /small has the lowest score C − V \(-2\.78\)/);
  });

  it('keeps every point and line inside the drawing, also for a single bid', () => {
    for (const c of [auctionChart(bids, winner)!, auctionChart([at('only', 0.2, 1)], 0)!]) {
      for (const p of c.points) assert.ok(p.cx >= c.plot.left && p.cx <= c.plot.right && p.cy >= c.plot.top && p.cy <= c.plot.bottom, p.label);
      for (const l of c.lines) for (const [x, y] of [[l.x1, l.y1], [l.x2, l.y2]]) assert.ok(x >= c.plot.left - 1e-6 && x <= c.plot.right + 1e-6 && y >= c.plot.top - 1e-6 && y <= c.plot.bottom + 1e-6);
    }
    assert.equal(auctionChart([at('down', 0, 0, { error: 'x' })], null), null);
  });

  it('rounds axis figures for people', () => {
    assert.deepEqual(niceTicks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
    assert.equal(roundForPeople(0.123456), '0.123');
    assert.equal(roundForPeople(3.14159), '3.14');
    assert.equal(roundForPeople(0.00042), '0.00042');
    const c = auctionChart(bids, winner)!;
    for (const t of [...c.xTicks, ...c.yTicks]) assert.ok(t.text.replace(/^-/, '').length <= 6, t.text);
  });
});
