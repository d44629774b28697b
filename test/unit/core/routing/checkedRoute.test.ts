import assert from 'node:assert/strict';
import { askOrder } from '../../../../src/core/routing/checkedRoute';
import { nextCapableAgent } from '../../../../src/core/execution/executeWinner';
import type { AgentEstimate } from '../../../../src/core/routing/agentEstimates';
import { capabilityFor } from '../../../../src/core/routing/routeTask';
import { routingSettings } from '../../../../src/core/routing/routingSettings';
import type { RoutingDecision } from '../../../../src/core/routing/routingRecord';
import { agent } from '../../helpers/builders';
import { FakeChatModel } from '../../helpers/fakeChatModel';

const model = (id: string, price: number) => new FakeChatModel(agent(id, price), [{ text: '' }]);

describe('askOrder: which agents write and check a plan, in turn, for a routed task (issue 8)', () => {
  const pool = [model('big', 2), model('small', 0.1), model('mid', 0.5), model('tiny', 0.05)];
  const est = (agentId: string, ev: number) => ({ agent: agentId, mean: 0.5, sd: 0.1, evidence: 3, expectedUsd: 0.001, ev });
  const decision: RoutingDecision = {
    mode: 'routed', cause: 'routed', agent: 'small', reason: '', evidence: { passed: 3, of: 3, similar: 5 }, confidence: 0.9,
    estimates: [est('big', 0.002), est('small', 0.005), est('mid', 0.004), est('tiny', 0.001)],
  };

  it('asks the routed agent first, then the others by expected value, as many as the steps allow', () => {
    assert.deepEqual(askOrder(decision, pool, 0).map((m) => m.agent.id), ['small']);
    assert.deepEqual(askOrder(decision, pool, 1).map((m) => m.agent.id), ['small', 'mid']);
    assert.deepEqual(askOrder(decision, pool, 8).map((m) => m.agent.id), ['small', 'mid', 'big', 'tiny']);
  });

  it('never asks an agent memory has no estimate for (not in this routing decision)', () => {
    const extra = [...pool, model('new', 0.01)];
    assert.deepEqual(askOrder(decision, extra, 8).map((m) => m.agent.id), ['small', 'mid', 'big', 'tiny']);
  });
});

describe('escalation after a checked route (issue 8)', () => {
  const e = (agent: string, mean: number, expectedUsd: number): AgentEstimate => ({ agent, alpha: 1, beta: 1, mean, sd: 0.1, evidence: 5, executed: 5, passed: 3, expectedUsd });
  const models = new Map([['small', {}], ['mid', {}], ['big', {}]].map(([k]) => [k as string, new FakeChatModel(agent(k as string, 1), [{ text: '' }])]));

  it('never escalates to an agent whose plan for this task the check turned down, however capable memory thinks it is', () => {
    const est = [e('small', 0.8, 0.0001), e('mid', 0.4, 0.0002), e('big', 0.6, 0.0005)];
    // A pass worth 20× the dearest execution: escalating to either is worth its cost.
    const rs = routingSettings({ valueMultiple: 20 });
    // mid ran and failed; memory rates small (0.8) above big (0.6), but small's plan was just turned down.
    assert.equal(nextCapableAgent(capabilityFor(est, rs), { agent: 'mid' }, new Set(['mid']), models).agent, 'small');
    assert.equal(nextCapableAgent(capabilityFor(est, rs, ['small']), { agent: 'mid' }, new Set(['mid']), models).agent, 'big');
    assert.equal(nextCapableAgent(capabilityFor(est, rs, ['small', 'big']), { agent: 'mid' }, new Set(['mid']), models).agent, undefined);
  });
});
