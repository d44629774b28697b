// Restricted Mode in the real extension host, launched with workspace trust ON (runTest.ts's second launch): SALE
// shows an auction but runs nothing of the workspace — no preflight of the test command, no agent, no pool check —
// and says why; once the workspace is trusted (a click on "Trust" in VS Code's trust editor), the same bid runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixtureTask, review, run, saleApi, settled } from './saleHelpers';

describe('SALE: Restricted Mode (workspace trust on)', function () {
  this.timeout(180_000);

  it('refuses to execute while untrusted, with a clear message, and works after the workspace is trusted', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace opens in Restricted Mode');
    const api = await saleApi();

    const check = await run('sale.checkPool');
    assert.equal(check.ok, false);
    assert.equal((check as { code: string }).code, 'untrusted');

    const task = fixtureTask();
    const done = run('sale.solve', { source: 'text', text: `${task.title}\n${task.body}` });
    const s = await review(api);
    assert.ok(s.notices.some((n) => /not trusted \(Restricted Mode\)/.test(n.message)), 'the panel says so up front');
    assert.equal(api.commandResults().length, 0, 'nothing ran before review: not even the test-command preflight');

    const refused = await run('sale.runWinner');
    assert.equal(refused.ok, false);
    assert.equal((refused as { code: string }).code, 'untrusted');
    assert.match((refused as { error: string }).error, /does not run agents in an untrusted workspace.*Manage Workspace Trust/);
    assert.equal(api.state().phase, 'review', 'still waiting for review: nothing was lost');
    assert.equal(api.commandResults().length, 0, 'and nothing ran');

    // Trust the workspace the way a person does: the trust editor's "Trust" button (the harness clicks it).
    const granted = new Promise<void>((resolve) => vscode.workspace.onDidGrantWorkspaceTrust(() => resolve()));
    await vscode.commands.executeCommand('workbench.trust.manage');
    console.log('[sale-it] click-button: Trust');
    await Promise.race([granted, new Promise((_, reject) => setTimeout(() => reject(new Error('the workspace was not trusted within 30 s')), 30_000))]);
    assert.equal(vscode.workspace.isTrusted, true);

    assert.deepEqual(await run('sale.runWinner'), { ok: true });
    await done;
    const end = await settled(api);
    assert.equal(end.phase, 'done', end.error ?? '');
    assert.ok(api.commandResults().length > 0, 'the agent ran the tests once trusted');
    if (end.outcome === 'pending') await run('sale.revert');
  });
});
