import assert from 'node:assert/strict';
import { StartGuard } from '../../../src/vscode/startGuard';

describe('one task at a time (vscode/startGuard)', () => {
  it('refuses a start while busy, and a second start while the first is still starting', async () => {
    const g = new StartGuard();
    await assert.rejects(g.run(true, async () => 1), (e: Error & { code?: string }) => e.code === 'busy');
    let release!: () => void;
    const first = g.run(false, () => new Promise<string>((r) => (release = () => r('first'))));
    await assert.rejects(g.run(false, async () => 'second'), (e: Error & { code?: string }) => e.code === 'busy');
    release();
    assert.equal(await first, 'first');
    assert.equal(await g.run(false, async () => 'third'), 'third', 'free again once the first is under way');
  });

  it('is free again after a start that failed', async () => {
    const g = new StartGuard();
    await assert.rejects(g.run(false, async () => {
      throw new Error('no pool');
    }), /no pool/);
    assert.equal(await g.run(false, async () => 'ok'), 'ok');
  });
});
