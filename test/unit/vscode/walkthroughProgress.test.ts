import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WALKTHROUGH_CONTEXT_KEYS, WalkthroughProgress, milestonesIn } from '../../../src/vscode/walkthroughProgress';
import { type PanelState, initialPanelState } from '../../../src/vscode/webviewMessages';

const ROOT = join(__dirname, '..', '..', '..');
const state = (over: Partial<PanelState>): PanelState => ({ ...initialPanelState(), ...over });

describe('the Getting Started walkthrough (vscode/walkthroughProgress)', () => {
  it('reads each step off the panel state: pool checked, auction won, a bid ran, the change settled', () => {
    assert.deepEqual(milestonesIn(state({})), []);
    const check = { label: 'x', at: 't', columns: [], rows: [], notes: [] };
    assert.deepEqual(milestonesIn(state({ poolCheck: check })), ['poolChecked']);
    assert.deepEqual(milestonesIn(state({ winner: 'a' })), ['auctionDone']);
    const exec = [{}] as unknown as PanelState['exec'];
    assert.deepEqual(milestonesIn(state({ winner: 'a', exec })), ['auctionDone', 'bidRan']);
    assert.deepEqual(milestonesIn(state({ winner: 'a', exec, outcome: 'pending' })), ['auctionDone', 'bidRan'], 'a pending change is not settled');
    assert.deepEqual(milestonesIn(state({ winner: 'a', exec, outcome: 'reverted' })), ['auctionDone', 'bidRan', 'settled']);
    assert.deepEqual(milestonesIn(state({ outcome: 'accepted' })), ['settled']);
  });

  it('reports each milestone once, even when a later run starts from scratch', () => {
    const p = new WalkthroughProgress();
    assert.deepEqual(p.update(state({ winner: 'a' })), ['auctionDone']);
    assert.deepEqual(p.update(state({ winner: 'a' })), []);
    assert.deepEqual(p.update(state({})), []);
    assert.deepEqual(p.update(state({ winner: 'b', outcome: 'accepted' })), ['settled']);
    assert.deepEqual(p.done.sort(), ['auctionDone', 'settled']);
    assert.deepEqual(p.reset().sort(), ['auctionDone', 'settled']);
    assert.deepEqual(p.update(state({ winner: 'a' })), ['auctionDone'], 'after a reset, reached again');
  });

  it('package.json: five steps, each with its media file in the package and completed by a command, a setting or a key the extension sets', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const [wt] = pkg.contributes.walkthroughs;
    assert.deepEqual(wt.steps.map((s: { id: string }) => s.id), ['choose-pool', 'check-pool', 'solve-sample', 'read-auction', 'accept-revert']);
    const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const settings = new Set(Object.keys(pkg.contributes.configuration.properties));
    const keys = new Set<string>(Object.values(WALKTHROUGH_CONTEXT_KEYS));
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
    for (const s of wt.steps) {
      const media = s.media.markdown ?? s.media.svg ?? s.media.image;
      assert.ok(media && readFileSync(join(ROOT, media), 'utf8').length > 100, `${s.id}: media ${media}`);
      assert.match(ignore, /^!media\/walkthrough\/\*\.md$/m, '.vscodeignore packages the walkthrough media');
      assert.ok(s.completionEvents.length > 0, `${s.id} is completed by doing it`);
      for (const e of s.completionEvents as string[]) {
        const [kind, what] = e.split(':', 2) as [string, string];
        if (kind === 'onCommand') assert.ok(commands.has(what), `${s.id}: ${e} names a contributed command`);
        else if (kind === 'onSettingChanged') assert.ok(settings.has(what), `${s.id}: ${e} names a contributed setting`);
        else if (kind === 'onContext') assert.ok(keys.has(what), `${s.id}: ${e} names a key the extension sets`);
        else assert.fail(`${s.id}: unexpected completion event ${e}`);
      }
      for (const [, cmd] of (s.description as string).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(cmd), `${s.id}: button ${cmd} is a contributed command`);
    }
  });
});
