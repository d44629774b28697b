import assert from 'node:assert/strict';
import type { MemoryRecord } from '../../../src/core/memory/memoryRecord';
import { adoptIntoRepo, parseJsonLines, toJsonLines } from '../../../src/vscode/memoryJsonl';
import { memoryBid, memoryRecord } from '../helpers/builders';

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
