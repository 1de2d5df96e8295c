// Undo of an import batch that nothing depends on yet: its rows go, the batch
// record stays marked undone (who, when), the undo is audited, fwb check still
// passes, and the same file imports again without --force.
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { governanceReport } from '../../electron/backend/governance/report';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { importFile } from '../../electron/backend/imports/import-file';
import type { ImportOptions } from '../../electron/backend/imports/types';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import { runCli } from '../../electron/cli/main';
import type { ImportBatchSummary } from '../../shared/domain';
import { ok, refused } from '../helpers/api';
import { tempDir } from '../helpers/workbook';
import { all, counts, newWorkbook, one, writeLines } from '../fixtures/import/v_harness';
import { signInAs, TEST_PASSPHRASE } from '../helpers/people';

let t: ReturnType<typeof tempDir>;
let ctx: BackendContext;
let db: Db;
const AT = '2026-11-02T09:30:00.000Z';
const imp = (options: ImportOptions, name: string, lines: string[]) => importFile(ctx, writeLines(t.dir, name, lines), options);
const undo = (batchId: number, user: string | null = 'sam') => undoImportBatch(db, batchId, { user, at: AT });
const rejection = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

beforeEach(async () => {
  t = tempDir('fwb-undo-');
  ({ ctx, db } = await newWorkbook(t.dir));
  // Imports are made as someone of the workbook (issue 12.1): importing creates nobody.
  db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('sam', 'Sam Analyst', 'analyst', ?), ('ana', 'Ana Analyst', 'analyst', ?)").run(AT, AT);
});
afterEach(() => {
  db.close();
  t.cleanup();
});

