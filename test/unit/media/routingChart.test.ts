import assert from 'node:assert/strict';
import { routingScatter, sparklines } from '../../../media/routingChart';
import type { RoutingPicture } from '../../../src/vscode/routingPictureMessages';

function agent(name: string, passes: number, executions: number, avgExecUsd: number | null, low: number, high: number, history: RoutingPicture['agents'][number]['history'] = []) {
  return { agent: name, passes, executions, avgExecUsd, mean: (1 + passes) / (2 + executions), low, high, history };
}

const picture: RoutingPicture = {
  repo: 'repo', records: 10, routed: 3, decided: 8, level: 0.9, decisions: [],
  agents: [
    agent('4b', 9, 10, 0.004, 0.6, 0.95, [{ at: 1, passes: 0, executions: 1 }, { at: 5, passes: 3, executions: 5 }, { at: 10, passes: 9, executions: 10 }]),
    agent('32b', 1, 2, 0.05, 0.15, 0.85, [{ at: 3, passes: 1, executions: 2 }]),
    agent('8b', 0, 0, null, 0.05, 0.95),
  ],
};

describe('routing picture (media/routingChart)', () => {
  it('places each agent that ran by cost (x) and pass rate (y), with its interval around the point', () => {
    const c = routingScatter(picture, { width: 300, height: 200 })!;
    assert.deepEqual(c.points.map((p) => p.agent), ['4b', '32b']);
    const [small, big] = c.points;
    assert.ok(small.cx < big.cx, 'the cheaper agent is further left');
    assert.ok(small.cy < big.cy, 'the agent that passes more often is higher (screen y grows downwards)');
    for (const p of c.points) {
      assert.ok(p.yHigh <= p.cy && p.cy <= p.yLow, `${p.agent}: the point lies within its interval`);
      assert.ok(p.cx >= c.plot.left && p.cx <= c.plot.right);
    }
    assert.ok(big.yLow - big.yHigh > small.yLow - small.yHigh, 'less evidence, a longer bar');
    assert.deepEqual(c.notRun, ['8b']);
    assert.match(small.title, /passed 9 of 10 runs here/);
    assert.match(small.title, /90% interval 60%–95%/);
    assert.match(c.summary, /4b passes most often/);
    assert.deepEqual(c.yTicks.map((t) => t.text), ['0%', '25%', '50%', '75%', '100%']);
  });

  it('draws nothing when no agent has a costed run yet', () => {
    assert.equal(routingScatter({ ...picture, agents: [picture.agents[2]] }), null);
  });

  it('lists the small line charts cheapest first, as the scatter reads left to right', () => {
    const reversed = { ...picture, agents: [...picture.agents].reverse() };
    assert.deepEqual(sparklines(reversed).map((l) => l.agent), ['4b', '32b']);
  });

  it('one small line chart per agent that ran: points in record order, the last value as text', () => {
    const s = sparklines(picture, { width: 300, height: 46 });
    assert.deepEqual(s.map((l) => l.agent), ['4b', '32b']);
    const xs = s[0].points.split(' ').map((p) => Number(p.split(',')[0]));
    const ys = s[0].points.split(' ').map((p) => Number(p.split(',')[1]));
    assert.equal(xs.length, 3);
    assert.ok(xs[0] < xs[1] && xs[1] < xs[2]);
    assert.ok(ys[2] < ys[0], 'from 0% to 90%: the line rises');
    assert.equal(s[0].last!.text, '90%');
    assert.ok(Math.abs(xs[2] - s[0].plot.right) < 0.1, 'the last record is at the right edge');
    assert.ok(ys[0] <= s[0].plot.bottom && ys[2] >= s[0].plot.top);
  });
});
