import assert from 'node:assert/strict';
import { auctionChart } from '../../../media/auctionChart';
import { type Box, type PlacedLabel, boxesOverlap, estimateTextWidth, fitText, markerBox, placeFittedLabels, placeLabels, shortNames } from '../../../media/labelLayout';
import { routingScatter } from '../../../media/routingChart';
import type { RoutingPicture } from '../../../src/vscode/routingPictureMessages';
import { bid } from '../helpers/builders';

/** Every label clear of every other label and every obstacle, and inside `bounds`; a message naming the first clash. */
function clashes(labels: PlacedLabel[], obstacles: Box[], bounds: Box): string[] {
  const out: string[] = [];
  labels.forEach((a, i) => {
    labels.slice(i + 1).forEach((b) => { if (boxesOverlap(a.box, b.box)) out.push(`"${a.text}" overlaps "${b.text}"`); });
    obstacles.forEach((o, j) => { if (boxesOverlap(a.box, o)) out.push(`"${a.text}" covers obstacle ${j}`); });
    if (a.box.left < bounds.left || a.box.right > bounds.right || a.box.top < bounds.top || a.box.bottom > bounds.bottom) out.push(`"${a.text}" leaves the picture`);
  });
  return out;
}

function agent(name: string, passes: number, executions: number, avgExecUsd: number, low: number, high: number): RoutingPicture['agents'][number] {
  return { agent: name, passes, executions, avgExecUsd, mean: (1 + passes) / (2 + executions), low, high, history: [] };
}

/** The committed e2e screenshot's memory (sale-routing-picture-*.png): three agents at 0 of 2, close in cost. */
const screenshotPicture = (names: string[], costs = [0.0012, 0.008, 0.012, 0.016]): RoutingPicture => ({
  repo: 'cache-memoize-args', records: 13, routed: 0, decided: 5, level: 0.9, decisions: [],
  agents: [agent(names[0], 6, 6, costs[0], 0.65, 0.99), agent(names[1], 0, 2, costs[1], 0.02, 0.63), agent(names[2], 0, 2, costs[2], 0.02, 0.63), agent(names[3], 0, 2, costs[3], 0.02, 0.63)],
});
const SIM = ['sim-qwen3-4b', 'sim-qwen3-8b', 'sim-qwen3-14b', 'sim-qwen3-32b'];
/** A custom pool with long ids of different families (nothing to leave out). */
const CUSTOM = ['llama-3.1-8b-instruct', 'mistral-small-3.1-24b-instruct', 'deepseek-coder-v2-lite-instruct', 'qwen2.5-coder-32b-instruct'];

