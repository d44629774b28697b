import assert from 'node:assert/strict';
import type { MemoryRecord } from '../../../src/core/memory/memoryRecord';
import { type MementoLike, WorkspaceStateMemoryStore } from '../../../src/vscode/workspaceStateMemoryStore';
import { memoryBid, memoryRecord } from '../helpers/builders';

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
