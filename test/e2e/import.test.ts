import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';
import { launchBrowser, makeDemoWorkbook, screenshot, signIn, startHost, watchConsole, type RunningHost } from './browser';

/** A forecast file as a forecasting library writes it, with three bad rows planted. */
function forecastCsv(path: string): void {
  const lines = ['sku;date;yhat;yhat_lower;yhat_upper'];
  for (let i = 1; i <= 40; i++) {
    for (let m = 1; m <= 3; m++) {
      const q = 100 + i;
      lines.push(`SKU-${10000 + i};2026-${String(10 + m).padStart(2, '0')}-01;${q},5;${q - 20},25;${q + 30}`.replace('2026-13', '2027-01'));
    }
  }
  lines.push('SKU-10001;2026-11-15;12;10;14'); // not a bucket start
  lines.push('SKU-10002;2026-12-01;lots;1;2'); // not a number (and a duplicate key)
  lines.push('SKU-10003;2027-02-01;-5;-6;1'); // negative
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'latin1');
}

describe('importing a forecast file in the browser', () => {
  const t = tempDir('fwb-e2e-import-');
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const file = join(t.dir, 'prophet_forecast_2026-10.csv');

  beforeAll(async () => {
    const db = join(t.dir, 'demo.sqlite');
    makeDemoWorkbook(db, 60);
    forecastCsv(file);
    host = await startHost(db);
    await signIn(host, 'sam.taylor', 'Sam Taylor', 'analyst');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    problems = watchConsole(page);
    await page.goto(host.url.replace('/?', '/?') + '#/import');
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    t.cleanup();
  });

  it('previews the file with its detected format and mapping', async () => {
    await page.getByRole('combobox', { name: 'Kind of data' }).selectOption('forecasts');
    await page.getByLabel('Choose file').setInputFiles(file);
    const title = page.locator('#preview-title');
    await title.waitFor();
    await expect(title.innerText()).resolves.toMatch(/prophet_forecast_2026-10\.csv · .* · CSV · delimiter “;” · .* · decimal comma/);
    await expect(page.getByRole('combobox', { name: 'Column for Item' }).inputValue()).resolves.toBe('sku');
    await expect(page.getByRole('combobox', { name: 'Column for Period' }).inputValue()).resolves.toBe('date');
    await expect(page.getByRole('combobox', { name: 'Column for Forecast' }).inputValue()).resolves.toBe('yhat');
    const previewRows = page.getByRole('table', { name: 'File preview' }).getByRole('row');
    await expect(previewRows.count()).resolves.toBeGreaterThan(5);
    await page.getByRole('textbox', { name: 'Model name' }).fill('Prophet');
    await page.getByLabel('Origin', { exact: true }).fill('2026-10-01');
    await screenshot(page, 'import-preview');
  });

  it('imports the good rows, quarantines the bad ones with row and column, and records the batch', async () => {
    await page.getByRole('button', { name: 'Import file' }).click();
    const ok = page.locator('.banner.ok');
    await ok.waitFor({ timeout: 30_000 });
    await expect(ok.innerText()).resolves.toMatch(/123 rows read · 120 accepted · 3 quarantined/);
    await expect(ok.innerText()).resolves.toMatch(/Prophet @ Oct 2026 \(120 lines\)/);

    const quarantine = page.getByRole('table', { name: 'Quarantined rows' });
    await quarantine.waitFor();
    const rows = await quarantine.getByRole('row').allInnerTexts();
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^122\tdate\t.*2026-11-15/);
    expect(rows[2]).toMatch(/^123\tyhat\t.*lots/);
    expect(rows[3]).toMatch(/^124\tyhat\t.*-5/);

    const history = page.getByRole('table', { name: 'Import batches' });
    await expect(history.getByRole('row').nth(1).innerText()).resolves.toMatch(/forecasts\tprophet_forecast_2026-10\.csv\tProphet.*\t123\t120\t3\tsam\.taylor\t/);
    await screenshot(page, 'import-done');
  });

  it('refuses the same file a second time, saying why', async () => {
    await page.getByLabel('Choose file').setInputFiles(file);
    await page.locator('#preview-title').waitFor();
    await page.getByRole('textbox', { name: 'Model name' }).fill('Prophet');
    await page.getByRole('button', { name: 'Import file' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'was not imported' });
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toMatch(/already imported as batch \d+/);
  });

  it('shows the new run in Review', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    const options = await page.getByRole('combobox', { name: 'Forecast run' }).locator('option').allInnerTexts();
    expect(options.some((o) => /^Prophet .*origin Oct 2026 · 120 lines$/.test(o))).toBe(true);
    expect(problems).toEqual([]);
  });
});