describe('undo of a forecasts batch', () => {
  // The published M3 files name the method in a column "method": without --map model=method every method lands in one run.
  const m3 = ['series,period,forecast,method', 'N1,2026-07-01,10,ETS', 'N1,2026-08-01,11,ETS', 'N1,2026-07-01,9,ARIMA', 'N1,2026-08-01,12,ARIMA'];

  it('removes the runs, lines and items it created, keeps the record marked undone and audited, and lets the file in again without force', async () => {
    const before = counts(db);
    const bad = await imp({ kind: 'forecasts', origin: '2026-06-01', unknownItems: 'create', map: { item_id: 'series' } }, 'm3_monthly.csv', m3);
    expect(bad).toMatchObject({ rowsAccepted: 2, rowsQuarantined: 2, runs: [expect.objectContaining({ model: 'm3_monthly' })] });

    const out = undo(bad.batchId);
    expect(out).toEqual({
      batchId: bad.batchId,
      kind: 'forecasts',
      fileName: 'm3_monthly.csv',
      undoneAt: AT,
      undoneBy: 'sam',
      removed: { runs: 1, forecastLines: 2, actuals: 0, salesInputs: 0, items: 1 },
      restored: 0,
      keptItems: [],
    });
    expect(counts(db)).toMatchObject({ forecast_runs: before.forecast_runs, forecast_lines: before.forecast_lines, items: before.items, import_batches: 1, quarantine_rows: 2 });
    expect(all(db, 'SELECT batch_id, undone_at, undone_by FROM import_batches')).toEqual([{ batch_id: bad.batchId, undone_at: AT, undone_by: 'sam' }]);
    const audit = all<{ action: string; actor: string; payload: string }>(db, "SELECT action, actor, payload FROM audit_log WHERE entity = 'import_batch' ORDER BY audit_id");
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['import', null], ['import.undo', 'sam']]);
    expect(JSON.parse(audit[1]!.payload)).toMatchObject({ batchId: bad.batchId, fileName: 'm3_monthly.csv', undoneAt: AT, undoneBy: 'sam', removed: { runs: 1, forecastLines: 2, items: 1 } });
    expect(checkWorkbook(db)).toMatchObject({ ok: true, problems: [] });
    // fwb check holds the batch to its undo entry: another name on the undo, or an undo nobody recorded, shows.
    db.prepare("UPDATE import_batches SET undone_by = NULL WHERE batch_id = ?").run(bad.batchId);
    expect(checkWorkbook(db).problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^import batch \d+ \(m3_monthly\.csv\) says it was undone on .* by nobody named, but audit entry \d+ recorded its undo on .* by sam$/));
    db.prepare("UPDATE import_batches SET undone_by = 'sam' WHERE batch_id = ?").run(bad.batchId);
    // The governance report's provenance lists the data the workbook uses: not the undone file.
    const report = governanceReport(db, new Date(AT));
    expect(report.provenance.batches.filter((b) => b.kind === 'forecasts')).toEqual([]);
    expect(report.provenance.recentFiles.map((f) => f.fileName)).not.toContain('m3_monthly.csv');

    const batches = (await ok(ctx, 'listImportBatches', {})).batches as ImportBatchSummary[];
    expect(batches[0]).toMatchObject({ batchId: bad.batchId, undoneAt: AT, undoneBy: 'sam' });

    // The same bytes again, rightly mapped, without --force.
    const good = await imp({ kind: 'forecasts', origin: '2026-06-01', unknownItems: 'create', map: { item_id: 'series', model: 'method' } }, 'm3_monthly.csv', m3);
    expect(good).toMatchObject({ rowsAccepted: 4, rowsQuarantined: 0 });
    expect(good.runs.map((r) => r.model)).toEqual(['ETS', 'ARIMA']);
    expect(rejection(() => undo(bad.batchId))).toMatchObject({ code: 'INPUT_REJECTED', message: `batch ${bad.batchId} (m3_monthly.csv) was already undone on 2026-11-02 by sam` });
    expect(checkWorkbook(db).ok).toBe(true);
  });

  it('is refused while decisions or a release depend on its runs, naming them', async () => {
    const fc = await imp({ kind: 'forecasts', origin: '2026-06-01', model: 'ets', unknownItems: 'create' }, 'fc.csv', ['sku,month,fcst', 'A,2026-07-01,100', 'A,2026-08-01,110', 'B,2026-07-01,50']);
    const runId = fc.runs[0]!.runId;
    // History lands on closed lines (issue 12.1): July's actuals are known.
    await imp({ kind: 'actuals' }, 'july.csv', ['sku,month,sales', 'A,2026-07-01,115', 'B,2026-07-01,52']);
    const history = await imp({ kind: 'decisions', user: 'ana' }, 'history.csv', ['item,period,final,reason', 'A,2026-07-01,120,promotion', 'B,2026-07-01,50,']);
    expect(history.rowsAccepted).toBe(2);
    const before = counts(db);
    const err = rejection(() => undo(fc.batchId));
    expect(err).toMatchObject({
      code: 'INPUT_REJECTED',
      message: `batch ${fc.batchId} (fc.csv) cannot be undone: run ${runId} (ets, origin 2026-06-01) has 2 decisions on its lines (from batch ${history.batchId})`,
    });
    // Decision history is part of the append-only journal.
    expect(rejection(() => undo(history.batchId))).toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/^batch \d+ \(history\.csv\) cannot be undone: decision history is part of the decisions journal, which is append-only/) });
    expect(counts(db)).toEqual(before);

    const other = await imp({ kind: 'forecasts', origin: '2026-06-01', model: 'arima', unknownItems: 'create' }, 'fc2.csv', ['sku,month,fcst', 'A,2026-07-01,90']);
    await signInAs(ctx, { userId: 'mia', displayName: 'Mia Manager', role: 'manager' });
    await ok(ctx, 'releaseRun', { runId: other.runs[0]!.runId, note: 'for the S&OP' });
    expect(rejection(() => undo(other.batchId)).message).toBe(`batch ${other.batchId} (fc2.csv) cannot be undone: run ${other.runs[0]!.runId} (arima, origin 2026-06-01) was released (version 1)`);
  });
});

