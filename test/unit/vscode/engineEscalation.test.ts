import assert from 'node:assert/strict';
import { AuctionMemory } from '../../../src/core/memory/auctionMemory';
import { CancelSource } from '../../../src/core/ports/cancel';
import { ChildProcessCommandRunner } from '../../../src/core/execution/childProcessRunner';
import { InMemoryStore } from '../../../src/core/memory/jsonlMemoryStore';
import { defaultSolveSettings } from '../../../src/cli/solveDefaults';
import { runEngine, solveSettings } from '../../../src/vscode/engine';
import { engineSettingsInput, readSettings } from '../../../src/vscode/settings';
import { agent, approveAll, task } from '../helpers/builders';
import { addSolver, type FakeChatModel } from '../helpers/fakeChatModel';
import { makeTempDir, NODE_REPO, removeDir, writeTree } from '../helpers/tempRepo';

/**
 * A pool where price and capability disagree: `strong` is the cheapest and the jury's favourite, `pricey-weak` the
 * dearest and the jury's least favourite. Only `strong` fixes add(); the others run the tests and give up.
 */
const JURY: Record<string, number> = { small: 2, strong: 5, 'pricey-weak': 1 };
function model(id: string, price: number): FakeChatModel {
  return addSolver(agent(id, price), { fixes: id === 'strong', scoreOf: (tag) => JURY[tag] });
}

describe('the extension escalates by capability, like the CLI (engine.solveSettings)', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('sale-engine-esc-');
    await writeTree(root, NODE_REPO);
  });
  afterEach(() => removeDir(root));

  it('uses the CLI\'s escalation settings: by capability, with the hand-off', () => {
    const input = engineSettingsInput(readSettings(() => undefined).settings);
    assert.deepEqual(solveSettings(input).escalation, defaultSolveSettings().escalation);
    assert.equal(solveSettings(input).escalation.by, 'capability');
    assert.equal(solveSettings({ ...input, escalation: { enabled: false, maxEscalations: 3 } }).escalation.enabled, false, 'the setting still switches it off');
  });

  it('after a failure climbs to the more capable agent, not to the pricier weak one, and hands it what failed', async () => {
    const small = model('small', 0.5);
    const strong = model('strong', 0.1);
    const weak = model('pricey-weak', 10);
    const defaults = readSettings(() => undefined).settings;
    const run = await runEngine({
      task: task(), root, models: [small, strong, weak], memory: await AuctionMemory.open(new InMemoryStore()),
      settingsInput: engineSettingsInput({ ...defaults, 'auction.refine': false }),
      runner: new ChildProcessCommandRunner(), approver: approveAll,
      // The user overrides the auction and runs `small`'s bid, which fails.
      review: async (rec) => ({ action: 'run', bidIndex: rec.bids.findIndex((b) => b.agent === 'small') }),
      signal: new CancelSource(), onEvent: () => undefined, simulated: false, trusted: true,
    });
    assert.deepEqual(run.escalatedFrom, ['small']);
    assert.equal(run.executedBy, 'strong', 'by price it would have been pricey-weak, the only dearer agent');
    assert.equal(run.passed, true);
    assert.equal(weak.calls.filter((c) => c.kind === 'execute').length, 0, 'the pricier weak agent never executes');
    const firstExec = strong.calls.find((c) => c.kind === 'execute')!.req;
    const prompt = firstExec.messages.map((m) => String(m.content)).join('\n');
    assert.match(prompt, /<previous-attempt agent="small" outcome="[^"]+">/);
    assert.match(prompt, /<test-output>/, 'the failing test output is handed on');
    await run.revert();
  });
});
