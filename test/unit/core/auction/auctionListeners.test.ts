import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runAuction } from '../../../../src/core/auction/auction';
import { auctionSettings } from '../../../../src/core/auction/auctionSettings';
import { AuctionMemory } from '../../../../src/core/memory/auctionMemory';
import { InMemoryStore } from '../../../../src/core/memory/jsonlMemoryStore';
import { CancelSource } from '../../../../src/core/ports/cancel';
import { loadSuite } from '../../../../src/core/suite';
import type { CodingTask } from '../../../../src/core/task';
import { loadPoolFile } from '../../../../src/llm/poolConfig';
import { startPoolModels } from '../../../../src/sim/poolModelsWithSim';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('auction: no listener growth (MaxListenersExceededWarning)', function () {
  this.timeout(120_000);

  it('auctions with refinement from memory, cancellable as in the extension, raise no Node warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const pool = await startPoolModels(loadPoolFile(join(ROOT, 'pools', 'sim-default.json')), { suiteDir: join(ROOT, 'test', 'fixtures', 'suite'), seed: 1 });
    try {
      const memory = await AuctionMemory.open(new InMemoryStore());
      const tasks = loadSuite(join(ROOT, 'test', 'fixtures', 'suite')).filter((e) => e.task.id.startsWith('date-')).sort((a, b) => a.task.minutes - b.task.minutes).slice(0, 3);
      let refined = 0;
      for (const e of tasks) {
        const task: CodingTask = { id: e.task.id, title: e.task.title, body: e.task.body, source: 'suite', repo: 'r', testCommand: e.task.testCommand };
        // One cancel signal per auction, as the extension's TaskRun passes: every call of the auction follows it.
        const rec = await runAuction({ task, repoContext: { files: ['src/index.js'], testCommand: task.testCommand! }, models: pool.models, memory, signal: new CancelSource(), settings: auctionSettings({ seed: 1, memoryLabels: 'auction' }), simulated: true });
        refined += rec.refinements.filter((r) => !r.error && !r.skipped).length;
        await memory.recordAuction(task, rec);
      }
      assert.ok(refined > 0, 'some cheaper agents refined from memory');
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      assert.deepEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
    } finally {
      process.off('warning', onWarning);
      await pool.close();
    }
  });
});