describe('undo of an actuals or sales-input batch', () => {
  it('restores the values it superseded as current, removes its own, and keeps items others still use', async () => {
    const first = await imp({ kind: 'actuals', unknownItems: 'create' }, 'a1.csv', ['item,month,sales', 'A,2026-01-01,10', 'A,2026-02-01,11']);
    const second = await imp({ kind: 'actuals', unknownItems: 'create' }, 'a2.csv', ['item,month,sales', 'A,2026-02-01,12', 'A,2026-03-01,13', 'C,2026-01-01,1', 'D,2026-01-01,2']);
    await imp({ kind: 'sales_inputs' }, 'si.csv', ['sku,period,sales_input', 'D,2026-07-01,5']);
    const out = undo(second.batchId);
    expect(out).toMatchObject({ removed: { actuals: 4, items: 1 }, restored: 1, keptItems: ['D'] });
    expect(all(db, 'SELECT item_id, period, quantity, batch_id, superseded_at FROM v_actuals ORDER BY actual_id')).toEqual([
      { item_id: 'A', period: '2026-01-01', quantity: 10, batch_id: first.batchId, superseded_at: null },
      { item_id: 'A', period: '2026-02-01', quantity: 11, batch_id: first.batchId, superseded_at: null },
    ]);
    expect(all(db, 'SELECT item_id FROM items ORDER BY item_key').map((r) => r.item_id)).toEqual(['A', 'D']);
    expect(checkWorkbook(db).ok).toBe(true);
  });

  it('undoing an earlier batch leaves a later batch’s values current', async () => {
    const first = await imp({ kind: 'actuals', unknownItems: 'create' }, 'a1.csv', ['item,month,sales', 'A,2026-01-01,10', 'A,2026-02-01,11']);
    await imp({ kind: 'actuals' }, 'a2.csv', ['item,month,sales', 'A,2026-02-01,12']);
    expect(undo(first.batchId)).toMatchObject({ removed: { actuals: 2, items: 0 }, restored: 0, keptItems: ['A'] });
    expect(all(db, 'SELECT period, quantity, superseded_at FROM v_actuals')).toEqual([{ period: '2026-02-01', quantity: 12, superseded_at: null }]);
  });

  it('is refused while a drift alert raised since it came in is open', async () => {
    const a = await imp({ kind: 'actuals', unknownItems: 'create' }, 'a.csv', ['item,month,sales', 'A,2026-01-01,10']);
    db.prepare("INSERT INTO drift_alerts (segment_type, segment_value, metric, baseline, current, raised_at) VALUES ('category', 'Snacks', 'wape', 20, 35, '2026-10-31T18:00:01.000Z')").run();
    expect(rejection(() => undo(a.batchId)).message).toBe(`batch ${a.batchId} (a.csv) cannot be undone: the drift guard raised an alert for category Snacks since it came in (2026-10-31 18:00); a manager must resolve it first`);
  });
});

describe('undo of an items batch', () => {
  it('removes the items it created when nothing uses them; refused while lines use them or when it changed existing items', async () => {
    const items = await imp({ kind: 'items' }, 'items.csv', ['sku,name', 'A,Apple', 'B,Banana']);
    await imp({ kind: 'actuals' }, 'a.csv', ['item,month,sales', 'A,2026-01-01,10']);
    expect(rejection(() => undo(items.batchId)).message).toBe(`batch ${items.batchId} (items.csv) cannot be undone: item A is used by actuals`);
    const more = await imp({ kind: 'items' }, 'more.csv', ['sku,name', 'C,Cherry', 'D,Date']);
    expect(undo(more.batchId)).toMatchObject({ removed: { items: 2 }, keptItems: [] });
    const update = await imp({ kind: 'items' }, 'update.csv', ['sku,name', 'B,Blueberry', 'E,Elderberry']);
    expect(rejection(() => undo(update.batchId)).message).toBe(`batch ${update.batchId} (update.csv) cannot be undone: it also changed 1 item that was in the workbook before it, whose earlier values are not kept (import the earlier item file again instead)`);
    expect(checkWorkbook(db).ok).toBe(true);
  });
});

