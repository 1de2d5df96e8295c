import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';
import { exceptionChip } from '../../renderer/screens/review/exceptionText';
import type { ForecastLinePage } from '../../shared/domain';
import { callApi, launchBrowser, makeDemoWorkbook, screenshot, signIn, startHost, watchConsole, type RunningHost } from './browser';

describe('the app in a browser, on a demo workbook', () => {
  const t = tempDir('fwb-e2e-');
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const db = join(t.dir, 'demo.sqlite');
    makeDemoWorkbook(db, 120);
    host = await startHost(db);
    await signIn(host, 'chen.wei', 'Chen Wei', 'planner');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = watchConsole(page);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    t.cleanup();
  });

  it('opens on the Review screen with the current run’s lines', async () => {
    await page.goto(host.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Import', 'Review', 'Accuracy', 'Export', 'Governance']) await expect(nav.getByRole('link', { name }).count()).resolves.toBe(1);
    await expect(nav.getByRole('link', { name: 'Review' }).getAttribute('aria-current')).resolves.toBe('page');

    // The token leaves the address bar once read.
    expect(page.url()).not.toContain('token=');
    await page.getByLabel('Workbook').filter({ hasText: 'Demo workbook' }).waitFor();

    const grid = page.getByRole('grid', { name: 'Worklist' });
    await grid.getByRole('row').nth(1).getByRole('gridcell').nth(2).filter({ hasText: /^SKU-/ }).waitFor();
    const headers = (await grid.getByRole('columnheader').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
    expect(headers).toEqual(expect.arrayContaining(['Score', 'Why', 'Item', 'Period', 'Lag', 'Model qty', 'Interval']));
    const col = (name: string) => headers.indexOf(name);
    const first = await grid.getByRole('row').nth(1).getByRole('gridcell').allInnerTexts();
    const second = await grid.getByRole('row').nth(2).getByRole('gridcell').allInnerTexts();
    expect(first[col('Item')]).toMatch(/^SKU-\d+$/);
    expect(first[col('Period')]).toMatch(/^(Nov|Dec) 202[67]|^(Jan|Feb|Mar|Apr) 2027$/);
    expect(Number(first[col('Lag')])).toBeGreaterThanOrEqual(1);
    expect(Number(first[col('Model qty')]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(0);
    expect(first[col('Interval')]).toMatch(/^[\d,]+–[\d,]+$/);
    // Exceptions first: the highest score leads, with its reasons.
    expect(Number(first[col('Score')])).toBeGreaterThanOrEqual(Number(second[col('Score')]));
    expect(first[col('Why')]).not.toBe('');

    const selected = await page.getByRole('combobox', { name: 'Forecast run' }).inputValue();
    expect(Number(selected)).toBeGreaterThan(0);
    // The run overview chart waits in a drawer, so the worklist keeps the height.
    await expect(page.getByRole('img', { name: /total demand/i }).count()).resolves.toBe(0);
    await page.getByText('Run overview: total demand, actuals and model forecast').click();
    await expect(page.getByRole('img', { name: /total demand/i }).count()).resolves.toBe(1);
    await page.getByText('Run overview: total demand, actuals and model forecast').click();
    // The item detail follows the selected line.
    const detail = page.getByRole('complementary', { name: 'Item detail' });
    await detail.getByRole('heading').filter({ hasText: first[col('Item')]! }).waitFor();
    await expect(detail.getByRole('img', { name: /Chart of .*: actuals per month, this run's forecast with its 80 % interval/ }).count()).resolves.toBe(1);
    await screenshot(page, 'review');
  });

  it('shows at least 25 lines at 1440×900, and the selected line’s reasons and name in full beside them', async () => {
    const grid = page.getByRole('grid', { name: 'Worklist' });
    const visible = await grid.evaluate((g) => {
      const body = g.querySelector('.grid-body')!.getBoundingClientRect();
      const head = g.querySelector('.grid-head')!.getBoundingClientRect();
      return [...g.querySelectorAll('.grid-body [role=row][aria-rowindex]')].filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= head.bottom - 0.5 && b.bottom <= body.bottom + 0.5 && b.height > 0;
      }).length;
    });
    expect(visible).toBeGreaterThanOrEqual(25);

    // The first line (selected): every reason in full words, readable without scrolling, beside the list.
    const { currentRunId } = await callApi<{ currentRunId: number }>(host, 'getWorkbookInfo', {});
    const first = (await callApi<ForecastLinePage>(host, 'getRunLines', { runId: currentRunId, limit: 1 })).rows[0]!;
    expect(first.exceptionReasons.length).toBeGreaterThanOrEqual(2);
    const reasons = page.getByRole('list', { name: 'Why this line is an exception' });
    const items = await reasons.getByRole('listitem').allInnerTexts();
    expect(items.map((t) => t.replace(/\s+[+−]\d+$/, ''))).toEqual(first.exceptionReasons.map((r) => exceptionChip(r).long));
    const decision = page.getByRole('region', { name: 'Decision' });
    await expect(decision.getByText(first.itemName, { exact: true }).isVisible()).resolves.toBe(true);
    const viewport = page.viewportSize()!;
    const aside = (await page.getByRole('complementary', { name: 'Item detail' }).boundingBox())!;
    for (const item of await reasons.getByRole('listitem').all()) {
      const box = (await item.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(Math.min(viewport.height, aside.y + aside.height));
      expect(box.x + box.width).toBeLessThanOrEqual(aside.x + aside.width);
    }
    // The Why cell keeps its short forms, all of them on hover.
    const why = await grid.locator('[aria-rowindex="2"] [role=gridcell]').nth(1).getAttribute('title');
    expect(why).toContain(exceptionChip(first.exceptionReasons[0]!).short);
    await screenshot(page, 'review-1440x900');
  });

  it('moves through the worklist with the keyboard and sorts in the backend', async () => {
    const grid = page.getByRole('grid', { name: 'Worklist' });
    await grid.focus();
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex')).resolves.toBe('4');
    await page.keyboard.press('k');
    await expect(page.locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex')).resolves.toBe('3');

    await page.getByRole('button', { name: 'Sort by Model qty' }).click(); // quantities sort biggest first
    await expect(grid.getByRole('columnheader', { name: /Model qty/ }).getAttribute('aria-sort')).resolves.toBe('descending');
    // Rows come back from the backend in the new order: wait until the first two are loaded.
    await page.waitForFunction(() =>
      ['2', '3'].every((i) => /^SKU-/.test(document.querySelectorAll(`[role=row][aria-rowindex="${i}"] [role=gridcell]`)[2]?.textContent ?? '')),
    );
    const headers = (await grid.getByRole('columnheader').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
    const qty = headers.indexOf('Model qty');
    const top = await grid.locator('[aria-rowindex="2"] [role=gridcell]').nth(qty).innerText();
    const second = await grid.locator('[aria-rowindex="3"] [role=gridcell]').nth(qty).innerText();
    expect(Number(top.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(second.replace(/,/g, '')));
  });

  it('filters by lag and by text', async () => {
    await page.getByRole('combobox', { name: 'Lag' }).selectOption('3');
    await page.waitForFunction(() => {
      const heads = [...document.querySelectorAll('[role=columnheader]')].map((h) => h.textContent?.replace(/[▲▼]/g, '').trim());
      const lag = heads.indexOf('Lag') + 1;
      const cells = [...document.querySelectorAll(`[role=row][aria-rowindex] [role=gridcell]:nth-child(${lag})`)];
      return cells.length > 0 && cells.every((c) => c.textContent === '3');
    });
    await page.getByRole('searchbox', { name: 'Filter items' }).fill('zzzz-no-such-item');
    await page.getByText('No lines match.').waitFor();
    await page.getByRole('searchbox', { name: 'Filter items' }).fill('');
    await page.getByRole('combobox', { name: 'Lag' }).selectOption('');
  });

  it('switches screens from the navigation and with Alt+number', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
    await page.getByRole('table', { name: 'Import batches' }).getByRole('row').nth(1).waitFor();
    await screenshot(page, 'import');
    await page.keyboard.press('Alt+2');
    await page.getByRole('grid', { name: 'Worklist' }).waitFor();
  });

  it('gives every control an accessible name and raises no console errors or CSP violations', async () => {
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, a[href], [role=grid]')]
        .filter((el) => {
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length;
          return !labelled && !(el.textContent ?? '').trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    expect(problems).toEqual([]);
  });
});
