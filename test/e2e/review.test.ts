import { describe, expect, it } from 'vitest';
import { exceptionChip } from '../../renderer/screens/review/exceptionText';
import type { ForecastLinePage } from '../../shared/domain';
import { appInBrowser, callApi, CHEN, screenshot } from './browser';

describe('the app in a browser, on a demo workbook', () => {
  const app = appInBrowser({ as: CHEN });

  it('opens on the Review screen with the current run’s lines', async () => {
    await app.page.goto(app.host.url);
    const nav = app.page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Import', 'Review', 'Accuracy', 'Export', 'Governance']) await expect(nav.getByRole('link', { name }).count()).resolves.toBe(1);
    await expect(nav.getByRole('link', { name: 'Review' }).getAttribute('aria-current')).resolves.toBe('page');

    // The token leaves the address bar once read.
    expect(app.page.url()).not.toContain('token=');
    await app.page.getByLabel('Workbook').filter({ hasText: 'Demo workbook' }).waitFor();

    const grid = app.page.getByRole('grid', { name: 'Worklist' });
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

    const selected = await app.page.getByRole('combobox', { name: 'Forecast run' }).inputValue();
    expect(Number(selected)).toBeGreaterThan(0);
    // The run overview chart waits in a drawer, so the worklist keeps the height.
    await expect(app.page.getByRole('img', { name: /total demand/i }).count()).resolves.toBe(0);
    await app.page.getByText('Run overview: total demand, actuals and model forecast').click();
    await expect(app.page.getByRole('img', { name: /total demand/i }).count()).resolves.toBe(1);
    await app.page.getByText('Run overview: total demand, actuals and model forecast').click();
    // The item detail follows the selected line.
    const detail = app.page.getByRole('complementary', { name: 'Item detail' });
    await detail.getByRole('heading').filter({ hasText: first[col('Item')]! }).waitFor();
    await expect(detail.getByRole('img', { name: /Chart of .*: actuals per month, this run's forecast with its 80 % interval/ }).count()).resolves.toBe(1);
    await screenshot(app.page, 'review');
  });

  it('shows at least 25 lines at 1440×900, and the selected line’s reasons and name in full beside them', async () => {
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
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
    const { currentRunId } = await callApi<{ currentRunId: number }>(app.host, 'getWorkbookInfo', {});
    const first = (await callApi<ForecastLinePage>(app.host, 'getRunLines', { runId: currentRunId, limit: 1 })).rows[0]!;
    expect(first.exceptionReasons.length).toBeGreaterThanOrEqual(2);
    const reasons = app.page.getByRole('list', { name: 'Why this line is an exception' });
    const items = await reasons.getByRole('listitem').allInnerTexts();
    expect(items.map((t) => t.replace(/\s+[+−]\d+$/, ''))).toEqual(first.exceptionReasons.map((r) => exceptionChip(r).long));
    const decision = app.page.getByRole('region', { name: 'Decision' });
    await expect(decision.getByText(first.itemName, { exact: true }).isVisible()).resolves.toBe(true);
    const viewport = app.page.viewportSize()!;
    const aside = (await app.page.getByRole('complementary', { name: 'Item detail' }).boundingBox())!;
    for (const item of await reasons.getByRole('listitem').all()) {
      const box = (await item.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(Math.min(viewport.height, aside.y + aside.height));
      expect(box.x + box.width).toBeLessThanOrEqual(aside.x + aside.width);
    }
    // The Why cell keeps its short forms, all of them on hover.
    const why = await grid.locator('[aria-rowindex="2"] [role=gridcell]').nth(1).getAttribute('title');
    expect(why).toContain(exceptionChip(first.exceptionReasons[0]!).short);
    await screenshot(app.page, 'review-1440x900');
  });

  it('moves through the worklist with the keyboard and sorts in the backend', async () => {
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    await grid.focus();
    await app.page.keyboard.press('j');
    await app.page.keyboard.press('ArrowDown');
    await expect(app.page.locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex')).resolves.toBe('4');
    await app.page.keyboard.press('k');
    await expect(app.page.locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex')).resolves.toBe('3');

    await app.page.getByRole('button', { name: 'Sort by Model qty' }).click(); // quantities sort biggest first
    await expect(grid.getByRole('columnheader', { name: /Model qty/ }).getAttribute('aria-sort')).resolves.toBe('descending');
    // Rows come back from the backend in the new order: wait until the first two are loaded.
    await app.page.waitForFunction(() =>
      ['2', '3'].every((i) => /^SKU-/.test(document.querySelectorAll(`[role=row][aria-rowindex="${i}"] [role=gridcell]`)[2]?.textContent ?? '')),
    );
    const headers = (await grid.getByRole('columnheader').allInnerTexts()).map((h) => h.replace(/[▲▼]/g, '').trim());
    const qty = headers.indexOf('Model qty');
    const top = await grid.locator('[aria-rowindex="2"] [role=gridcell]').nth(qty).innerText();
    const second = await grid.locator('[aria-rowindex="3"] [role=gridcell]').nth(qty).innerText();
    expect(Number(top.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(second.replace(/,/g, '')));
  });

  it('keeps the selected line in view when the keyboard jumps past the rows shown, and leaves the list where it is for a line in view', async () => {
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    const body = grid.locator('.grid-body');
    const selected = app.page.locator('[role=row][aria-selected=true]');
    /** The selected row lies wholly inside the scroller, below the sticky header. */
    const selectedInView = () =>
      grid.evaluate((g) => {
        const row = g.querySelector('[role=row][aria-selected=true]');
        if (!row) return false;
        const r = row.getBoundingClientRect();
        const head = g.querySelector('.grid-head')!.getBoundingClientRect();
        const scroller = g.querySelector('.grid-body')!.getBoundingClientRect();
        return r.height > 0 && r.top >= head.bottom - 0.5 && r.bottom <= scroller.bottom + 0.5;
      });
    const total = Number(await grid.getAttribute('aria-rowcount')) - 1;
    expect(total).toBeGreaterThan(100);
    await grid.focus();
    await app.page.keyboard.press('Home');
    await expect(body.evaluate((b) => b.scrollTop)).resolves.toBe(0);
    // A step within the rows shown moves the selection, not the list.
    await app.page.keyboard.press('j');
    await expect(selected.getAttribute('aria-rowindex')).resolves.toBe('3');
    await expect(body.evaluate((b) => b.scrollTop)).resolves.toBe(0);
    // End: the last line, scrolled to and shown whole.
    await app.page.keyboard.press('End');
    await expect.poll(() => selected.getAttribute('aria-rowindex')).toBe(String(total + 1));
    await expect.poll(selectedInView).toBe(true);
    expect(await body.evaluate((b) => b.scrollTop)).toBeGreaterThan(0);
    // A page up from there: still in view; then Home, back at the top.
    await app.page.keyboard.press('PageUp');
    await expect.poll(selectedInView).toBe(true);
    await app.page.keyboard.press('Home');
    await expect.poll(() => selected.getAttribute('aria-rowindex')).toBe('2');
    await expect.poll(() => body.evaluate((b) => b.scrollTop)).toBe(0);
    await expect.poll(selectedInView).toBe(true);
  });

  it('filters by lag and by text', async () => {
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption('3');
    await app.page.waitForFunction(() => {
      const heads = [...document.querySelectorAll('[role=columnheader]')].map((h) => h.textContent?.replace(/[▲▼]/g, '').trim());
      const lag = heads.indexOf('Lag') + 1;
      const cells = [...document.querySelectorAll(`[role=row][aria-rowindex] [role=gridcell]:nth-child(${lag})`)];
      return cells.length > 0 && cells.every((c) => c.textContent === '3');
    });
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill('zzzz-no-such-item');
    await app.page.getByText('No lines match.').waitFor();
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill('');
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption('');
  });

  it('switches screens from the navigation and with Alt+number', async () => {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
    await app.page.getByRole('table', { name: 'Import batches' }).getByRole('row').nth(1).waitFor();
    await screenshot(app.page, 'import');
    await app.page.keyboard.press('Alt+2');
    await app.page.getByRole('grid', { name: 'Worklist' }).waitFor();
  });

  it('gives every control an accessible name and raises no console errors or CSP violations', async () => {
    const unnamed = await app.page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, a[href], [role=grid]')]
        .filter((el) => {
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length;
          return !labelled && !(el.textContent ?? '').trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
