import assert from 'node:assert/strict';
import type { MemoryRecord } from '../../../../src/core/memory/memoryRecord';
import { describeAgentStats, describeEscalations, routingStats, selectAgents } from '../../../../src/core/memory/routingStats';
import { memoryBid, memoryRecord } from '../../helpers/builders';

function rec(i: number, over: Partial<MemoryRecord> = {}, planChars = 200): MemoryRecord {
  return memoryRecord({
    id: `r${i}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    task: { id: `t${i}`, text: `task ${i}\nbody`, source: 'todo', repo: 'repo' },
    bids: [
      memoryBid('small', { plan: 'p'.repeat(planChars), jury: [{ judge: 'big', score: 3 }], cost: 0.01, value: 0.5, score: -0.49 }),
      memoryBid('big', { plan: 'q'.repeat(planChars), entropy: 0.3, jury: [{ judge: 'small', score: 4 }], cost: 0.1, value: 0.9, score: -0.8 }),
    ],
    winner: 'big',
    auctionUsd: 0.001,
    ...over,
  });
}

describe('routing preferences (core/routingStats)', () => {
  it('counts bids, wins, executions, passes, kept and dollars per solved task', () => {
    const o = (executedBy: string, passed: boolean, usd: number, kept: boolean | null) => ({ executedBy, passed, turns: 2, tokens: 10, usd, kept, escalatedFrom: [], overridden: false, attempts: [] });
    const s = routingStats([
      rec(1, { outcome: o('big', true, 0.02, true) }),
      rec(2, { winner: 'small', outcome: o('small', false, 0.01, false) }),
      rec(3, { outcome: null }),
    ], ['big', 'small', 'idle']);
    const big = s.agents.find((a) => a.agent === 'big')!;
    const small = s.agents.find((a) => a.agent === 'small')!;
    assert.deepEqual([big.bids, big.wins, big.executions, big.passes, big.kept], [3, 2, 1, 1, 1]);
    assert.deepEqual([small.bids, small.wins, small.executions, small.passes, small.reverted], [3, 1, 1, 0, 1]);
    assert.equal(s.agents.find((a) => a.agent === 'idle')!.bids, 0);
    assert.equal(s.passed, 1);
    assert.ok(Math.abs(s.usdPerSolved! - (0.003 + 0.03)) < 1e-12);
  });

  it('attributes each escalation attempt to its own agent: a failed 14b ran, and 32b\'s cost excludes it', () => {
    const base = { turns: 2, tokens: 10, kept: true, overridden: false };
    const s = routingStats([
      rec(1, { winner: '14b', outcome: { ...base, executedBy: '32b', passed: true, usd: 0.05, escalatedFrom: ['14b'],
        attempts: [{ agent: '14b', passed: false, usd: 0.01 }, { agent: '32b', passed: true, usd: 0.04 }] } }),
      rec(2, { winner: '32b', outcome: { ...base, executedBy: '32b', passed: true, usd: 0.02, escalatedFrom: [], attempts: [{ agent: '32b', passed: true, usd: 0.02 }] } }),
    ], ['14b', '32b']);
    const a14 = s.agents.find((a) => a.agent === '14b')!;
    const a32 = s.agents.find((a) => a.agent === '32b')!;
    assert.deepEqual([a14.executions, a14.passes, a14.avgExecUsd], [1, 0, 0.01]);
    assert.match(describeAgentStats(a14), /passed 0\/1/);
    assert.doesNotMatch(describeAgentStats(a14), /never ran/);
    assert.equal(a32.executions, 2);
    assert.ok(Math.abs(a32.avgExecUsd! - 0.03) < 1e-12, `32b's average is its own spend, got ${a32.avgExecUsd}`);
    assert.deepEqual([a32.kept, a14.kept], [2, 0], 'kept counts for the agent whose change stayed');
    assert.equal(s.executed, 2);
    assert.equal(s.passed, 2);
  });

  it('an older record without attempts: the escalated-from agent ran and failed, and no one is charged a guess', () => {
    const s = routingStats([
      rec(1, { winner: '14b', outcome: { turns: 2, tokens: 10, kept: null, overridden: false, executedBy: '32b', passed: true, usd: 0.05, escalatedFrom: ['14b'], attempts: [] } }),
    ], ['14b', '32b']);
    const a14 = s.agents.find((a) => a.agent === '14b')!;
    const a32 = s.agents.find((a) => a.agent === '32b')!;
    assert.deepEqual([a14.executions, a14.passes, a14.avgExecUsd], [1, 0, null]);
    assert.deepEqual([a32.executions, a32.passes, a32.avgExecUsd], [1, 1, null]);
  });

  it('counts escalations, older records too, and what the estimates they started on expected', () => {
    const base = { turns: 2, tokens: 10, kept: null, overridden: false };
    const s = routingStats([
      rec(1, { outcome: { ...base, executedBy: '32b', passed: true, usd: 0.05, escalatedFrom: ['14b'],
        attempts: [{ agent: '14b', passed: false, usd: 0.01 }, { agent: '32b', passed: true, usd: 0.04, estimate: 0.4 }] } }),
      rec(2, { outcome: { ...base, executedBy: '32b', passed: false, usd: 0.05, escalatedFrom: ['8b'],
        attempts: [{ agent: '8b', passed: false, usd: 0.01 }, { agent: '32b', passed: false, usd: 0.04, estimate: 0.3 }] } }),
      rec(3, { outcome: { ...base, executedBy: '32b', passed: false, usd: 0.05, escalatedFrom: ['14b'], attempts: [] } }),
      rec(4, { outcome: { ...base, executedBy: '32b', passed: true, usd: 0.02, escalatedFrom: [], attempts: [{ agent: '32b', passed: true, usd: 0.02 }] } }),
    ], ['14b', '32b']);
    assert.deepEqual({ ...s.escalations, expected: Math.round(s.escalations.expected * 10) / 10 }, { attempts: 3, passed: 1, estimated: 2, expected: 0.7 });
    assert.equal(describeEscalations(s.escalations), 'Escalations: 1 of 3 passed; 0.7 expected by the estimates of the 2 that recorded one');
    assert.equal(describeEscalations({ attempts: 2, passed: 0, estimated: 2, expected: 0.75 }), 'Escalations: 0 of 2 passed, against 0.8 expected by their estimates');
    assert.equal(describeEscalations(routingStats([rec(5, { outcome: null })]).escalations), 'Escalations: none yet');
  });

  it('pin and exclude select the agents of an auction, and say so', () => {
    assert.deepEqual(selectAgents(['a', 'b', 'c'], [], ['b']).agents, ['a', 'c']);
    assert.deepEqual(selectAgents(['a', 'b', 'c'], ['c', 'a'], []).agents, ['a', 'c']);
    const r = selectAgents(['a', 'b'], ['zz'], ['yy']);
    assert.deepEqual(r.agents, ['a', 'b']);
    assert.equal(r.notes.length, 2);
    assert.throws(() => selectAgents(['a'], [], ['a']), /Every agent/);
  });
});
