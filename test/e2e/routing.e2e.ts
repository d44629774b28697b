// Learned routing as a person sees it, in the packaged extension (code-server, headless chromium): a repository
// whose memory (imported as JSON lines, as a team would share it) says clearly which agent to use → "Describe a
// Task…" → the panel says "Routed from memory: …" → "Hold the auction anyway" holds it → the Routing Picture.
// Screenshots (light and dark, narrow and wide side bar) land in test/e2e/.screenshots/; look at them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { type E2EHost, makeFixtureRepo, packageExtension, panelFrame, runCommand, screenshot, screenshotOf, startHost } from './harness';

const VIEWPORT = { width: 1500, height: 950 };
const AGENTS = ['sim-qwen3-4b', 'sim-qwen3-8b', 'sim-qwen3-14b', 'sim-qwen3-32b'];

/** Widens the side bar to `width` px by dragging its sash (as sale.e2e.ts does). */
async function sideBarWidth(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const edge = box.x + box.width;
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
  await page.waitForTimeout(400);
}

async function colorTheme(page: Page, theme: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  await page.waitForTimeout(1500);
}

/** The webview frame whose body contains `text` (the bid panel and the routing picture are both webviews). */
async function frameWith(page: Page, text: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = await page.locator('iframe.webview').count();
    for (let i = 0; i < n; i++) {
      const f = panelFrame(page, i);
      if ((await f.locator('body').textContent({ timeout: 2000 }).catch(() => ''))?.includes(text)) return f;
    }
    if (Date.now() > until) throw new Error(`no webview shows "${text}"`);
    await page.waitForTimeout(500);
  }
}

