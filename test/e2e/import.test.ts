import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appInBrowser, SAM, screenshot } from './browser';

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
  const app = appInBrowser({
    items: 60,
    as: SAM,
    viewport: { width: 1440, height: 1000 },
    ready: async () => {
      forecastCsv(file);
      await app.page.goto(`${app.host.url}#/import`);
    },
  });
  const file = join(app.dir, 'prophet_forecast_2026-10.csv');

  it('previews the file with its detected format and mapping', async () => {
    await app.page.getByRole('combobox', { name: 'Kind of data' }).selectOption('forecasts');
    await app.page.getByLabel('Choose file').setInputFiles(file);
    const title = app.page.locator('#preview-title');
    await title.waitFor();
    await expect(title.innerText()).resolves.toMatch(/prophet_forecast_2026-10\.csv · .* · CSV · delimiter “;” · .* · decimal comma/);
    await expect(app.page.getByRole('combobox', { name: 'Column for Item' }).inputValue()).resolves.toBe('sku');
    await expect(app.page.getByRole('combobox', { name: 'Column for Period' }).inputValue()).resolves.toBe('date');
    await expect(app.page.getByRole('combobox', { name: 'Column for Forecast' }).inputValue()).resolves.toBe('yhat');
    const previewRows = app.page.getByRole('table', { name: 'File preview' }).getByRole('row');
    await expect(previewRows.count()).resolves.toBeGreaterThan(5);
    await app.page.getByRole('textbox', { name: 'Model name' }).fill('Prophet');
    await app.page.getByLabel('Origin', { exact: true }).fill('2026-10-01');
    await screenshot(app.page, 'import-preview');
  });

  it('imports the good rows, quarantines the bad ones with row and column, and records the batch', async () => {
    await app.page.getByRole('button', { name: 'Import file' }).click();
    const ok = app.page.locator('.banner.ok');
    await ok.waitFor({ timeout: 30_000 });
    await expect(ok.innerText()).resolves.toMatch(/123 rows read · 120 accepted · 3 quarantined/);
    await expect(ok.innerText()).resolves.toMatch(/Prophet @ Oct 2026 \(120 lines\)/);

    const quarantine = app.page.getByRole('table', { name: 'Quarantined rows' });
    await quarantine.waitFor();
    const rows = await quarantine.getByRole('row').allInnerTexts();
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^122\tdate\t.*2026-11-15/);
    expect(rows[2]).toMatch(/^123\tyhat\t.*lots/);
    expect(rows[3]).toMatch(/^124\tyhat\t.*-5/);

    const history = app.page.getByRole('table', { name: 'Import batches' });
    await expect(history.getByRole('row').nth(1).innerText()).resolves.toMatch(/forecasts\tprophet_forecast_2026-10\.csv\tProphet.*\t123\t120\t3\tsam\.taylor\t/);
    await screenshot(app.page, 'import-done');
  });

  it('refuses the same file a second time, saying why', async () => {
    await app.page.getByLabel('Choose file').setInputFiles(file);
    await app.page.locator('#preview-title').waitFor();
    await app.page.getByRole('textbox', { name: 'Model name' }).fill('Prophet');
    await app.page.getByRole('button', { name: 'Import file' }).click();
    const refusal = app.page.getByRole('alert').filter({ hasText: 'was not imported' });
    await refusal.waitFor();
    const text = await refusal.innerText();
    expect(text).toMatch(/already imported as batch \d+ on \d{4}-\d\d-\d\d; tick “Import again even if already imported” to import it anyway/);
    // The screen words the option as its own control, not as a command-line flag.
    expect(text).not.toMatch(/--/);
  });

  it('undoes the batch from the history, after a confirmation, and the same file then imports without forcing', async () => {
    const history = app.page.getByRole('table', { name: 'Import batches' });
    const newest = history.getByRole('row').nth(1);
    const batchId = Number((await newest.getByRole('cell').first().innerText()).trim());
    // The demo data is the workbook itself: it offers no undo.
    await expect(history.getByRole('row').filter({ hasText: /\tdemo\t/ }).getByRole('button', { name: /^Undo batch/ }).count()).resolves.toBe(0);
    await newest.getByRole('button', { name: `Undo batch ${batchId}…` }).click();
    const confirm = app.page.getByRole('group', { name: `Confirm undo of batch ${batchId}` });
    await confirm.waitFor();
    await expect(confirm.innerText()).resolves.toMatch(/prophet_forecast_2026-10\.csv.*runs and lines/);
    // Keyboard first: the confirming button has the focus, Escape keeps the batch.
    await expect(app.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(`Undo batch ${batchId}`);
    await app.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await newest.getByRole('button', { name: `Undo batch ${batchId}…` }).click();
    await screenshot(app.page, 'import-undo-confirm');
    await confirm.getByRole('button', { name: `Undo batch ${batchId}`, exact: true }).click();

    const done = app.page.getByRole('status').filter({ hasText: `Batch ${batchId} undone` });
    await done.waitFor();
    await expect(done.innerText()).resolves.toMatch(/removed 1 run, 120 forecast lines/);
    // The history is read again once the undo is through: wait for the row to say so.
    const undoneRow = history.getByRole('row').filter({ hasText: /undone by sam\.taylor/ });
    await undoneRow.waitFor();
    await expect(undoneRow.getByRole('cell').first().innerText()).resolves.toBe(String(batchId));
    await screenshot(app.page, 'import-undo-done');

    // A batch others depend on is refused, saying what depends on it.
    const decided = history.getByRole('row').filter({ hasText: 'demo:forecasts-2026-09' });
    await decided.getByRole('button', { name: /^Undo batch \d+…$/ }).click();
    await app.page.getByRole('group', { name: /^Confirm undo of batch/ }).getByRole('button', { name: /^Undo batch \d+$/ }).click();
    const blocked = app.page.getByRole('alert').filter({ hasText: 'Not undone.' });
    await blocked.waitFor();
    await expect(blocked.innerText()).resolves.toMatch(/^Not undone\. batch \d+ \(demo:forecasts-2026-09\) cannot be undone: run \d+ \(DemandAI 2\.4, origin 2026-09-01\) has \d+ decisions on its lines$/);
    await screenshot(app.page, 'import-undo-refused');
    await expect(decided.innerText()).resolves.not.toMatch(/undone/);

    // The file is still staged from the refused attempt: it now goes in without "Import again".
    await expect(app.page.getByRole('checkbox', { name: 'Import again even if already imported' }).isChecked()).resolves.toBe(false);
    await app.page.getByRole('button', { name: 'Import file' }).click();
    const ok = app.page.locator('.banner.ok').filter({ hasText: /rows read/ });
    await ok.waitFor({ timeout: 30_000 });
    await expect(ok.innerText()).resolves.toMatch(/123 rows read · 120 accepted · 3 quarantined/);
  });

  it('shows the new run in Review', async () => {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review' }).click();
    // The run picker fills once the run list arrives: wait for that option rather than reading the list at once.
    const picker = app.page.getByRole('combobox', { name: 'Forecast run' });
    await picker.locator('option', { hasText: /^Prophet .*origin Oct 2026 · 120 lines$/ }).first().waitFor({ state: 'attached' });
    const options = await picker.locator('option').allInnerTexts();
    expect(options.filter((o) => /^Prophet .*origin Oct 2026 · 120 lines$/.test(o))).toHaveLength(1);
    expect(app.problems).toEqual([]);
  });

  it('says before importing that an actuals file chosen as forecasts looks like actuals, in the screen\'s words', async () => {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
    const actuals = join(app.dir, 'sales_history.csv');
    writeFileSync(actuals, 'item_id,period,actual\nSKU-10001,2026-10-01,120\n');
    await app.page.getByRole('combobox', { name: 'Kind of data' }).selectOption('forecasts');
    await app.page.getByLabel('Choose file').setInputFiles(actuals);
    const banner = app.page.getByRole('alert').filter({ hasText: 'this looks like actuals' });
    await banner.waitFor();
    await expect(banner.innerText()).resolves.toBe('sales_history.csv: this looks like actuals, not forecasts: no column holds forecasts; found columns: item_id, period, actual; import it as Actuals (Kind of data).');
    await expect(app.page.getByRole('button', { name: 'Import file' }).isDisabled()).resolves.toBe(true);
    // Notices of earlier actions (the refused undo) belong to them, not to this file.
    await expect(app.page.getByRole('alert').filter({ hasText: 'Not undone.' }).count()).resolves.toBe(0);
    await screenshot(app.page, 'import-other-kind');
    await app.page.getByRole('combobox', { name: 'Kind of data' }).selectOption('actuals');
    await banner.waitFor({ state: 'detached' });
    await expect(app.page.getByRole('button', { name: 'Import file' }).isEnabled()).resolves.toBe(true);
    expect(app.problems).toEqual([]);
  });
});
