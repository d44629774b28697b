// SALE as a person uses it, in the packaged extension, in code-server, in headless chromium:
// palette → "Solve with SALE" on a TODO → the panel shows four bids and a winner → override → execution → Accept.
// Also: a plan full of HTML shows as text; "Solve with SALE" with no folder open says what to do.
// Screenshots land in test/e2e/.screenshots/ (look at them); SALE_UPDATE_SCREENSHOTS=1 refreshes the committed ones. Run: npm run test:e2e
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { type E2EHost, makeFixtureRepo, packageExtension, panelFrame, runCommand, screenshot, screenshotOf, startHost } from './harness';
import { HOSTILE_PLAN, startHtmlPlanModels } from './htmlPlanModels';

const VIEWPORT = { width: 1500, height: 950 };

async function openFileAtLine(page: Page, rel: string, line: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  await page.keyboard.press('Control+G');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Widens the side bar so the panel is readable in screenshots (drag the sash). */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const edge = box.x + box.width;
  // The vertical sash closest to the side bar's right edge.
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height };
  }));
  const sash = sashes.filter((s) => s.h > 100).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash || Math.abs(sash.x - edge) > 10) return;
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, sash.y, { steps: 10 });
  await page.mouse.up();
}

/** Switches the colour theme through the palette (Preferences: Color Theme), as a person would. */
async function setColorTheme(page: Page, theme: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.waitForTimeout(1500);
}

async function panelText(panel: FrameLocator): Promise<string> {
  return (await panel.locator('body').textContent()) ?? '';
}

