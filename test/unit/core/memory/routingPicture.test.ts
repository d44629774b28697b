import assert from 'node:assert/strict';
import { MEMORY_SCHEMA_VERSION, type MemoryRecord } from '../../../../src/core/memory/memoryRecord';
import { betaInterval, routingPicture } from '../../../../src/core/memory/routingPicture';
import { RoutingPictureSchema } from '../../../../src/vscode/routingPictureMessages';

let n = 0;
function rec(o: { by: string; passed: boolean; usd?: number; from?: { agent: string; usd: number }[]; routing?: MemoryRecord['routing']; text?: string }): MemoryRecord {
  const attempts = [...(o.from ?? []).map((f) => ({ agent: f.agent, passed: false, usd: f.usd })), { agent: o.by, passed: o.passed, usd: o.usd ?? 0.01 }];
  return {
    schema: MEMORY_SCHEMA_VERSION, id: `r${++n}`, time: new Date(2026, 0, n).toISOString(),
    task: { id: `t${n}`, text: o.text ?? `task ${n}\nbody`, source: 'text', repo: 'repo' },
    bids: [], winner: o.by, auctionUsd: 0,
    ...(o.routing ? { routing: o.routing } : {}),
    outcome: { executedBy: o.by, passed: o.passed, turns: 3, tokens: 1000, usd: attempts.reduce((s, a) => s + a.usd, 0), kept: null, escalatedFrom: (o.from ?? []).map((f) => f.agent), overridden: false, attempts },
  };
}

describe('routing picture data (core/memory/routingPicture)', () => {
  it('Beta intervals: the flat prior spans most of [0, 1]; evidence narrows them around the observed rate', () => {
    const flat = betaInterval(1, 1, 0.9);
    assert.ok(Math.abs(flat.low - 0.05) < 0.002 && Math.abs(flat.high - 0.95) < 0.002, JSON.stringify(flat));
    const firm = betaInterval(1 + 45, 1 + 5, 0.9);
    assert.ok(firm.low > 0.8 && firm.high < 0.97 && firm.high - firm.low < 0.15, JSON.stringify(firm));
    const thin = betaInterval(1 + 4, 1 + 1, 0.9);
    assert.ok(thin.high - thin.low > firm.high - firm.low);
  });

  it('attributes an escalation to each agent that ran (the failed one counts its own run and dollars)', () => {
    const records = [rec({ by: '32b', passed: true, usd: 0.05, from: [{ agent: '14b', usd: 0.02 }] }), rec({ by: '4b', passed: true, usd: 0.004 })];
    const p = routingPicture('repo', records, ['4b', '14b', '32b', '8b']);
    const of = (a: string) => p.agents.find((x) => x.agent === a)!;
    assert.deepEqual([of('14b').executions, of('14b').passes, of('14b').avgExecUsd], [1, 0, 0.02]);
    assert.deepEqual([of('32b').executions, of('32b').passes, of('32b').avgExecUsd], [1, 1, 0.05], "32b's cost leaves 14b's spend out");
    assert.equal(of('8b').executions, 0);
    assert.equal(of('8b').history.length, 0);
    assert.ok(of('4b').low < of('4b').mean && of('4b').mean < of('4b').high);
    assert.ok(RoutingPictureSchema.safeParse(p).success, 'the data fits the view protocol');
  });

  it('follows each agent over the records in order, and lists the last routing decisions newest first with their reasons', () => {
    const records = [
      rec({ by: '4b', passed: false, routing: { mode: 'auction', agent: null, cause: 'empty' } }),
      rec({ by: '4b', passed: true }),
      rec({ by: '14b', passed: true, routing: { mode: 'auction', agent: '4b', cause: 'thin', reason: 'Memory is thin for 4b: auction held.' } }),
      rec({ by: '4b', passed: true, routing: { mode: 'routed', agent: '4b', cause: 'routed', reason: 'Routed from memory: 4b passed 1 of 2.' }, text: 'Fix the parser\nlong body' }),
    ];
    const p = routingPicture('repo', records, []);
    assert.deepEqual(p.agents.find((a) => a.agent === '4b')!.history, [
      { at: 1, passes: 0, executions: 1 }, { at: 2, passes: 1, executions: 2 }, { at: 4, passes: 2, executions: 3 }]);
    assert.deepEqual(p.decisions.map((d) => [d.at, d.mode, d.cause]), [[4, 'routed', 'routed'], [3, 'auction', 'thin'], [1, 'auction', 'empty']]);
    assert.equal(p.decisions[0].task, 'Fix the parser');
    assert.equal(p.decisions[0].reason, 'Routed from memory: 4b passed 1 of 2.');
    assert.match(p.decisions[2].reason, /No similar task/, 'an older record without a stored reason gets its cause in words');
    assert.deepEqual([p.routed, p.decided, p.records], [1, 3, 4]);
  });

  it('keeps only the last points of a long history', () => {
    const records = Array.from({ length: 60 }, (_, i) => rec({ by: '4b', passed: i % 2 === 0 }));
    const h = routingPicture('repo', records, [], { maxHistory: 40 }).agents[0].history;
    assert.equal(h.length, 40);
    assert.equal(h.at(-1)!.at, 60);
    assert.equal(h.at(-1)!.executions, 60);
  });
});
