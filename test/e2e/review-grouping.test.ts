// The worklist grouped by item, the attribute filter and refresh on plan changes,
// in headless Chromium against the browser host on a demo workbook.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ItemAttributeFacet } from '../../shared/domain';
import { appInBrowser, callApi, CHEN, screenshot } from './browser';

/** What the grid shows: each rendered row's index, whether it is an item header, its item and score. */
async function visibleRows(page: Page): Promise<{ index: number; header: boolean; item: string; score: number; selected: boolean }[]> {
  return page.evaluate(() => {
    const heads = [...document.querySelectorAll('[role=columnheader]')].map((h) => h.textContent?.replace(/[▲▼]/g, '').trim());
    const itemCol = heads.indexOf('Item');
    return [...document.querySelectorAll('[role=grid] [role=rowgroup] + [role=rowgroup] [role=row], [role=grid] .grid-empty ~ [role=rowgroup] [role=row]')]
      .map((row) => {
        const cells = [...row.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '');
        const header = row.classList.contains('group-head');
        return {
          index: Number(row.getAttribute('aria-rowindex')) - 2,
          header,
          item: header ? (row.getAttribute('data-item') ?? '') : (cells[itemCol] ?? ''),
          score: Number(cells[0]),
          selected: row.getAttribute('aria-selected') === 'true',
        };
      })
      .sort((a, b) => a.index - b.index);
  });
}

