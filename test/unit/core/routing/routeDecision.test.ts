import assert from 'node:assert/strict';
import { nextCapableAgent } from '../../../../src/core/execution/executeWinner';
import type { ChatModel } from '../../../../src/core/ports/chatModel';
import { type AgentEstimate, capabilityOrder, estimateAgents, sizeKernel, taskSize } from '../../../../src/core/routing/agentEstimates';
import { decideRoute } from '../../../../src/core/routing/routeDecision';
import { routingSettings } from '../../../../src/core/routing/routingSettings';
import type { MemoryRecord } from '../../../../src/core/memory/memoryRecord';
import { memoryBid, memoryRecord, outcome } from '../../helpers/builders';

const AGENTS = [{ id: 'small', price: 0.05 }, { id: 'mid', price: 0.16 }, { id: 'large', price: 0.36 }];
const price = (id: string) => AGENTS.find((a) => a.id === id)!.price;

/** A past task executed by `agent` with outcome `passed`, and every agent's plan rated by the jury. */
function record(i: number, agent: string, passed: boolean, jury: Record<string, number> = {}): MemoryRecord {
  return memoryRecord({
    id: `r${i}`, task: { id: `t${i}`, text: `fix the parser bug ${i}`, source: 'text', repo: 'repo' },
    bids: Object.entries(jury).map(([a, s]) => memoryBid(a, { jury: [{ judge: 'j', score: s }] })),
    winner: agent, auctionUsd: 0.002,
    outcome: outcome(agent, { passed, turns: 5, tokens: 20_000, usd: (20_000 * price(agent)) / 1e6 }),
  });
}

function decide(records: MemoryRecord[], settings = routingSettings({ exploreRate: 0 })) {
  const est = estimateAgents({ agents: AGENTS, similar: records.map((record) => ({ record, similarity: 1 })), all: records, repo: 'repo', settings });
  return decideRoute({ estimates: est, settings, similar: records.length, escalation: true, price, exploreKey: 'k', auctionUsd: 0.002 });
}

describe('learned routing (issue 8)', () => {
  it('holds the auction on empty or thin memory, and routes once memory says clearly which agent is the best value', () => {
    assert.equal(decide([]).cause, 'empty');
    assert.equal(decide([record(0, 'small', true)]).mode, 'auction');
    // The small agent passes nearly everything here: routing to it is the clear best value.
    const many = Array.from({ length: 30 }, (_, i) => record(i, 'small', i % 10 !== 0, { small: 4.5, mid: 4.5, large: 4.6 }));
    const d = decide(many);
    assert.equal(d.mode, 'routed');
    assert.equal(d.agent, 'small');
    assert.deepEqual(d.evidence, { passed: 27, of: 30, similar: 30 });
    assert.match(d.reason, /small passed 27 of 30 similar tasks.*no auction held, \$0\.000 spent on bidding/);
  });

  it('the auction rate falls as memory grows', () => {
    const stream = Array.from({ length: 40 }, (_, i) => record(i, i % 3 === 0 ? 'large' : 'small', i % 4 !== 0, { small: 3.5 + (i % 3) * 0.3, mid: 3.6, large: 4 }));
    const rate = (from: number, to: number) => {
      let auctions = 0;
      for (let n = from; n < to; n++) if (decide(stream.slice(0, n)).mode === 'auction') auctions++;
      return auctions / (to - from);
    };
    const early = rate(0, 10);
    const late = rate(30, 40);
    assert.ok(late < early, `auction rate early ${early}, late ${late}`);
  });

  it('explores at the configured rate on routable tasks, reproducibly', () => {
    const many = Array.from({ length: 30 }, (_, i) => record(i, 'small', true, { small: 5, mid: 5, large: 5 }));
    const settings = routingSettings({ exploreRate: 0.2 });
    const est = estimateAgents({ agents: AGENTS, similar: many.map((record) => ({ record, similarity: 1 })), all: many, repo: 'repo', settings });
    const causes = Array.from({ length: 400 }, (_, i) => decideRoute({ estimates: est, settings, similar: 30, escalation: true, price, exploreKey: `k${i}`, auctionUsd: 0.002 }).cause);
    const explored = causes.filter((c) => c === 'explore').length / causes.length;
    assert.ok(explored > 0.13 && explored < 0.27, `explored ${explored}`);
    assert.equal(decideRoute({ estimates: est, settings, similar: 30, escalation: true, price, exploreKey: 'k7', auctionUsd: 0.002 }).cause, causes[7]);
    assert.equal(decideRoute({ estimates: est, settings, similar: 30, escalation: true, price, exploreKey: 'k7', auctionUsd: 0.002, forceAuction: true }).cause, 'forced');
  });
});