describe('undo through the API and fwb', () => {
  it('needs a signed-in analyst or manager (or whoever imported the batch), and refuses the demo data', async () => {
    const fc = await imp({ kind: 'forecasts', origin: '2026-06-01', model: 'ets', unknownItems: 'create', user: 'ana' }, 'fc.csv', ['sku,month,fcst', 'A,2026-07-01,100']);
    expect(await refused(ctx, 'undoImportBatch', { batchId: fc.batchId })).toMatchObject({ code: 'FORBIDDEN' });
    await ok(ctx, 'signIn', { userId: 'pat', displayName: 'Pat Planner', role: 'planner' });
    expect(await refused(ctx, 'undoImportBatch', { batchId: fc.batchId })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/planner/) });
    expect(await refused(ctx, 'undoImportBatch', { batchId: 999 })).toMatchObject({ code: 'NOT_FOUND' });
    await signInAs(ctx, { userId: 'mia', displayName: 'Mia Manager', role: 'manager' }); // only a manager adds an analyst
    await signInAs(ctx, { userId: 'sam', displayName: 'Sam Analyst', role: 'analyst' });
    const out = await ok(ctx, 'undoImportBatch', { batchId: fc.batchId });
    expect(all(db, 'SELECT undone_by FROM import_batches WHERE batch_id = ?', fc.batchId)).toEqual([{ undone_by: 'sam' }]);
    expect(out).toMatchObject({ batchId: fc.batchId, undoneBy: 'sam', removed: { runs: 1, forecastLines: 1 } });
    db.prepare("INSERT INTO import_batches (kind, file_name, imported_at) VALUES ('demo', 'demo', 'x')").run();
    const demo = one<number>(db, "SELECT batch_id FROM import_batches WHERE kind = 'demo'");
    expect(await refused(ctx, 'undoImportBatch', { batchId: demo })).toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/the demo data/) });
  });

  it('fwb import --undo BATCH: exit 0 with a summary, exit 3 naming what depends on it', async () => {
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const status = await runCli(['import', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
      return { status, stdout, stderr };
    };
    const file = writeLines(t.dir, 'fc.csv', ['sku,month,fcst', 'A,2026-07-01,100']);
    expect((await cli('--db', ctx.path, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', file)).status).toBe(0);
    // History lands on closed lines (issue 12.1): July's actual is known (batch 2).
    expect((await cli('--db', ctx.path, '--kind', 'actuals', writeLines(t.dir, 'july.csv', ['sku,month,sales', 'A,2026-07-01,115']))).status).toBe(0);
    const history = writeLines(t.dir, 'h.csv', ['item,period,final,reason', 'A,2026-07-01,120,promotion']);
    expect((await cli('--db', ctx.path, '--kind', 'decisions', history)).status).toBe(0);
    // Undoing as sam is acting as sam: an analyst proves it with the passphrase (here from the environment).
    await signInAs(ctx, { userId: 'sam' });
    await ok(ctx, 'signOut', {});
    process.env.FWB_PASSPHRASE = TEST_PASSPHRASE;
    onTestFinished(() => void delete process.env.FWB_PASSPHRASE);
    const blocked = await cli('--db', ctx.path, '--undo', '1', '--user', 'sam');
    expect(blocked.status).toBe(3);
    expect(blocked.stderr).toMatch(/^fwb import: batch 1 \(fc\.csv\) cannot be undone: run 1 \(ets, origin 2026-06-01\) has 1 decision on its lines/);
    const other = writeLines(t.dir, 'fc2.csv', ['sku,month,fcst', 'A,2026-07-01,90']);
    expect((await cli('--db', ctx.path, '--kind', 'forecasts', '--model', 'arima', '--origin', '2026-06-01', other)).status).toBe(0);
    const done = await cli('--db', ctx.path, '--undo', '4', '--user', 'sam');
    expect(done).toMatchObject({ status: 0, stderr: '' });
    expect(done.stdout).toBe('fc2.csv: batch 4 undone by sam: removed 1 run, 1 forecast line\n');
    // Someone the workbook does not know cannot undo; without --user the undo is anonymous, as imports are.
    const stranger = await cli('--db', ctx.path, '--undo', '4', '--user', 'mallory');
    expect(stranger).toMatchObject({ status: 1, stderr: 'fwb import: Nobody with the id mallory works in this workbook; a manager adds people in the app (sign-in dialog › Someone new).\n' });
    const json = await cli('--db', ctx.path, '--undo', '4', '--json');
    expect(json.status).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ batchId: 4, refused: { code: 'INPUT_REJECTED', message: expect.stringMatching(/already undone/) } });
    const third = writeLines(t.dir, 'fc3.csv', ['sku,month,fcst', 'A,2026-07-01,95']);
    expect((await cli('--db', ctx.path, '--kind', 'forecasts', '--model', 'naive', '--origin', '2026-06-01', third)).status).toBe(0);
    const anonymous = await cli('--db', ctx.path, '--undo', '5');
    expect(anonymous).toMatchObject({ status: 0, stdout: 'fc3.csv: batch 5 undone: removed 1 run, 1 forecast line\n' });
    expect(all(db, 'SELECT undone_at IS NOT NULL AS undone, undone_by FROM import_batches WHERE batch_id = 5')).toEqual([{ undone: 1, undone_by: null }]);
    expect((await cli('--db', ctx.path, '--undo', 'x')).status).toBe(2);
    expect((await cli('--db', ctx.path, '--undo', '4', '--kind', 'forecasts', other)).status).toBe(2);
    expect(checkWorkbook(db).ok).toBe(true);
  });
});
