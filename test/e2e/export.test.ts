// The Export screen in headless Chromium against the browser host: choose the
// plan, see the preview, export CSV, see where the file went, read that file.
import Papa from 'papaparse';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appInBrowser, callApi, SAM, screenshot } from './browser';

describe('exporting in the browser', () => {
  const app = appInBrowser({ items: 60, as: SAM, acceptDownloads: true, ready: () => app.page.goto(`${app.host.url}#/export`).then(() => undefined) });

  it('previews the plan of a run with its first rows and total', async () => {
    const region = app.page.getByRole('region', { name: 'Export' });
    await region.waitFor();
    await expect(app.page.getByRole('combobox', { name: 'What' }).inputValue()).resolves.toBe('plan');
    const runs = await callApi<{ runs: { runId: number; lines: number }[] }>(app.host, 'listRuns', {});
    const previous = runs.runs[1]!; // the run before the current one: it has planners' decisions
    await app.page.getByRole('combobox', { name: 'Run' }).selectOption(String(previous.runId));
    const title = app.page.locator('#export-preview-title');
    await expect.poll(() => title.innerText()).toMatch(new RegExp(`Plan of run ${previous.runId} .* first 50 of ${previous.lines.toLocaleString('en-US')} rows`));
    const preview = app.page.getByRole('table', { name: 'Export preview' });
    await expect(preview.getByRole('columnheader').allInnerTexts()).resolves.toEqual([
      'Item', 'Item name', 'Location', 'Period', 'Lag', 'Model quantity', 'Final quantity', 'Source', 'Reason', 'Comment', 'Decided by', 'Decided at (UTC)', 'Approval status', 'Approver', 'Model role',
    ]);
    await expect(preview.getByRole('row').count()).resolves.toBe(51);
  });

  it('exports CSV, says where the file went, and the file holds every line', async () => {
    await app.page.getByRole('combobox', { name: 'Format' }).selectOption('csv');
    await app.page.getByRole('button', { name: 'Export' }).click();
    const done = app.page.getByRole('status', { name: 'Export finished' });
    await done.waitFor({ timeout: 30_000 });
    const text = await done.innerText();
    const path = /Saved to\s+(\S+\.csv)/.exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(dirname(path!)).toBe(join(app.dir, 'exports'));
    const rows = Number(/^([\d,]+) rows · CSV/.exec(text)![1]!.replace(/,/g, ''));
    const runs = await callApi<{ runs: { runId: number; lines: number }[] }>(app.host, 'listRuns', {});
    expect(rows).toBe(runs.runs[1]!.lines);
    expect(existsSync(path!)).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(path!, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(rows);
    expect(new Set(parsed.data.map((r) => r.source))).toEqual(new Set(['model', 'override', 'sales_input']));
    await screenshot(app.page, 'export');

    // The browser host hands the same file over as a download, behind the token.
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Download a copy' }).click()]);
    expect(download.suggestedFilename()).toBe(path!.split('/').pop());
    expect(readFileSync((await download.path())!, 'utf8')).toBe(readFileSync(path!, 'utf8'));
    const origin = new URL(app.host.url).origin;
    expect((await fetch(`${origin}/api/exports/${encodeURIComponent(download.suggestedFilename())}`)).status).toBe(401);
    const token = new URL(app.host.url).searchParams.get('token');
    expect((await fetch(`${origin}/api/exports/..%2Fdemo.sqlite`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('switches to the audit log as XLSX', async () => {
    await app.page.getByRole('combobox', { name: 'What' }).selectOption('audit');
    await expect.poll(() => app.page.locator('#export-preview-title').innerText()).toMatch(/Audit log/);
    await app.page.getByRole('combobox', { name: 'Format' }).selectOption('xlsx');
    await app.page.getByRole('button', { name: 'Export' }).click();
    const done = app.page.getByRole('status', { name: 'Export finished' });
    await expect.poll(() => done.innerText(), { timeout: 30_000 }).toMatch(/rows · XLSX .* Audit log/);
    expect(app.problems).toEqual([]);
  });
});