describe('SALE routing from memory in the browser (packaged extension)', function () {
  this.timeout(600_000);
  let host: E2EHost | undefined;
  let fixture: ReturnType<typeof makeFixtureRepo>;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sale-e2e-routing-'));
    const vsix = process.env.SALE_E2E_VSIX || packageExtension(tmp);
    fixture = makeFixtureRepo();
    // Memory that is clear about this task: the 4B passed it six times of six, every other agent failed it twice.
    const lines: string[] = [];
    let n = 0;
    for (const a of AGENTS) {
      const passed = a === 'sim-qwen3-4b';
      for (let i = 0; i < (passed ? 6 : 2); i++) {
        n++;
        lines.push(JSON.stringify({
          schema: 1, id: `seed-${n}`, time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
          task: { id: `seed-${n}`, text: fixture.task.title, source: 'text', repo: 'seed' }, bids: [], winner: a, auctionUsd: 0.01,
          outcome: { executedBy: a, passed, turns: 4, tokens: 20_000, usd: passed ? 0.0012 : 0.004 * (AGENTS.indexOf(a) + 1), kept: passed, escalatedFrom: [], overridden: false,
            attempts: [{ agent: a, passed, usd: passed ? 0.0012 : 0.004 * (AGENTS.indexOf(a) + 1) }] },
          ...(n % 3 === 0 ? { routing: { mode: 'auction', agent: null, cause: n < 6 ? 'empty' : 'thin', reason: n < 6 ? 'No similar task in this repository\'s memory yet: auction held.' : 'Memory is thin for sim-qwen3-4b on tasks like this (1.4 of 2 needed): auction held.' } } : {}),
        }));
      }
    }
    fs.writeFileSync(path.join(tmp, 'seed.jsonl'), lines.join('\n') + '\n');
    host = await startHost({ folder: fixture.folder, vsix, viewport: VIEWPORT, settings: { 'sale.review.mode': 'wait' } });
  });
  afterEach(async function () {
    // What the page showed when a step failed (ignored folder), to see why.
    if (this.currentTest?.state === 'failed' && host) await screenshot(host.page, 'sale-routing-failed').catch(() => undefined);
  });
  after(async () => {
    await host?.close();
    if (fixture) fs.rmSync(path.dirname(fixture.folder), { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('routed from memory: the panel says why, Hold the auction anyway holds it; the Routing Picture draws what was learned', async () => {
    const { page } = host!;
    // Import the memory through the palette and VS Code's own file dialog (a path typed into its quick input).
    // A loaded machine can take minutes to activate a new extension: its commands show in the palette only then.
    await runCommand(page, 'SALE: Import Memory (JSON Lines)', { timeoutMs: 300_000 });
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    // The dialog fills in its starting folder once it has read it: type the path only after that.
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value.startsWith('/'), undefined, { timeout: 30_000 }).catch(() => undefined);
    await page.waitForTimeout(1000);
    await input.fill(path.join(tmp, 'seed.jsonl'));
    await page.waitForTimeout(1000);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    // A loaded machine may drop the Enter: the dialog's own OK button then accepts the typed path.
    if (await input.isVisible()) await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click({ timeout: 5000 }).catch(() => undefined);
    await input.waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
    await screenshot(page, 'sale-routing-import');
    await page.locator('.notifications-toasts', { hasText: 'imported 12 record' }).waitFor({ timeout: 30_000 });

    // Exploration holds the auction on a seeded 5% of routable tasks: then cancel and describe the task again.
    let panel: FrameLocator | undefined;
    for (let attempt = 0; attempt < 4 && !panel; attempt++) {
      await runCommand(page, 'SALE: Describe a Task…');
      await input.waitFor({ state: 'visible' });
      await input.fill(fixture.task.title);
      await page.keyboard.press('Enter');
      const f = await frameWith(page, 'Waiting for your review', 180_000);
      if ((await f.locator('.routed-line').count()) > 0) panel = f;
      else await f.locator('vscode-button[data-key="cancel"]').click();
    }
    assert.ok(panel, 'routed from memory within four tries');
    const line = (await panel.locator('.routed-line').textContent()) ?? '';
    assert.match(line, /^Routed from memory: sim-qwen3-4b passed \d+ of \d+ similar tasks? here; no auction held, \$0\.000 spent on bidding\.$/);
    assert.equal(await panel.locator('article.bid').count(), 0, 'no bid cards: no auction was held');
    assert.equal(await panel.locator('vscode-button[data-key="hold-auction"]').count(), 1);
    for (const theme of ['Dark Modern', 'Light Modern']) {
      await colorTheme(page, theme);
      for (const [width, name] of [[620, 'wide'], [300, 'narrow']] as const) {
        await sideBarWidth(page, width);
        await screenshotOf(page.locator('.part.sidebar'), `sale-routed-${theme.includes('Light') ? 'light' : 'dark'}-${name}`);
      }
    }

    await panel.locator('vscode-button[data-key="hold-auction"]').click();
    await panel.locator('.explanation').filter({ hasText: 'Auction held on request' }).waitFor({ timeout: 180_000 });
    await panel.getByText('Waiting for your review').waitFor({ timeout: 60_000 });
    assert.ok((await panel.locator('article.bid').count()) >= 4, 'every agent bid');
    assert.equal(await panel.locator('.routed-line').count(), 0);
    await panel.locator('vscode-button[data-key="cancel"]').click();
    await panel.getByText('Cancelled').first().waitFor({ timeout: 60_000 });

    await runCommand(page, 'SALE: Show Routing Preferences');
    // Room for the picture in the side bar: fold the bid panel and the figures (a person would drag or fold too).
    for (const name of ['Bids', 'Routing Preferences']) {
      const header = page.locator('.pane-header', { hasText: name }).first();
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    await page.waitForTimeout(1000);
    const pic = await frameWith(page, 'Learned in', 60_000);
    await pic.locator('svg.routing-chart').waitFor({ timeout: 30_000 });
    assert.equal(await pic.locator('svg.routing-chart .pt').count(), 4, 'one point per agent that ran');
    assert.equal(await pic.locator('svg.spark').count(), 4, 'one history line per agent');
    assert.match((await pic.locator('.decisions').textContent()) ?? '', /Auction held.*on request/s);
    for (const theme of ['Dark Modern', 'Light Modern', 'Dark High Contrast']) {
      await colorTheme(page, theme);
      const tone = theme.includes('High Contrast') ? 'hc-dark' : theme.includes('Light') ? 'light' : 'dark';
      for (const [width, name] of [[620, 'wide'], [300, 'narrow']] as const) {
        await sideBarWidth(page, width);
        await screenshotOf(page.locator('.part.sidebar'), `sale-routing-picture-${tone}-${name}`);
        // As drawn in the real font: no point label over another (labelLayout.ts places them; this checks the pixels).
        const boxes = await pic.locator('svg.routing-chart .pt text').evaluateAll((els) => els.map((e) => {
          const b = (e as SVGGraphicsElement).getBBox();
          return { text: e.textContent ?? '', left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height };
        }));
        assert.equal(boxes.length, 4, `${tone} ${name}: a label per point`);
        for (const [i, a] of boxes.entries()) {
          for (const b of boxes.slice(i + 1)) {
            assert.ok(!(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom), `${tone} ${name}: "${a.text}" overlaps "${b.text}"`);
          }
        }
      }
    }
  });
});