describe('the worklist grouped by item, in a browser', () => {
  const app = appInBrowser({
    as: CHEN,
    ready: async () => {
      runId = (await callApi<{ currentRunId: number }>(app.host, 'getWorkbookInfo', {})).currentRunId;
    },
  });
  let runId: number;

  it('groups each item’s lines under a header, items by their highest exception', async () => {
    await app.page.goto(app.host.url);
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    await grid.getByRole('row').nth(1).getByRole('gridcell').nth(2).filter({ hasText: /^SKU-/ }).waitFor();
    const toggle = app.page.getByRole('checkbox', { name: 'Group by item' });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await grid.locator('.group-head').first().waitFor();
    await app.page.waitForFunction(() => document.querySelector('.grid-foot')?.textContent?.includes('grouped by item'));

    const rows = await visibleRows(app.page);
    expect(rows[0]).toMatchObject({ index: 0, header: true });
    // Each header is followed by its own item's lines only, and every item appears once.
    const seen = new Set<string>();
    let current = '';
    const headerScores: number[] = [];
    for (const row of rows) {
      if (row.header) {
        expect(seen.has(row.item)).toBe(false);
        seen.add(row.item);
        current = row.item;
        headerScores.push(row.score);
      } else expect(row.item).toBe(current);
    }
    expect(seen.size).toBeGreaterThan(2);
    expect([...headerScores].sort((a, b) => b - a)).toEqual(headerScores);
    // The header names the item, its owner, how many lines and how many are decided.
    const firstHeader = grid.locator('.group-head').first();
    await expect(firstHeader.innerText()).resolves.toMatch(/SKU-\d+[\s\S]*\d+ lines? · \d+ decided/);
    await expect(firstHeader.getAttribute('aria-label')).resolves.toMatch(/^SKU-\d+ .+: \d+ lines? · \d+ decided, highest score \d+, owner /);
    // The selection starts on the first line, never on a header.
    expect(rows.find((r) => r.selected)).toMatchObject({ index: 1, header: false });
    await screenshot(app.page, 'review-grouped');
  });

  it('moves with j/k across a group boundary, stepping over the header', async () => {
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    await grid.focus();
    const rows = await visibleRows(app.page);
    const secondHeader = rows.find((r) => r.header && r.index > 0)!;
    const selected = async () => (await visibleRows(app.page)).find((r) => r.selected)!;
    // Down through the first item's lines to its last one.
    for (let i = 1; i < secondHeader.index - 1; i++) await app.page.keyboard.press('j');
    expect(await selected()).toMatchObject({ index: secondHeader.index - 1, item: rows[0]!.item });
    await app.page.keyboard.press('j');
    expect(await selected()).toMatchObject({ index: secondHeader.index + 1, item: secondHeader.item, header: false });
    await app.page.keyboard.press('k');
    expect(await selected()).toMatchObject({ index: secondHeader.index - 1, item: rows[0]!.item });
    await app.page.keyboard.press('ArrowDown');
    expect((await selected()).item).toBe(secondHeader.item);
    // The item detail follows the line the planner lands on.
    await app.page.getByRole('complementary', { name: 'Item detail' }).getByRole('heading').filter({ hasText: secondHeader.item }).waitFor();
    // Home goes to the first line, not onto the first header.
    await app.page.keyboard.press('Home');
    expect(await selected()).toMatchObject({ index: 1, header: false });
  });

  it('accepts with a and moves on to the next line, over the next header', async () => {
    const rows = await visibleRows(app.page);
    const secondHeader = rows.find((r) => r.header && r.index > 0)!;
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    await grid.focus();
    for (let i = 1; i < secondHeader.index - 1; i++) await app.page.keyboard.press('j');
    await app.page.keyboard.press('a');
    await app.page.waitForFunction(
      (index) => document.querySelector(`[role=row][aria-selected=true]`)?.getAttribute('aria-rowindex') === String(index + 2),
      secondHeader.index + 1,
    );
    // The accepted line says so, and its item's header counts it.
    await app.page.waitForFunction((index) => document.querySelector(`[role=row][aria-rowindex="${index + 1}"]`)?.textContent?.includes('accepted'), secondHeader.index);
    await expect(grid.locator('.group-head').first().innerText()).resolves.toMatch(/[1-9]\d* decided/);
  });

  it('filters by an item attribute, grouped or not', async () => {
    const { attributes } = await callApi<{ attributes: ItemAttributeFacet[] }>(app.host, 'listItemAttributes', { runId });
    const supplier = attributes.find((a) => a.name === 'supplier')!.values[0]!;
    const attribute = app.page.getByRole('combobox', { name: 'Attribute', exact: true });
    const value = app.page.getByRole('combobox', { name: 'Attribute value' });
    expect(await value.isDisabled()).toBe(true);
    await attribute.selectOption({ label: 'Supplier' });
    await value.selectOption(supplier.value);
    const expected = await callApi<ForecastLinePage>(app.host, 'getRunLines', { runId, limit: 2000, filter: { attribute: { name: 'supplier', value: supplier.value } } });
    const items = new Set(expected.rows.map((r) => r.itemId));
    expect(items.size).toBe(supplier.items);
    await app.page.waitForFunction(
      (text) => document.querySelector('.grid-foot')?.textContent?.startsWith(text),
      `${expected.total.toLocaleString('en-US')} lines of ${items.size} item`,
    );
    const rows = await visibleRows(app.page);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => items.has(r.item))).toBe(true);
    await screenshot(app.page, 'review-grouped-filtered');

    // Ungrouped, the same lines.
    await app.page.getByRole('checkbox', { name: 'Group by item' }).uncheck();
    await app.page.waitForFunction((n) => document.querySelector('.grid-foot')?.textContent?.startsWith(`${n} line`), expected.total.toLocaleString('en-US'));
    expect((await visibleRows(app.page)).every((r) => !r.header && items.has(r.item))).toBe(true);
    await attribute.selectOption('');
    expect(await value.isDisabled()).toBe(true);
  });

  it('refreshes the lines on screen when a decision is made elsewhere', async () => {
    // Grouping back on with g, from the keyboard.
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('g');
    expect(await app.page.getByRole('checkbox', { name: 'Group by item' }).isChecked()).toBe(true);
    await app.page.locator('.group-head').first().waitFor();
    const target = (await visibleRows(app.page)).find((r) => !r.header && !r.selected && r.index > 3)!;
    const lines = await callApi<ForecastLinePage>(app.host, 'getRunLines', { runId, groupByItem: true, offset: target.index, limit: 1 });
    const line = lines.rows[0]!;
    expect(line.itemId).toBe(target.item);
    expect(line.status).toBe('undecided');
    // Another window (here: the API directly) decides it; the backend announces the change.
    await callApi(app.host, 'decideLine', { lineId: line.lineId, action: 'accept' });
    await app.page.waitForFunction((index) => document.querySelector(`[role=row][aria-rowindex="${index + 2}"]`)?.textContent?.includes('accepted'), target.index);
  });

  it('gives every control an accessible name and raises no console errors', async () => {
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