describe('SALE in the browser (packaged extension)', function () {
  this.timeout(420_000);
  let vsix: string;
  let pkgDir: string;

  before(() => {
    pkgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-e2e-pkg-'));
    vsix = process.env.SALE_E2E_VSIX || packageExtension(pkgDir);
  });
  after(() => fs.rmSync(pkgDir, { recursive: true, force: true }));

  describe('Solve with SALE on a TODO', () => {
    let host: E2EHost | undefined;
    let fixture: ReturnType<typeof makeFixtureRepo>;
    let todoFile: string;

    before(async () => {
      fixture = makeFixtureRepo();
      // A TODO whose text is the task's title (the simulator knows suite tasks by title), committed like real code.
      // …in the file the task is about (the one its solution changes).
      const solved = fs.readdirSync(path.join(fixture.source, 'solution', 'src'))[0];
      todoFile = `src/${solved}`;
      const abs = path.join(fixture.folder, todoFile);
      const lines = fs.readFileSync(abs, 'utf8').split('\n');
      lines.splice(1, 0, `// TODO: ${fixture.task.title}`);
      fs.writeFileSync(abs, lines.join('\n'));
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'add a TODO'], { cwd: fixture.folder });
      // A loaded machine can take more than the default 5 s to bring up a new terminal's shell integration.
      host = await startHost({ folder: fixture.folder, vsix, viewport: VIEWPORT, settings: { 'sale.review.mode': 'wait', 'sale.terminal.shellIntegrationTimeoutMs': 20000 } });
    });
    after(async () => {
      await host?.close();
      if (fixture) fs.rmSync(path.dirname(fixture.folder), { recursive: true, force: true });
    });

    it('palette → four bids and a winner → override → execution → Accept', async () => {
      const { page } = host!;
      // "SALE: Pick a TODO" lists the workspace's TODOs.
      await runCommand(page, 'SALE: Pick a TODO');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: `TODO: ${fixture.task.title}` }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'sale-0-pick-a-todo');
      await page.keyboard.press('Escape');

      await openFileAtLine(page, todoFile, 2);
      await runCommand(page, 'SALE: Solve with SALE');
      const panel = panelFrame(page);
      await panel.getByText('Waiting for your review').waitFor({ timeout: 120_000 });
      await widenSideBar(page, 620);
      await page.waitForTimeout(300);

      const bids = panel.locator('article.bid');
      assert.equal(await bids.count(), (await panel.locator('article.bid').filter({ hasText: 'refined' }).count()) + 4, 'four original bids (plus any refined ones)');
      assert.equal(await panel.locator('.tag.winner').count(), 1, 'exactly one winner');
      assert.equal(await panel.locator('vscode-badge.sim-badge').count(), 1, 'the "simulated models" badge');
      const text = await panelText(panel);
      assert.match(text, /simulated models/);
      assert.match(text, new RegExp(`From todo`));
      assert.match(text, /Why sim-qwen3-\S+ won/);
      assert.match(text, /Score C−V/);
      assert.match(text, /Jurors: /);
      assert.match(text, /pick another bid below/, 'the bids are below the hint');
      assert.doesNotMatch(text, /(sim-qwen3-\d+b)\s*\1/, 'the agent name is not repeated as its model');
      await screenshot(page, 'sale-1-review');

      // The auction picture: one point per valid bid, the winner marked, in a wide and a narrow side bar, dark and light.
      const chart = panel.locator('figure.chart');
      assert.equal(await chart.count(), 1, 'the auction picture');
      assert.equal(await chart.locator('g.pt.winner').count(), 1, 'one winner point');
      assert.ok(await chart.locator('g.pt').count() >= 4, 'a point per bid');
      assert.match((await chart.locator('g.pt.winner title').textContent()) ?? '', /score C − V -?\d/, 'exact figures on hover');
      for (const theme of ['Dark Modern', 'Light Modern']) {
        await setColorTheme(page, theme);
        const tone = theme.includes('Light') ? 'light' : 'dark';
        for (const [width, name] of [[620, 'wide'], [300, 'narrow']] as const) {
          await widenSideBar(page, width);
          await page.waitForTimeout(400);
          await chart.scrollIntoViewIfNeeded();
          await screenshotOf(page.locator('.part.sidebar'), `sale-auction-picture-${tone}-${name}`);
        }
      }
      await setColorTheme(page, 'Dark Modern');
      await widenSideBar(page, 620);
      await page.waitForTimeout(800);

      // The status bar says where the run is.
      const status = page.locator('.statusbar-item', { hasText: 'SALE:' }).first();
      assert.match((await status.textContent()) ?? '', /review/);

      // Open one plan, then override: run the most expensive agent's bid unless it is the winner.
      const winnerCard = panel.locator('article.bid.is-winner');
      const winnerName = (await winnerCard.locator('.agent').textContent())!.trim();
      const pick = winnerName === 'sim-qwen3-32b' ? 'sim-qwen3-14b' : 'sim-qwen3-32b';
      const card = panel.locator(`article.bid[aria-label="Bid of ${pick}"]`);
      await card.locator('summary').click();
      await card.locator('pre.plan').waitFor();
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'sale-2-plan-open');
      await card.getByText('Run this bid instead').click();

      await panel.getByText(/Changes \(\d+ files?\)/).waitFor({ timeout: 180_000 });
      const after = await panelText(panel);
      assert.match(after, new RegExp(`${pick}`));
      assert.match(after, /your choice/, 'the override is marked');
      assert.match(after, /Last test run: (passed|failed) \(exit \d+, in the SALE terminal\)/, 'tests ran in the SALE terminal');
      await panel.locator('section.result').scrollIntoViewIfNeeded();
      await screenshot(page, 'sale-3-executed');

      // The terminal panel shows the SALE terminal.
      assert.ok(await page.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab', { hasText: 'SALE' }).count() + await page.locator('[aria-label*="SALE"]').count() > 0);

      // Open the first changed file in the diff editor.
      await panel.locator('ul.changes a').first().click();
      await page.locator('.tab', { hasText: 'before SALE' }).first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'sale-4-diff-editor');

      // Accept with the keyboard: focus the button, press Enter.
      const accept = panel.locator('vscode-button[data-key="accept"]');
      const passedBeforeAccept = /tests passed/.test(await panelText(panel));
      // The primary (first) button is Accept after passing tests, Revert after failed ones.
      const first = panel.locator('[data-key="outcome-actions"] vscode-button').first();
      assert.equal(await first.getAttribute('data-key'), passedBeforeAccept ? 'accept' : 'revert');
      assert.equal(await accept.getAttribute('secondary') !== null, !passedBeforeAccept, 'Accept is secondary exactly when the tests did not pass');
      await accept.focus();
      await page.keyboard.press('Enter');
      // A change whose tests failed is kept only after a modal question.
      const dialog = page.locator('.monaco-dialog-box');
      const asked = await dialog.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
      assert.equal(asked, !passedBeforeAccept, 'Accept asks first exactly when the tests did not pass');
      if (asked) {
        assert.match((await dialog.textContent()) ?? '', /tests did not pass/);
        await screenshot(page, 'sale-5a-accept-failed-asks');
        await dialog.getByRole('button', { name: 'Keep the Changes' }).click();
      }
      await panel.getByText(/^Accepted/).waitFor({ timeout: 30_000 });
      await panel.locator('section.result').scrollIntoViewIfNeeded();
      await screenshot(page, 'sale-5-accepted');

      // The change is in the files; say whether it passes the repository's tests.
      const run = spawnSync('node', ['--test'], { cwd: fixture.folder, encoding: 'utf8' });
      const passedInPanel = /tests passed/.test(await panelText(panel));
      assert.equal(run.status === 0, passedInPanel, `the panel's verdict matches a real test run (exit ${run.status})`);
      const errors = host!.consoleLines.filter((l) => /Content Security Policy|Refused to (load|execute|apply)/i.test(l));
      assert.deepEqual(errors, [], 'no CSP violations in the webview');
    });
  });

  describe('a plan with HTML and script tags', () => {
    let host: E2EHost | undefined;
    let models: Awaited<ReturnType<typeof startHtmlPlanModels>>;
    let fixture: ReturnType<typeof makeFixtureRepo>;

    before(async () => {
      models = await startHtmlPlanModels();
      fixture = makeFixtureRepo();
      host = await startHost({
        folder: fixture.folder, vsix, viewport: VIEWPORT,
        settings: {
          'sale.pool.preset': 'custom',
          'sale.pool.agents': ['small', 'large'].map((id, i) => ({ id, provider: 'openai', model: id, baseUrl: models.url, price: { inputPerMTok: 0.1 + i, outputPerMTok: 0.1 + i }, logprobs: false })),
        },
      });
    });
    after(async () => {
      await host?.close();
      await models?.close();
      if (fixture) fs.rmSync(path.dirname(fixture.folder), { recursive: true, force: true });
    });

    it('shows as text, runs nothing, injects no element', async () => {
      const { page } = host!;
      const title = await page.title();
      await runCommand(page, 'SALE: Describe a Task…');
      await page.locator('.quick-input-widget input.input').waitFor({ state: 'visible' });
      await page.keyboard.type('Make memoize cache every argument');
      await page.keyboard.press('Enter');
      const panel = panelFrame(page);
      await panel.getByText('Waiting for your review').waitFor({ timeout: 60_000 });
      await widenSideBar(page, 620);
      const card = panel.locator('article.bid').first();
      await card.locator('summary').click();
      const pre = card.locator('pre.plan');
      await pre.waitFor();
      assert.equal(await pre.textContent(), HOSTILE_PLAN, 'the plan is shown exactly, as characters');
      assert.equal(await pre.locator('*').count(), 0, 'the plan is one text node: no element inside it');
      assert.equal(await panel.locator('img, h1, a[href^="javascript"]').count(), 0, 'no element came from the plan anywhere');
      const scripts = await panel.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src || e.textContent || ''));
      assert.ok(scripts.every((s) => !s.includes('pwned')), 'no script element came from the plan');
      assert.ok(scripts.some((s) => s.endsWith('/dist/media/panel.js')), 'the panel\'s own script (with its nonce)');
      assert.equal(await panel.locator('body').evaluate(() => document.title), 'SALE bids');
      assert.match(await panelText(panel), /no logprobs/, 'missing logprobs are said, not hidden');
      assert.equal(await page.title(), title);
      await screenshot(page, 'sale-6-html-plan-as-text');
      await runCommand(page, 'SALE: Cancel');
      await panel.getByText('Cancelled').first().waitFor({ timeout: 30_000 });
    });
  });

  describe('no folder open', () => {
    let host: E2EHost | undefined;
    before(async () => {
      host = await startHost({ vsix, viewport: VIEWPORT });
    });
    after(async () => host?.close());

    it('"Solve with SALE" says what to do', async () => {
      const { page } = host!;
      await runCommand(page, 'SALE: Solve with SALE');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'SALE works inside a folder' });
      await toast.waitFor({ timeout: 30_000 });
      assert.match((await toast.locator('.notification-list-item-message').textContent()) ?? '', /^SALE: Open the repository you want to change first/);
      assert.equal(await toast.getByRole('button', { name: 'Open Folder…' }).count(), 1, 'with a button that does it');
      await screenshot(page, 'sale-7-no-folder');
    });
  });
});
