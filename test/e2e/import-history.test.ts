// Decision history through the Import screen (issue 12.1): a planner is offered
// sales inputs only; an analyst's history file lands on a closed line and is
// refused, row by row, on the current frozen line it tries to rewrite; Review then
// shows the landed decision as imported, never as the named planner's own.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appInBrowser, callApi, demoWorkbook, screenshot, signIn } from './browser';

interface DemoLine {
  runId: number;
  lineId: number;
  itemId: string;
  period: string;
  quantity: number;
}

describe('importing decision history in the browser', () => {
  const app = appInBrowser({
    timeout: 120_000,
    workbook: (dir) => {
      const db = demoWorkbook(dir, 60);
      const raw = new Database(db, { readonly: true });
      const lineSql = `SELECT fl.run_id AS runId, fl.line_id AS lineId, i.item_id AS itemId, printf('%04d-%02d-%02d', fl.period / 10000, fl.period / 100 % 100, fl.period % 100) AS period, fl.quantity
                         FROM forecast_lines fl JOIN items i USING (item_key) JOIN forecast_runs r USING (run_id)`;
      // A line of the run before the current one whose actual is known and that nobody decided in the app.
      closed = raw
        .prepare(
          `${lineSql} WHERE r.origin = (SELECT max(origin) FROM forecast_runs WHERE origin < (SELECT max(origin) FROM forecast_runs))
             AND EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = fl.item_key AND a.period = fl.period AND a.superseded_at IS NULL)
             AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.line_id = fl.line_id) ORDER BY fl.line_id LIMIT 1`,
        )
        .get() as DemoLine;
      // The line: current run, lag 1, Household (the demo freezes lag 1 there).
      frozen = raw.prepare(`${lineSql} WHERE r.origin = (SELECT max(origin) FROM forecast_runs) AND fl.lag = 1 AND i.category = 'Household' ORDER BY fl.line_id LIMIT 1`).get() as DemoLine;
      const origins = new Map(raw.prepare("SELECT run_id, printf('%04d-%02d-%02d', origin / 10000, origin / 100 % 100, origin % 100) FROM forecast_runs").raw().all() as [number, string][]);
      const origin = (runId: number) => origins.get(runId)!;
      raw.close();
      writeFileSync(
        file,
        [
          'item_id,period,final,reason,comment,decided_by,decided_at,model,origin',
          `${closed.itemId},${closed.period},${closed.quantity + 10},promotion,,Ana Silva,${origin(closed.runId)}T10:00:00Z,DemandAI,${origin(closed.runId)}`,
          `${frozen.itemId},${frozen.period},77777,promotion,,Ana Silva,${origin(frozen.runId)}T10:00:00Z,DemandAI,${origin(frozen.runId)}`,
          `${closed.itemId},${closed.period},${closed.quantity + 20},promotion,,Ana Silva,2099-01-01T00:00:00Z,DemandAI,${origin(closed.runId)}`,
        ].join('\n') + '\n',
      );
      return db;
    },
  });
  const file = join(app.dir, 'history.csv');
  let closed: DemoLine;
  let frozen: DemoLine;

  it('offers a planner sales inputs only, and says who imports the rest', async () => {
    await signIn(app.host, 'ana.silva', 'Ana Silva', 'planner');
    await app.page.goto(`${app.host.url}#/import`);
    const kind = app.page.getByRole('combobox', { name: 'Kind of data' });
    // The screen learns who is signed in after it first renders.
    await expect.poll(() => kind.inputValue()).toBe('sales_inputs');
    await expect(kind.locator('option').allInnerTexts()).resolves.toEqual(['Sales inputs']);
    await expect(app.page.getByRole('note').filter({ hasText: 'planners import' }).innerText()).resolves.toBe(
      'Ana Silva is a planner: planners import sales inputs; analysts and managers import the other kinds.',
    );
    await screenshot(app.page, 'import-as-planner');
  });

  it('lands an analyst’s history on the closed line and refuses the current frozen line and the future-dated row, row by row', async () => {
    await signIn(app.host, 'sam.taylor', 'Sam Taylor', 'analyst');
    await app.page.goto(`${app.host.url}#/import`);
    const kind = app.page.getByRole('combobox', { name: 'Kind of data' });
    await expect.poll(() => kind.locator('option').count()).toBe(5);
    await kind.selectOption('decisions');
    await app.page.getByLabel('Choose file').setInputFiles(file);
    await app.page.locator('#preview-title').waitFor();
    await app.page.getByRole('button', { name: 'Import file' }).click();
    const ok = app.page.locator('.banner.ok');
    await ok.waitFor({ timeout: 30_000 });
    await expect(ok.innerText()).resolves.toMatch(/3 rows read · 1 accepted · 2 quarantined/);
    const quarantine = app.page.getByRole('table', { name: 'Quarantined rows' });
    await quarantine.waitFor();
    const rows = await quarantine.getByRole('row').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^3\t\tline is open: decide it in Review \(run \d+ is the newest of model DemandAI .*\); it is frozen too: lag 1 is inside the freeze window of 1 \(policy for category Household\)\t/);
    expect(rows[2]).toMatch(/^4\tdecided_at\tdecided at 2099-01-01T00:00:00\.000Z, after this import .*: a decision cannot be dated in the future\t/);
    await screenshot(app.page, 'import-history-refused-rows');
    // The current plan did not move; nobody named Ana Silva was made a person.
    const journal = await callApi<{ state: { status: string; finalQuantity: number } }>(app.host, 'getLineJournal', { lineId: frozen.lineId });
    expect(journal.state).toMatchObject({ status: 'undecided', finalQuantity: frozen.quantity });
    const session = await callApi<{ users: { userId: string; displayName: string }[] }>(app.host, 'getSession', {});
    expect(session.users.filter((u) => u.displayName === 'Ana Silva').map((u) => u.userId)).toEqual(['ana.silva']);
  });

  it('shows the landed decision in Review as imported, not as Ana Silva’s own', async () => {
    await app.page.goto(app.host.url);
    await app.page.getByRole('combobox', { name: 'Forecast run' }).selectOption(String(closed.runId));
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill(closed.itemId);
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    // "Not decided" leaves closed lines out; the filter by item finds the line.
    const row = grid.locator('[role=row][aria-rowindex]').filter({ hasText: closed.itemId }).filter({ hasText: new Date(`${closed.period}T00:00:00Z`).toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }) });
    await row.first().click();
    const decision = app.page.getByRole('region', { name: 'Decision' });
    const batchId = (await callApi<{ batches: { batchId: number; kind: string }[] }>(app.host, 'listImportBatches', {})).batches.find((b) => b.kind === 'decisions')!.batchId;
    const note = decision.getByRole('note');
    await note.waitFor();
    await expect(note.innerText()).resolves.toBe(
      `The plan of this line is decision history imported from history.csv (batch ${batchId}) by Sam Taylor, as recorded by Ana Silva; it was not decided in this workbook.`,
    );
    const history = decision.getByRole('region', { name: 'Decision history of this line' });
    await expect(history.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(new RegExp(`Overrode to [\\d,.]+ · Promotion · imported from history\\.csv \\(batch ${batchId}\\) by Sam Taylor, as recorded by Ana Silva$`)),
    ]);
    await screenshot(app.page, 'review-imported-history');
  });

  it('names the imported history in the governance report’s answer on accountability', async () => {
    await app.page.goto(`${app.host.url}#/governance`);
    await app.page.getByRole('tab', { name: 'Report' }).click();
    const batchId = (await callApi<{ batches: { batchId: number; kind: string }[] }>(app.host, 'listImportBatches', {})).batches.find((b) => b.kind === 'decisions')!.batchId;
    await app.page
      .getByRole('tabpanel', { name: 'Report' })
      .getByText(`1 decision is history imported from files, not decided in this workbook: imported from history.csv (batch ${batchId}) by Sam Taylor, as recorded by Ana Silva.`, { exact: false })
      .waitFor();
    await app.page.getByText('Where does human accountability sit?').scrollIntoViewIfNeeded();
    await screenshot(app.page, 'governance-imported-history');
    expect(app.problems).toEqual([]);
  });
});
