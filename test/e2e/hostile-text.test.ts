// A workbook attacked through its own data and its launch address, in headless
// Chromium against the browser host (issue 12): the printed address opens the
// app once (12.3); an item id made of HTML stays text in every chart tooltip, with
// no CSP complaint in the console (12.5); an item name with a bidi override is
// shown isolated from the text around it (12.10).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appInBrowser, callApi, ROOT, type RunningHost, screenshot } from './browser';

/** An item id that, inserted as HTML, sends the tab elsewhere; a category that, as HTML, runs script. */
const HOSTILE_ID = '<meta http-equiv="refresh" content="0;url=/?pwned">';
const HOSTILE_CATEGORY = '<img src=x onerror="document.title=\'pwned\'">';
const BIDI_NAME = '\u202Egnp.exe Lemonade';

const csvField = (text: string) => `"${text.replace(/"/g, '""')}"`;

function fwb(...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`fwb ${args.join(' ')}: ${r.stderr}`);
}

/**
 * One item with the hostile id: 21 months of actuals, a run at origin 2026-06
 * whose lag-1 line (model 100, actual 200) was overridden to 150, so the
 * Accuracy scatter holds one point at +50 % size and +25 % error reduction: the
 * top right corner of its axes.
 */
function hostileWorkbook(dir: string): string {
  const db = join(dir, 'hostile.sqlite');
  const file = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const id = csvField(HOSTILE_ID);
  const months = Array.from({ length: 21 }, (_, m) => new Date(Date.UTC(2025, m, 1)).toISOString().slice(0, 10));
  fwb('import', '--db', db, '--kind', 'items', file('items.csv', ['item_id,name,category', `${id},${csvField(BIDI_NAME)},${csvField(HOSTILE_CATEGORY)}`]));
  fwb('import', '--db', db, '--kind', 'actuals', file('actuals.csv', ['item_id,period,actual', ...months.map((p) => `${id},${p},${p === '2026-07-01' ? 200 : 120 + (Number(p.slice(5, 7)) % 5) * 10}`)]));
  fwb('import', '--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', file('forecasts.csv', ['item_id,period,forecast', `${id},2026-07-01,100`, `${id},2026-08-01,130`, `${id},2026-09-01,140`]));
  fwb('import', '--db', db, '--kind', 'decisions', '--model', 'ets', '--origin', '2026-06-01', file('decisions.csv', ['item_id,period,final,reason,user', `${id},2026-07-01,150,promotion,ana`]));
  return db;
}

describe('hostile text and the launch address, in a browser', () => {
  const app = appInBrowser({
    workbook: hostileWorkbook,
    // The printed one-time address is kept for the browser to use, as a person would.
    tradeLaunchCode: false,
  });
  let session: RunningHost;

  it('opens from the printed one-time address, which then no longer opens the app', async () => {
    expect(app.host.printedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{32}$/);
    await app.page.goto(app.host.printedUrl);
    await app.page.getByLabel('Workbook').filter({ hasText: 'hostile' }).waitFor();
    expect(app.page.url()).not.toContain('code=');
    const token = await app.page.evaluate(() => sessionStorage.getItem('fwb.token'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    session = { ...app.host, url: `${new URL(app.host.printedUrl).origin}/?token=${token}` };
    await callApi(session, 'signIn', { userId: 'chen.wei', displayName: 'Chen Wei', role: 'planner' });

    // Someone else with the same address (from the terminal's scrollback, say) gets nothing.
    const other = await app.browser.newContext({ viewport: { width: 1100, height: 420 } });
    try {
      const late = await other.newPage();
      await late.goto(app.host.printedUrl);
      await late.getByRole('alert').filter({ hasText: 'This launch link was already used or is not valid' }).waitFor();
      expect(await late.evaluate(() => sessionStorage.getItem('fwb.token'))).toBeNull();
      // Nothing on the page still promises a connection that is not coming.
      await late.getByLabel('Status bar').getByText('Not connected to the backend').waitFor();
      await expect(late.getByLabel('Workbook').innerText()).resolves.toBe('No workbook open');
      await expect(late.getByRole('grid', { name: 'Worklist' }).count()).resolves.toBe(0);
      await screenshot(late, 'launch-code-spent');
    } finally {
      await other.close();
    }
    await app.page.reload(); // the tab keeps its session
    await app.page.getByRole('grid', { name: 'Worklist' }).waitFor();
  });

  /** Moves the mouse over `chart` at (x, y) from its top left, then nearby, until a tooltip shows `text`. */
  async function hoverUntilTooltip(chart: Locator, x: number, y: number, text: string): Promise<Locator> {
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const tooltip = chart.locator('div').filter({ hasText: text }).last();
    for (const [dx, dy] of [[0, 0], [-3, 0], [0, 3], [-3, 3], [3, -3], [-6, 6]] as const) {
      await app.page.mouse.move(box.x + (x < 0 ? box.width + x : x) + dx, box.y + y + dy);
      if (await tooltip.isVisible({ timeout: 400 }).catch(() => false)) return tooltip;
      if (app.page.url().includes('pwned')) throw new Error(`a tooltip's HTML sent the tab away, to ${app.page.url()}`);
    }
    throw new Error(`no tooltip with ${text} (the page is at ${app.page.url()})`);
  }

  it('shows an item id made of HTML as text in the Accuracy scatter tooltip, and stays where it is', async () => {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accuracy' }).click();
    const scatter = app.page.getByRole('img', { name: /^Scatter chart of 1 overridden lines/ });
    await scatter.waitFor();
    const before = app.page.url();
    // The one point sits in the top right corner of the grid (right 16 px, top 58 px: OverrideScatter's grid).
    const tooltip = await hoverUntilTooltip(scatter, -16, 58, 'override +50.0 % of model');
    await app.page.waitForTimeout(300); // a refresh of 0 s would have left by now
    expect(app.page.url()).not.toContain('pwned');
    expect(app.page.url()).toBe(before);
    await expect(tooltip.innerText()).resolves.toContain(HOSTILE_ID);
    await expect(tooltip.innerText()).resolves.toContain('reason: promotion');
    expect(await tooltip.locator('meta').count()).toBe(0);
    await screenshot(app.page, 'hostile-scatter-tooltip');
  });

  it('shows the hostile text as text in the Review and Governance charts, and the bidi name isolated', async () => {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    const detail = app.page.getByRole('complementary', { name: 'Item detail' });
    const heading = detail.getByRole('heading', { level: 3 });
    await heading.filter({ hasText: HOSTILE_ID }).waitFor();
    // The name's right-to-left override ends with the name: the id and the dot keep their order.
    await expect(heading.locator('bdi').innerText()).resolves.toBe(BIDI_NAME);
    const chart = detail.getByRole('img', { name: /^Chart of .*: actuals per month/ });
    await hoverUntilTooltip(chart, -12, 120, 'Model forecast');
    await screenshot(app.page, 'hostile-review');

    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Governance' }).click();
    await app.page.getByRole('tab', { name: /Report/ }).click();
    const byCategory = app.page.getByRole('img', { name: /^Bar chart of WAPE % by category/ });
    await byCategory.waitFor();
    const box = (await byCategory.boundingBox())!;
    const tooltip = await hoverUntilTooltip(byCategory, box.width / 2, 150, HOSTILE_CATEGORY);
    expect(await tooltip.locator('img').count()).toBe(0);
    await screenshot(app.page, 'hostile-governance');
    expect(await app.page.title()).not.toBe('pwned');
    expect(app.page.url()).not.toContain('pwned');
    // No CSP complaint about the tooltips' styles, no script error.
    expect(app.problems).toEqual([]);
  });
});