describe('task size in the estimates (issue 8)', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i % 7}`).join(' ');
  /** A past task of `n` words that `agent` executed. */
  const sized = (i: number, n: number, agent: string, passed: boolean): MemoryRecord => ({ ...record(i, agent, passed), task: { id: `t${i}`, text: words(n), source: 'text', repo: 'repo' } });
  // Short tasks: the small agent passes them. Long ones: it fails them and the large agent passes.
  const memory = [
    ...Array.from({ length: 8 }, (_, i) => sized(i, 60, 'small', true)),
    ...Array.from({ length: 6 }, (_, i) => sized(10 + i, 400, 'small', false)),
    ...Array.from({ length: 4 }, (_, i) => sized(20 + i, 420, 'large', true)),
  ];
  const estimate = (text: string, sizeWidth: number) => {
    const settings = routingSettings({ exploreRate: 0, sizeWidth });
    const est = estimateAgents({ agents: AGENTS, similar: memory.map((record) => ({ record, similarity: 1 })), all: memory, repo: 'repo', settings, taskText: text });
    return new Map(est.map((e) => [e.agent, e]));
  };

  it('reads size from the text alone and weighs records of a different size less', () => {
    assert.ok(Math.abs(taskSize(words(100)) - Math.log(100)) < 1e-9);
    assert.equal(taskSize(''), 0);
    assert.equal(sizeKernel(3, 3, 0.4), 1);
    assert.ok(sizeKernel(3, 3.4, 0.4) < 0.7 && sizeKernel(3, 3.4, 0.4) > 0.5);
    assert.equal(sizeKernel(3, 9, 0), 1, 'width 0 turns the kernel off');
    assert.equal(sizeKernel(undefined, 9, 0.4), 1, 'no task text: no kernel');
  });

  it('trusts the small agent on a short task and not on a long one; without the kernel both look alike', () => {
    const short = estimate(words(55), 0.4);
    const long = estimate(words(410), 0.4);
    assert.ok(short.get('small')!.mean > 0.75, `short: small ${short.get('small')!.mean}`);
    assert.ok(long.get('small')!.mean < 0.3, `long: small ${long.get('small')!.mean}`);
    assert.ok(long.get('large')!.mean > long.get('small')!.mean);
    const off = [estimate(words(55), 0), estimate(words(410), 0)].map((m) => m.get('small')!.mean);
    assert.ok(Math.abs(off[0] - off[1]) < 1e-9, `without the kernel the size changes nothing: ${off}`);
  });
});

describe('escalation by capability (issue 8)', () => {
  const models = new Map(['small', 'mid', 'large', 'pricey-weak'].map((id) => [id, {} as ChatModel]));
  const est = (agents: Record<string, [number, number]>) => ({ agents: new Map(Object.entries(agents).map(([a, [mean, expectedUsd]]) => [a, { mean, expectedUsd }])), value: 0.05, discount: 0.6 });

  it('never climbs onto a weaker agent because it is pricier', () => {
    const cap = est({ small: [0.4, 0.001], mid: [0.7, 0.003], large: [0.75, 0.008], 'pricey-weak': [0.35, 0.012] });
    assert.equal(nextCapableAgent(cap, { agent: 'small' }, new Set(['small']), models).agent, 'mid');
    // After the most capable one failed nobody is more capable: no escalation, however dear the others are.
    const r = nextCapableAgent(cap, { agent: 'large' }, new Set(['large']), models);
    assert.equal(r.agent, undefined);
    assert.match(r.note, /No agent is estimated more capable/);
  });

  it('does not escalate when the expected gain is not worth its cost', () => {
    const cap = est({ small: [0.1, 0.001], large: [0.2, 0.02] });
    const r = nextCapableAgent(cap, { agent: 'small' }, new Set(['small']), models);
    assert.equal(r.agent, undefined);
    assert.match(r.note, /not worth its cost/);
  });

  it('the capability order follows the estimates, not the prices', () => {
    const e = (agent: string, mean: number): AgentEstimate => ({ agent, alpha: 1, beta: 1, mean, sd: 0.1, evidence: 1, executed: 0, passed: 0, expectedUsd: 0 });
    const order = capabilityOrder([e('large', 0.6), e('pricey-weak', 0.3), e('small', 0.35)], (id) => (id === 'pricey-weak' ? 0.5 : price(id)));
    assert.deepEqual(order.map((x) => x.agent), ['pricey-weak', 'small', 'large']);
  });
});
