import assert from 'node:assert/strict';
import type { MemoryRecord } from '../../src/core/memory/memoryRecord';
import { adoptIntoRepo, parseJsonLines, toJsonLines } from '../../src/vscode/memoryJsonl';
import { describeAgentStats, routingStats, selectAgents } from '../../src/core/memory/routingStats';
import { type MementoLike, WorkspaceStateMemoryStore } from '../../src/vscode/workspaceStateMemoryStore';
import { memoryBid, memoryRecord } from './helpers/builders';

class FakeMemento implements MementoLike {
  data = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string): T | undefined {
    // Like VS Code's Memento: values come back as fresh JSON copies.
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

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

describe('WorkspaceStateMemoryStore', () => {
  it('round-trips records through the memento, per repository key, and updates outcomes in place', async () => {
    const m = new FakeMemento();
    const a = new WorkspaceStateMemoryStore(m, { repo: 'https://github.com/acme/a.git' });
    const b = new WorkspaceStateMemoryStore(m, { repo: 'other' });
    await a.append(rec(1));
    await a.append(rec(2));
    await b.append(rec(3));
    await a.update({ ...rec(1), outcome: { executedBy: 'big', passed: true, turns: 3, tokens: 900, usd: 0.01, kept: null, escalatedFrom: [], overridden: false, attempts: [] } });
    const fresh = new WorkspaceStateMemoryStore(m, { repo: 'https://github.com/acme/a.git' });
    const loaded = await fresh.load();
    assert.deepEqual(loaded.map((r) => r.id), ['r1', 'r2']);
    assert.equal(loaded[0].outcome?.passed, true);
    assert.deepEqual((await new WorkspaceStateMemoryStore(m, { repo: 'other' }).load()).map((r) => r.id), ['r3']);
    assert.ok(m.data.has('sale.memory.v1:https://github.com/acme/a.git'));
  });

  it('sets invalid stored records aside (quarantine) and reports them instead of failing', async () => {
    const m = new FakeMemento();
    await m.update('sale.memory.v1:r', [rec(1), { schema: 99, id: 'bad' }, 'garbage']);
    const s = new WorkspaceStateMemoryStore(m, { repo: 'r' });
    assert.deepEqual((await s.load()).map((r) => r.id), ['r1']);
    assert.equal(s.warnings().length, 2);
    assert.equal(s.quarantined().length, 2);
    // What stays in the main key is now only the valid record.
    assert.equal((m.get<unknown[]>('sale.memory.v1:r') ?? []).length, 1);
  });

  it('stays bounded: beyond maxRecords the oldest go, beyond maxBytes old plans are shortened first', async () => {
    const m = new FakeMemento();
    const s = new WorkspaceStateMemoryStore(m, { repo: 'r', maxRecords: 5 });
    for (let i = 0; i < 8; i++) await s.append(rec(i));
    assert.deepEqual((await s.load()).map((r) => r.id), ['r3', 'r4', 'r5', 'r6', 'r7']);
    assert.equal(s.lastCompaction?.after, 5);

    const m2 = new FakeMemento();
    const s2 = new WorkspaceStateMemoryStore(m2, { repo: 'r', maxRecords: 100, maxBytes: 60_000, keepFullRecent: 2, maxPlanChars: 300 });
    for (let i = 0; i < 10; i++) await s2.append(rec(i, {}, 4000));
    const recs = await s2.load();
    assert.ok(s2.sizeBytes() <= 60_000, `size ${s2.sizeBytes()}`);
    assert.ok(recs.length >= 5, `compaction shortened plans instead of dropping everything (kept ${recs.length})`);
    assert.equal(recs[recs.length - 1].bids[0].plan.length, 4000, 'the newest records keep whole plans');
    assert.match(recs[0].bids[0].plan, /shortened by compaction/);
  });

  it('serialises concurrent writes (no lost update)', async () => {
    const m = new FakeMemento();
    const s = new WorkspaceStateMemoryStore(m, { repo: 'r' });
    await Promise.all([s.append(rec(1)), s.append(rec(2)), s.append(rec(3)), s.update({ ...rec(2), winner: 'small' })]);
    const recs = await new WorkspaceStateMemoryStore(m, { repo: 'r' }).load();
    assert.deepEqual(recs.map((r) => r.id), ['r1', 'r2', 'r3']);
    assert.equal(recs[1].winner, 'small');
  });

  it('imports by id without duplicates, and clear() forgets everything', async () => {
    const m = new FakeMemento();
    const s = new WorkspaceStateMemoryStore(m, { repo: 'r' });
    await s.append(rec(1));
    assert.deepEqual(await s.importRecords([rec(1), rec(2), rec(0)]), { added: 2, skipped: 1 });
    assert.deepEqual((await s.load()).map((r) => r.id), ['r0', 'r1', 'r2'], 'sorted by time');
    await s.clear();
    assert.deepEqual(await s.load(), []);
  });
});

describe('memory as JSON lines (vscode/memoryJsonl)', () => {
  it('exports one record a line and imports it back', () => {
    const text = toJsonLines([rec(1), rec(2)]);
    assert.equal(text.split('\n').length, 3);
    const p = parseJsonLines(text);
    assert.deepEqual(p.records.map((r) => r.id), ['r1', 'r2']);
    assert.deepEqual(p.errors, []);
    assert.equal(toJsonLines([]), '');
  });

  it('reports invalid lines with their numbers and keeps the good ones', () => {
    const p = parseJsonLines(`${JSON.stringify(rec(1))}\nnot json\n\n${JSON.stringify({ ...rec(2), schema: 7 })}\n${JSON.stringify(rec(3))}`);
    assert.deepEqual(p.records.map((r) => r.id), ['r1', 'r3']);
    assert.deepEqual(p.errors.map((e) => e.line), [2, 4]);
    assert.match(p.errors[0].message, /not JSON/);
  });

  it('imported records become this repository\'s, remembering where they came from', () => {
    const [r] = adoptIntoRepo([rec(1)], 'mine');
    assert.equal(r.task.repo, 'mine');
    assert.match(r.task.source, /imported from repo/);
  });
});

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

  it('pin and exclude select the agents of an auction, and say so', () => {
    assert.deepEqual(selectAgents(['a', 'b', 'c'], [], ['b']).agents, ['a', 'c']);
    assert.deepEqual(selectAgents(['a', 'b', 'c'], ['c', 'a'], []).agents, ['a', 'c']);
    const r = selectAgents(['a', 'b'], ['zz'], ['yy']);
    assert.deepEqual(r.agents, ['a', 'b']);
    assert.equal(r.notes.length, 2);
    assert.throws(() => selectAgents(['a'], [], ['a']), /Every agent/);
  });
});
