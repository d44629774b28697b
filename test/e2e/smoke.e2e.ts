// Proves the e2e harness: the packaged extension installs, the workbench opens on a fixture repo in chromium,
// and a screenshot shows it. Run: npm run test:e2e
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeFixtureRepo, runCommand, screenshot, startHost, type E2EHost } from './harness';

describe('e2e harness (smoke)', function () {
  this.timeout(240000);
  let host: E2EHost | undefined;
  let fixtureParent: string | undefined;

  before(async () => {
    const fixture = makeFixtureRepo();
    fixtureParent = path.dirname(fixture.folder);
    host = await startHost({ folder: fixture.folder });
  });
  after(async () => {
    await host?.close();
    if (fixtureParent) fs.rmSync(fixtureParent, { recursive: true, force: true });
  });

  it('opens the workbench on the fixture repo with the packaged extension installed', async () => {
    const { page } = host!;
    // The explorer shows the fixture's files.
    await runCommand(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'package.json' }).first().waitFor({ timeout: 30000 });
    // The packaged extension is installed, and the workbench shows its activity bar entry (if it contributes one).
    const ext = fs.readdirSync(host!.sandbox.extensionsDir).filter((d) => d.startsWith('sale-dev.sale-vscode-'));
    assert.equal(ext.length, 1, `sale-dev.sale-vscode installed in ${host!.sandbox.extensionsDir}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(host!.sandbox.extensionsDir, ext[0], 'package.json'), 'utf8'));
    const container = manifest.contributes?.viewsContainers?.activitybar?.[0]?.title as string | undefined;
    if (container) {
      await page.locator(`.activitybar .action-item a[aria-label^="${container}"]`).first().waitFor({ timeout: 30000 });
    }
    const file = await screenshot(page, 'smoke-workbench');
    assert.ok(fs.statSync(file).size > 10000, 'a real screenshot');
  });
});
