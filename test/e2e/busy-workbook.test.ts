// A workbook another program holds for longer than the wait (issue 12.9): the
// Review screen says in a sentence what holds it and to try again, never a stack
// or an "unexpected backend error"; once the other program lets go, the same key
// decides the line.
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastRunSummary } from '../../shared/domain';
import { ANA, appInBrowser, callApi, screenshot, worklistReady } from './browser';

describe('a busy workbook in the Review screen', () => {
  const app = appInBrowser({ as: ANA, ready: async () => {
    await app.page.goto(app.host.url);
    await worklistReady(app.page);
  } });
  const db = join(app.dir, 'demo.sqlite');

  it('says what holds the workbook when a decision cannot wait for it, and decides once it is free', async () => {
    const runs = (await callApi<{ runs: ForecastRunSummary[] }>(app.host, 'listRuns', {})).runs;
    const lines = await callApi<ForecastLinePage>(app.host, 'getRunLines', { runId: runs[0]!.runId, limit: 500, filter: { owner: 'ana.silva', status: 'undecided' } });
    const line = lines.rows.find((r) => r.lock === null)!;
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId);
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption(String(line.lag));
    await app.page.waitForFunction(() => document.querySelectorAll('[role=row][aria-rowindex]').length === 2);
    await app.page.locator('[role=row][aria-rowindex="2"]').click();
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();

    // fwb, in another process, is importing a file and holds the workbook (as a long final transaction would).
    const other = new Database(db);
    const startedAt = new Date(new Date().setHours(10, 31, 0, 0)).toISOString();
    other
      .prepare("INSERT INTO imports_in_progress (batch_id, kind, file_name, sha256, started_at, program, pid, host, heartbeat_at) VALUES (99, 'forecasts', 'forecasts-2026-11.csv', 'x', ?, 'fwb', ?, ?, ?)")
      .run(startedAt, process.pid, hostname(), new Date().toISOString());
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO workbook_meta (key, value) VALUES ('held', 'by a test')").run();
    const alert = app.page.getByRole('region', { name: 'Decision' }).getByRole('alert');
    try {
      await app.page.keyboard.press('a');
      await alert.waitFor({ timeout: 20_000 });
      await expect(alert.innerText()).resolves.toBe('The workbook is busy with the import of forecasts-2026-11.csv (batch 99), started 10:31 by fwb; try again in a moment.');
      await screenshot(app.page, 'review-busy-workbook');
    } finally {
      other.exec('ROLLBACK');
      other.prepare('DELETE FROM imports_in_progress').run();
      other.close();
    }
    await app.page.keyboard.press('a');
    await app.page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').last().filter({ hasText: /^accepted$/ }).waitFor();
    await expect(alert.count()).resolves.toBe(0);
    expect(app.problems).toEqual([]);
  }, 60_000);
});
