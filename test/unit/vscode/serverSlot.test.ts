import assert from 'node:assert/strict';
import { KeyedServerSlot } from '../../../src/vscode/serverSlot';

describe('The simulator server per pool (vscode/serverSlot KeyedServerSlot)', () => {
  function fakeServers() {
    const made: { id: string; closed: boolean; close(): void }[] = [];
    const gates: (() => void)[] = [];
    const start = (id: string) => () => new Promise<{ id: string; closed: boolean; close(): void }>((resolve) => {
      gates.push(() => {
        const h = { id, closed: false, close() { h.closed = true; } };
        made.push(h);
        resolve(h);
      });
    });
    return { made, gates, start };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('shares a starting server only with callers of the same pool key', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const a1 = slot.get('A', f.start('a1'));
    const a2 = slot.get('A', f.start('a2'));
    const b = slot.get('B', f.start('b'));
    await tick();
    assert.equal(f.gates.length, 1, 'one start for A; B waits');
    f.gates[0]();
    assert.equal((await a1).id, 'a1');
    assert.equal((await a2).id, 'a1', 'same key: the same server');
    await tick();
    assert.equal(f.gates.length, 2, 'B starts its own server after A is up');
    f.gates[1]();
    const hb = await b;
    assert.equal(hb.id, 'b', 'another key never gets the other pool\'s server');
    assert.equal(f.made[0].closed, true, 'A\'s server was closed when B replaced it');
    assert.equal(slot.handle?.id, 'b');
  });

  it('dispose closes a server that is still starting', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const p = slot.get('A', f.start('a'));
    await tick();
    const disposed = slot.dispose();
    f.gates[0]();
    await disposed;
    await assert.rejects(p, /shut down/);
    assert.equal(f.made[0].closed, true, 'closed as soon as it came up');
    assert.equal(slot.handle, undefined);
    await assert.rejects(slot.get('A', f.start('again')), /shut down/);
  });

  it('dispose closes the running server', async () => {
    const f = fakeServers();
    const slot = new KeyedServerSlot<{ id: string; closed: boolean; close(): void }>();
    const p = slot.get('A', f.start('a'));
    await tick();
    f.gates[0]();
    await p;
    await slot.dispose();
    assert.equal(f.made[0].closed, true);
  });
});