describe('chart labels (media/labelLayout)', () => {
  for (const width of [240, 294, 556]) {
    for (const [pool, names] of [['simulated', SIM], ['custom', CUSTOM]] as const) {
      for (const [what, costs] of [['as in the screenshot', undefined], ['two agents at the same cost and pass rate', [0.001, 0.01, 0.01, 0.0101]]] as const) {
        it(`routing picture, ${pool} names, ${what}, ${width}px: no label over another, a point or a bar, none outside`, () => {
          const c = routingScatter(screenshotPicture(names, costs ? [...costs] : undefined), { width, height: Math.round(Math.max(170, Math.min(240, width * 0.55))) })!;
          assert.equal(c.labels.length, c.points.length);
          const obstacles = c.points.flatMap((p) => [markerBox(p.cx, p.cy), { left: p.cx - 4.5, right: p.cx + 4.5, top: p.yHigh, bottom: p.yLow }]);
          assert.deepEqual(clashes(c.labels, obstacles, { left: c.plot.left, top: 0, right: c.width, bottom: c.plot.bottom }), []);
          c.labels.forEach((l, i) => assert.equal(l.key, c.points[i].agent, 'labels in the points\' order'));
          assert.equal(new Set(c.labels.map((l) => l.text)).size, c.labels.length, 'labels stay distinct when cut');
        });
      }
    }
  }

  it('labels agents of one family by what tells them apart and says which prefix was left out; full names stay in the tooltip', () => {
    const c = routingScatter(screenshotPicture(SIM), { width: 294, height: 170 })!;
    assert.deepEqual(c.labels.map((l) => l.text), ['4b', '8b', '14b', '32b']);
    assert.equal(c.labelPrefix, 'sim-qwen3-');
    assert.match(c.points[1].title, /^sim-qwen3-8b: passed 0 of 2 runs here/);
  });

  it('stacks labels of points on the same spot, each with a leader line back to its point', () => {
    const reqs = ['alpha', 'beta', 'gamma', 'delta'].map((text) => ({ key: text, x: 150, y: 100, text }));
    const bounds = { left: 0, top: 0, right: 300, bottom: 200 };
    const labels = placeLabels(reqs, bounds, [markerBox(150, 100)]);
    assert.deepEqual(clashes(labels, [markerBox(150, 100)], bounds), []);
    const led = labels.filter((l) => l.leader);
    for (const l of led) {
      assert.equal(l.leader!.x1, 150, 'a leader starts at its point');
      assert.equal(l.leader!.x2, l.anchor === 'end' ? l.box.right : l.box.left, 'and ends at its label');
    }
    assert.ok(labels.filter((l) => !l.leader).length <= 4 && labels.every((l) => l.leader || Math.abs((l.box.top + l.box.bottom) / 2 - 100) <= 13), 'a label without a leader is right beside its point');
  });

  it('puts a label on the side with room: right of a point in the left half, left of one in the right half', () => {
    const bounds = { left: 0, top: 0, right: 300, bottom: 200 };
    const [l, r] = placeLabels([{ key: 'l', x: 40, y: 100, text: 'left' }, { key: 'r', x: 260, y: 100, text: 'right' }], bounds, []);
    assert.equal(l.anchor, 'start');
    assert.ok(l.box.left > 40);
    assert.equal(r.anchor, 'end');
    assert.ok(r.box.right < 260);
  });

  it('auction picture: bids of near-equal cost and value get labels clear of each other and of every point', () => {
    const bids = [
      bid('sim-qwen3-4b', { cost: 0.1, value: 3.1, score: -3.0 }),
      bid('sim-qwen3-8b', { cost: 0.208, value: 4.575, score: -4.367 }),
      bid('sim-qwen3-14b', { cost: 0.26, value: 0.6, score: -0.34 }),
      bid('sim-qwen3-32b', { cost: 0.648, value: 4.807, score: -4.159 }),
      bid('sim-qwen3-8b', { cost: 0.21, value: 4.6, score: -4.39, refined: true }),
    ];
    for (const width of [240, 294, 556]) {
      const c = auctionChart(bids, 4, { width, height: 170 })!;
      const obstacles = c.points.map((p) => markerBox(p.cx, p.cy, p.kind === 'winner' ? 6 : 4.5));
      assert.deepEqual(clashes(c.labels, obstacles, { left: c.plot.left, top: 0, right: c.width, bottom: c.plot.bottom }), [], `${width}px`);
      assert.deepEqual(c.labels.map((l) => l.text), ['4b', '8b', '14b', '32b', '8b (refined)']);
    }
  });

  it('shortNames leaves a prefix out only up to a separator, and only when the rest stays distinct and not empty', () => {
    assert.deepEqual([...shortNames(['gpt-4.1-nano', 'gpt-4.1-mini', 'gpt-4.1']).short.values()], ['4.1-nano', '4.1-mini', '4.1'], 'a dot is no separator');
    assert.deepEqual([...shortNames(['qwen3:4b', 'qwen3:8b']).short.values()], ['4b', '8b']);
    assert.deepEqual(shortNames(['alpha', 'beta']).prefix, '');
    assert.deepEqual([...shortNames(['model-a', 'model-ab']).short.values()], ['a', 'ab'], 'a shared "model-a" is cut at the separator');
    assert.deepEqual([...shortNames(['x-', 'x-1']).short.values()], ['x-', 'x-1'], 'an empty rest keeps full names');
    assert.deepEqual([...shortNames(['solo-agent']).short.values()], ['solo-agent']);
  });

  it('fitText cuts in the middle with an ellipsis to the width (family and size stay), and leaves a fitting text alone', () => {
    assert.equal(fitText('4b', 100), '4b');
    const cut = fitText('mistral-small-3.1-24b-instruct', 110);
    assert.ok(cut.startsWith('mistral') && cut.includes('…') && cut.endsWith('struct'), cut);
    assert.ok(estimateTextWidth(cut) <= 110);
  });

  it('every label of a crowded picture is clear: a cut label rather than one over another', () => {
    const bounds = { left: 0, top: 0, right: 240, bottom: 140 };
    const reqs = CUSTOM.map((text, i) => ({ key: text, x: 120 + i * 4, y: 70, text }));
    const labels = placeFittedLabels(reqs, bounds, reqs.map((r) => markerBox(r.x, r.y)), 200);
    assert.ok(labels.every((l) => l.clear));
    assert.deepEqual(clashes(labels, reqs.map((r) => markerBox(r.x, r.y)), bounds), []);
    assert.ok(labels.some((l) => l.text.includes('…')), 'they had to be cut to fit');
  });
});
