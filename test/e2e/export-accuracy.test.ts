// The Export screen's accuracy tables and governance report, in headless
// Chromium against the browser host: choose the table, metric and filter, see
// the preview, export, and re-read the file against the API's own answer.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccuracyOptions, SliceTable, SourceRanking } from '../../shared/accuracy';
import { GOVERNANCE_QUESTIONS, type GovernanceReport } from '../../shared/governance';
import { appInBrowser, callApi, SAM, screenshot } from './browser';

/** How the export writes a figure: rounded to 4 decimals, empty when there is none. */
const rounded = (v: number | null) => (v === null ? '' : String(Number(v.toFixed(4))));
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

describe('exporting accuracy tables and the governance report in the browser', () => {
  const app = appInBrowser({
    as: SAM,
    acceptDownloads: true,
    ready: async () => {
      await app.page.goto(`${app.host.url}#/export`);
      await app.page.getByRole('region', { name: 'Export' }).waitFor();
    },
  });

  const what = () => app.page.getByRole('combobox', { name: 'What' });
  const format = () => app.page.getByRole('combobox', { name: 'Format' });
  const previewTitle = () => app.page.locator('#export-preview-title');

  /** Clicks Export and returns the path the "Export finished" banner names, checked to be in the exports folder. */
  async function exportAndPath(extension: string): Promise<{ path: string; text: string }> {
    await app.page.getByRole('button', { name: 'Export', exact: true }).click();
    const done = app.page.getByRole('status', { name: 'Export finished' });
    await done.waitFor({ timeout: 30_000 });
    const text = await done.innerText();
    const path = new RegExp(`Saved to\\s+(\\S+\\.${extension})`).exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(dirname(path!)).toBe(join(app.dir, 'exports'));
    return { path: path!, text };
  }

  it('offers an accuracy table with its table, metric, lag and category, and previews it', async () => {
    await what().selectOption({ label: 'Accuracy table' });
    await expect.poll(() => previewTitle().innerText()).toMatch(/FVA stairstep, WAPE %/);
    // Tables: the summaries, then every slice in the planner's words.
    const tables = await app.page.getByRole('combobox', { name: 'Accuracy table' }).locator('option').allInnerTexts();
    expect(tables.slice(0, 3)).toEqual(['FVA stairstep', 'Forecast source ranking', 'Direction × size of overrides']);
    expect(tables).toEqual(expect.arrayContaining(['Planner', 'Reason code', 'Override size', 'Category', 'ABC class', 'Item owner', 'Lag', 'Period', 'Model version', 'Run']));
    // Lags and categories are the accuracy filter's own choices.
    const options = await callApi<AccuracyOptions>(app.host, 'getAccuracyOptions', {});
    await expect.poll(() => app.page.getByRole('combobox', { name: 'Lag' }).locator('option').allInnerTexts()).toEqual(['All lags', ...options.lags.map((l) => `Lag ${l}`)]);
    await expect(app.page.getByRole('combobox', { name: 'Category' }).locator('option').allInnerTexts()).resolves.toEqual(['All categories', ...options.categories]);
    // Tables are CSV or XLSX, never HTML.
    await expect(format().locator('option').allInnerTexts()).resolves.toEqual(['CSV', 'Excel (XLSX)']);
    await expect(format().isEnabled()).resolves.toBe(true);
  });

  it('exports reason codes by MAE at lag 2 as CSV: the file holds the API’s slice, row by row', async () => {
    await app.page.getByRole('combobox', { name: 'Accuracy table' }).selectOption({ label: 'Reason code' });
    await app.page.getByRole('combobox', { name: 'Metric' }).selectOption({ label: 'MAE' });
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption('2');
    await expect.poll(() => previewTitle().innerText()).toMatch(/MAE by reason code \(lag 2\)/);
    const api = await callApi<SliceTable>(app.host, 'getAccuracySlice', { by: 'reason', metric: 'mae', filter: { lag: 2 } });
    expect(api.rows.length).toBeGreaterThan(3);
    const preview = app.page.getByRole('table', { name: 'Export preview' });
    await expect(preview.getByRole('columnheader').allInnerTexts()).resolves.toEqual(['Reason code', 'Lines', 'Model MAE', 'Final MAE', 'FVA (points)', 'FVA 95 % low', 'FVA 95 % high', 'Improved', 'Worsened', 'Unchanged']);
    await expect(preview.locator('tbody tr td:first-child').allInnerTexts()).resolves.toEqual(api.rows.map((r) => r.label));

    await format().selectOption('csv');
    const { path, text } = await exportAndPath('csv');
    expect(text).toMatch(new RegExp(`^${api.rows.length} rows · CSV`));
    expect(basename(path)).toMatch(/^demo-accuracy-reason-mae-\d{8}-\d{6}\.csv$/);
    const parsed = Papa.parse<string[]>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    // The last column is the workbook's audit chain head at export (provenance).
    expect(parsed.data[0]).toEqual(['reason', 'n', 'model_mae', 'final_mae', 'fva', 'ci_low', 'ci_high', 'improved', 'worsened', 'unchanged', 'audit_chain_head']);
    expect(parsed.data.slice(1).map((r) => r.slice(0, -1))).toEqual(
      api.rows.map((r) => [r.label, String(r.n), rounded(r.model), rounded(r.final), rounded(r.fva), rounded(r.ci?.low ?? null), rounded(r.ci?.high ?? null), String(r.improved), String(r.worsened), String(r.unchanged)]),
    );
    await screenshot(app.page, 'export-accuracy');

    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Download a copy' }).click()]);
    expect(download.suggestedFilename()).toBe(basename(path));
    expect(readFileSync((await download.path())!, 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it('exports the forecast source ranking in one category as XLSX with numbers as numbers', async () => {
    const options = await callApi<AccuracyOptions>(app.host, 'getAccuracyOptions', {});
    const category = options.categories[0]!;
    await app.page.getByRole('combobox', { name: 'Accuracy table' }).selectOption({ label: 'Forecast source ranking' });
    await app.page.getByRole('combobox', { name: 'Metric' }).selectOption({ label: 'WAPE %' });
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption('');
    await app.page.getByRole('combobox', { name: 'Category' }).selectOption(category);
    await expect.poll(() => previewTitle().innerText()).toContain(`WAPE % by forecast source (category ${category})`);
    await format().selectOption('xlsx');
    const { path } = await exportAndPath('xlsx');
    const ranking = await callApi<SourceRanking>(app.host, 'getAccuracySlice', { by: 'model', metric: 'wape', filter: { category } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(ranking.rows.length + 1);
    ranking.rows.forEach((r, i) => {
      const values = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      expect(values[0]).toBe(r.label);
      expect(values[1]).toBe(r.n);
      expect(values[2]).toBeCloseTo(r.value!, 4);
    });
  });

  it('the governance report is HTML only: the preview lists its headline figures, the file answers the seven questions', async () => {
    await what().selectOption({ label: 'Governance report (HTML)' });
    await expect.poll(() => previewTitle().innerText()).toMatch(/Governance report of .* headline figures/);
    await expect(format().locator('option').allInnerTexts()).resolves.toEqual(['HTML']);
    await expect(format().isDisabled()).resolves.toBe(true);
    const report = await callApi<GovernanceReport>(app.host, 'getGovernanceReport', {});
    const preview = app.page.getByRole('table', { name: 'Export preview' });
    await expect(preview.getByRole('columnheader').allInnerTexts()).resolves.toEqual(['Question', 'Figure', 'Value']);
    const wapeRow = preview.locator('tbody tr').filter({ hasText: 'Model WAPE %' });
    await expect(wapeRow.locator('td').nth(2).innerText()).resolves.toBe(Number(report.monitoring.modelWape!.toFixed(2)).toLocaleString('en-US', { maximumFractionDigits: 2 }));
    const releasesRow = preview.locator('tbody tr').filter({ hasText: 'Releases' });
    await expect(releasesRow.locator('td').nth(2).innerText()).resolves.toBe(String(report.rollback.releases));

    const { path, text } = await exportAndPath('html');
    expect(text).toMatch(/^HTML report · /);
    expect(basename(path)).toMatch(/^demo-governance-report-\d{8}-\d{6}\.html$/);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    const headings = [...html.matchAll(/<h2><span class="q">(\d)<\/span> ([^<]+)<\/h2>/g)].map((m) => [m[1], m[2]]);
    expect(headings).toEqual(GOVERNANCE_QUESTIONS.map((q, i) => [String(i + 1), esc(q)]));
    // Its charts are embedded, not linked.
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|src="http/);
    await screenshot(app.page, 'export-governance');
  });

  it('going back to a table gives CSV and XLSX again, and nothing complained', async () => {
    await what().selectOption('audit');
    await expect.poll(() => previewTitle().innerText()).toMatch(/Audit log/);
    await expect(format().locator('option').allInnerTexts()).resolves.toEqual(['CSV', 'Excel (XLSX)']);
    await expect(format().isEnabled()).resolves.toBe(true);
    expect(app.problems).toEqual([]);
  });
});
