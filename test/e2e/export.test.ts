// The Export screen in headless Chromium against the browser host: choose the
// plan, see the preview, export CSV, see where the file went, read that file.
import Papa from 'papaparse';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';
import { callApi, launchBrowser, makeDemoWorkbook, screenshot, signIn, startHost, watchConsole, type RunningHost } from './browser';

describe('exporting in the browser', () => {
  const t = tempDir('fwb-e2e-export-');
  const db = join(t.dir, 'demo.sqlite');
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    makeDemoWorkbook(db, 60);
    host = await startHost(db);
    await signIn(host, 'sam.taylor', 'Sam Taylor', 'analyst');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    problems = watchConsole(page);
    await page.goto(`${host.url}#/export`);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    t.cleanup();
  });

  it('previews the plan of a run with its first rows and total', async () => {
    const region = page.getByRole('region', { name: 'Export' });
    await region.waitFor();
    await expect(page.getByRole('combobox', { name: 'What' }).inputValue()).resolves.toBe('plan');
    const runs = await callApi<{ runs: { runId: number; lines: number }[] }>(host, 'listRuns', {});
    const previous = runs.runs[1]!; // the run before the current one: it has planners' decisions
    await page.getByRole('combobox', { name: 'Run' }).selectOption(String(previous.runId));
    const title = page.locator('#export-preview-title');
    await expect.poll(() => title.innerText()).toMatch(new RegExp(`Plan of run ${previous.runId} .* first 50 of ${previous.lines.toLocaleString('en-US')} rows`));
    const preview = page.getByRole('table', { name: 'Export preview' });
    await expect(preview.getByRole('columnheader').allInnerTexts()).resolves.toEqual([
      'Item', 'Item name', 'Location', 'Period', 'Lag', 'Model quantity', 'Final quantity', 'Source', 'Reason', 'Comment', 'Decided by', 'Decided at (UTC)', 'Approval status', 'Approver', 'Model role',
    ]);
    await expect(preview.getByRole('row').count()).resolves.toBe(51);
  });

  it('exports CSV, says where the file went, and the file holds every line', async () => {
    await page.getByRole('combobox', { name: 'Format' }).selectOption('csv');
    await page.getByRole('button', { name: 'Export' }).click();
    const done = page.getByRole('status', { name: 'Export finished' });
    await done.waitFor({ timeout: 30_000 });
    const text = await done.innerText();
    const path = /Saved to\s+(\S+\.csv)/.exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(dirname(path!)).toBe(join(t.dir, 'exports'));
    const rows = Number(/^([\d,]+) rows · CSV/.exec(text)![1]!.replace(/,/g, ''));
    const runs = await callApi<{ runs: { runId: number; lines: number }[] }>(host, 'listRuns', {});
    expect(rows).toBe(runs.runs[1]!.lines);
    expect(existsSync(path!)).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(path!, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(rows);
    expect(new Set(parsed.data.map((r) => r.source))).toEqual(new Set(['model', 'override', 'sales_input']));
    await screenshot(page, 'export');

    // The browser host hands the same file over as a download, behind the token.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download a copy' }).click()]);
    expect(download.suggestedFilename()).toBe(path!.split('/').pop());
    expect(readFileSync((await download.path())!, 'utf8')).toBe(readFileSync(path!, 'utf8'));
    const origin = new URL(host.url).origin;
    expect((await fetch(`${origin}/api/exports/${encodeURIComponent(download.suggestedFilename())}`)).status).toBe(401);
    const token = new URL(host.url).searchParams.get('token');
    expect((await fetch(`${origin}/api/exports/..%2Fdemo.sqlite`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('switches to the audit log as XLSX', async () => {
    await page.getByRole('combobox', { name: 'What' }).selectOption('audit');
    await expect.poll(() => page.locator('#export-preview-title').innerText()).toMatch(/Audit log/);
    await page.getByRole('combobox', { name: 'Format' }).selectOption('xlsx');
    await page.getByRole('button', { name: 'Export' }).click();
    const done = page.getByRole('status', { name: 'Export finished' });
    await expect.poll(() => done.innerText(), { timeout: 30_000 }).toMatch(/rows · XLSX .* Audit log/);
    expect(problems).toEqual([]);
  });
});
