// A workbook another program holds for longer than the wait (issue 12.9): the
// Review screen says in a sentence what holds it and to try again, never a stack
// or an "unexpected backend error"; once the other program lets go, the same key
// decides the line.
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastRunSummary } from '../../shared/domain';
import { tempDir } from '../helpers/workbook';
import { callApi, launchBrowser, makeDemoWorkbook, screenshot, signIn, startHost, watchConsole, type RunningHost } from './browser';

describe('a busy workbook in the Review screen', () => {
  const t = tempDir('fwb-e2e-busy-');
  const db = join(t.dir, 'demo.sqlite');
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    makeDemoWorkbook(db, 120);
    host = await startHost(db);
    await signIn(host, 'ana.silva', 'Ana Silva', 'planner');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = watchConsole(page);
    await page.goto(host.url);
    await page.getByRole('grid', { name: 'Worklist' }).getByRole('row').nth(1).getByRole('gridcell').nth(2).filter({ hasText: /^SKU-/ }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    t.cleanup();
  });

  it('says what holds the workbook when a decision cannot wait for it, and decides once it is free', async () => {
    const runs = (await callApi<{ runs: ForecastRunSummary[] }>(host, 'listRuns', {})).runs;
    const lines = await callApi<ForecastLinePage>(host, 'getRunLines', { runId: runs[0]!.runId, limit: 500, filter: { owner: 'ana.silva', status: 'undecided' } });
    const line = lines.rows.find((r) => r.lock === null)!;
    await page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId);
    await page.getByRole('combobox', { name: 'Lag' }).selectOption(String(line.lag));
    await page.waitForFunction(() => document.querySelectorAll('[role=row][aria-rowindex]').length === 2);
    await page.locator('[role=row][aria-rowindex="2"]').click();
    await page.getByRole('grid', { name: 'Worklist' }).focus();

    // fwb, in another process, is importing a file and holds the workbook (as a long final transaction would).
    const other = new Database(db);
    const startedAt = new Date(new Date().setHours(10, 31, 0, 0)).toISOString();
    other
      .prepare("INSERT INTO imports_in_progress (batch_id, kind, file_name, sha256, started_at, program, pid, host, heartbeat_at) VALUES (99, 'forecasts', 'forecasts-2026-11.csv', 'x', ?, 'fwb', ?, ?, ?)")
      .run(startedAt, process.pid, hostname(), new Date().toISOString());
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO workbook_meta (key, value) VALUES ('held', 'by a test')").run();
    const alert = page.getByRole('region', { name: 'Decision' }).getByRole('alert');
    try {
      await page.keyboard.press('a');
      await alert.waitFor({ timeout: 20_000 });
      await expect(alert.innerText()).resolves.toBe('The workbook is busy with the import of forecasts-2026-11.csv (batch 99), started 10:31 by fwb; try again in a moment.');
      await screenshot(page, 'review-busy-workbook');
    } finally {
      other.exec('ROLLBACK');
      other.prepare('DELETE FROM imports_in_progress').run();
      other.close();
    }
    await page.keyboard.press('a');
    await page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').last().filter({ hasText: /^accepted$/ }).waitFor();
    await expect(alert.count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
