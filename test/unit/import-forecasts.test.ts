import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { Db } from '../../electron/backend/db/open';
import { WorkbenchError } from '../../electron/backend/errors';
import { ImportRejectedError } from '../../electron/backend/imports/import-errors';
import { importFile, previewFile } from '../../electron/backend/imports/import-file';
import type { ImportOptions } from '../../electron/backend/imports/types';
import type { BackendContext } from '../../electron/backend/context';
import { tempDir } from '../helpers/workbook';
import { addPeople } from '../helpers/people';
import { all, counts, newWorkbook, one, writeLines } from '../fixtures/import/v_harness';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'import');

describe.each([
  ['parsed in a worker thread', true],
  ['parsed in this thread', false],
])('importing forecasts (%s)', (_, worker) => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let db: Db;
  // These files name items the fresh workbook does not have: they ask for them to be created (not the default since issue 11).
  const run = (path: string, options: Omit<ImportOptions, 'kind'> = {}) => importFile(ctx, path, { kind: 'forecasts', worker, unknownItems: 'create', ...options });
  beforeEach(async () => {
    t = tempDir('fwb-imp-');
    ({ ctx, db } = await newWorkbook(t.dir));
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('writes a long file with a model column as one run per model, with integer keys, periods and lags', async () => {
    const path = writeLines(t.dir, 'fc.csv', [
      'item_id,location,period,forecast,p10,p90,model,model_version',
      'SKU-1,DC1,2026-07-01,100,80,120,ets,2',
      'SKU-1,DC1,2026-08-01,110,85,130,ets,2',
      'SKU-2,ALL,2026-07-01,50,40,60,ets,2',
      'SKU-1,DC1,2026-07-01,95,,,arima,1',
    ]);
    // Imports are made as a person of the workbook whose role may load forecasts (issue 12.1).
    await addPeople(ctx, { userId: 'mia', displayName: 'Mia Manager' }, [{ userId: 'sam', displayName: 'Sam Analyst', role: 'analyst' }]);
    const r = await run(path, { origin: '2026-06-01', user: 'sam' });
    expect(r).toMatchObject({ kind: 'forecasts', file: 'fc.csv', rowsRead: 4, rowsAccepted: 4, rowsQuarantined: 0, errors: [] });
    expect(r.runs).toEqual([
      { runId: expect.any(Number), model: 'ets', modelVersion: '2', origin: '2026-06-01', lines: 3 },
      { runId: expect.any(Number), model: 'arima', modelVersion: '1', origin: '2026-06-01', lines: 1 },
    ]);
    expect(all(db, 'SELECT model_name, model_version, origin, grain, interval_level, batch_id FROM forecast_runs ORDER BY run_id')).toEqual([
      { model_name: 'ets', model_version: '2', origin: 20260601, grain: 'month', interval_level: 80, batch_id: r.batchId },
      { model_name: 'arima', model_version: '1', origin: 20260601, grain: 'month', interval_level: 80, batch_id: r.batchId },
    ]);
    expect(all(db, 'SELECT run_id, item_id, location_id, period, lag, quantity, lower, upper FROM v_forecast_lines ORDER BY line_id')).toEqual([
      { run_id: r.runs[0]!.runId, item_id: 'SKU-1', location_id: 'DC1', period: '2026-07-01', lag: 1, quantity: 100, lower: 80, upper: 120 },
      { run_id: r.runs[0]!.runId, item_id: 'SKU-1', location_id: 'DC1', period: '2026-08-01', lag: 2, quantity: 110, lower: 85, upper: 130 },
      { run_id: r.runs[0]!.runId, item_id: 'SKU-2', location_id: 'ALL', period: '2026-07-01', lag: 1, quantity: 50, lower: 40, upper: 60 },
      { run_id: r.runs[1]!.runId, item_id: 'SKU-1', location_id: 'DC1', period: '2026-07-01', lag: 1, quantity: 95, lower: null, upper: null },
    ]);
    expect(one(db, 'SELECT typeof(period) FROM forecast_lines LIMIT 1')).toBe('integer');
    expect(all(db, 'SELECT item_id, name, batch_id FROM items ORDER BY item_key')).toEqual([
      { item_id: 'SKU-1', name: 'SKU-1', batch_id: r.batchId },
      { item_id: 'SKU-2', name: 'SKU-2', batch_id: r.batchId },
    ]);
    const batch = all(db, 'SELECT * FROM import_batches')[0]!;
    expect(batch).toMatchObject({ kind: 'forecasts', file_name: 'fc.csv', file_size: expect.any(Number), source: 'fc.csv', model_name: 'ets, arima', model_version: '2, 1', rows_read: 4, rows_accepted: 4, rows_quarantined: 0, imported_by: 'sam', imported_at: '2026-10-31T18:00:00.000Z' });
    expect(batch.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(batch.options as string)).toMatchObject({ layout: 'long', origin: '2026-06-01', mapping: { item_id: 'item_id', lower: 'p10', upper: 'p90' } });
    // (Before it, the workbook's seal: audit/seal.ts.)
    expect(all(db, "SELECT action, entity, entity_id, actor FROM audit_log WHERE entity NOT IN ('workbook', 'user')")).toEqual([{ action: 'import', entity: 'import_batch', entity_id: String(r.batchId), actor: 'sam' }]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^created 2 new items: SKU-1, SKU-2/), expect.stringMatching(/^created 1 new location: DC1/)]);
    expect(checkWorkbook(db).ok).toBe(true);
  });

  it('imports a wide Nixtla file as one run per model with its interval level', async () => {
    const r = await run(join(FIXTURES, 'v_nixtla_wide.csv'), { origin: '2026-06-01', modelVersion: 'cv3' });
    expect(r.rowsAccepted).toBe(4);
    expect(r.runs.map((x) => [x.model, x.modelVersion, x.lines])).toEqual([['AutoETS', 'cv3', 4], ['AutoARIMA', 'cv3', 4], ['Naive', 'cv3', 3]]);
    expect(all(db, 'SELECT model_name, interval_level FROM forecast_runs ORDER BY run_id')).toEqual([
      { model_name: 'AutoETS', interval_level: 80 },
      { model_name: 'AutoARIMA', interval_level: 90 },
      { model_name: 'Naive', interval_level: null },
    ]);
    expect(all(db, "SELECT l.quantity, l.lower, l.upper FROM forecast_lines l JOIN forecast_runs r USING (run_id) JOIN items i USING (item_key) WHERE r.model_name = 'AutoETS' AND i.item_id = 'SKU-001' AND l.period = 20260801")).toEqual([
      { quantity: 103.5, lower: 91, upper: 116 },
    ]);
  });

  it("quarantines a wide file's bad cell for its model only, keeping the other models' forecasts of that row", async () => {
    const path = writeLines(t.dir, 'wide_bad.csv', ['unique_id,ds,AutoETS,AutoARIMA,Naive', 'SKU-1,2026-07-01,-5,12,9', 'SKU-1,2026-08-01,11,13,10']);
    const r = await run(path, { origin: '2026-06-01' });
    expect(r).toMatchObject({ rowsRead: 2, rowsAccepted: 2, rowsQuarantined: 1 });
    expect(r.errors).toEqual([{ row: 2, column: 'AutoETS', reason: "negative forecast: '-5'" }]);
    expect(Object.fromEntries(r.runs.map((x) => [x.model, x.lines]))).toEqual({ AutoETS: 1, AutoARIMA: 2, Naive: 2 });
    expect(all(db, 'SELECT row_number, column_name, reason, raw_text FROM quarantine_rows')).toEqual([{ row_number: 2, column_name: 'AutoETS', reason: "negative forecast: '-5'", raw_text: 'SKU-1,2026-07-01,-5,12,9' }]);
    expect(r.warnings.map((w) => w.message)).toContain("1 model's forecast was quarantined in rows whose other models were imported");
  });

  it("imports Prophet output as model 'Prophet' unless --model names it", async () => {
    const r = await run(join(FIXTURES, 'v_prophet.csv'), { origin: '2026-06-01' });
    expect(r.runs).toEqual([expect.objectContaining({ model: 'Prophet', lines: 3 })]);
    expect(one(db, 'SELECT interval_level FROM forecast_runs')).toBe(80);
    expect(all(db, 'SELECT period, lag, quantity, lower, upper FROM v_forecast_lines ORDER BY period')[1]).toEqual({ period: '2026-08-01', lag: 2, quantity: 99, lower: 81, upper: 121 });
    const again = await run(join(FIXTURES, 'v_prophet.csv'), { origin: '2026-07-01', model: 'prophet-weekly-seasonality', force: true });
    expect(again.runs).toEqual([expect.objectContaining({ model: 'prophet-weekly-seasonality', origin: '2026-07-01', lines: 2 })]);
    expect(again.errors.map((e) => e.reason)).toEqual(['period 2026-07-01 is not after the origin 2026-07-01']);
  });

  it("takes each series' origin from its own last actual before its first forecast period, and says so", async () => {
    await importFile(ctx, writeLines(t.dir, 'history.csv', ['sku,month,qty', 'A,2026-06-01,5', 'A,2026-07-01,6', 'B,2026-08-01,7']), { kind: 'actuals', unknownItems: 'create' });
    const path = writeLines(t.dir, 'noorigin.csv', ['sku,month,fcst', 'A,2026-09-01,1', 'A,2026-08-01,2', 'B,2026-10-01,3']);
    const r = await run(path, { model: 'm' });
    // Series ending in different months: one run per origin.
    expect(r.runs).toEqual([expect.objectContaining({ origin: '2026-07-01', lines: 2 }), expect.objectContaining({ origin: '2026-08-01', lines: 1 })]);
    expect(r.warnings).toContainEqual({
      code: 'origins_from_actuals',
      message: "no origin given: each series' origin is its last actual before its first forecast period: 2026-07-01 (1 series), 2026-08-01 (1 series)",
      hint: { option: 'origin' },
    });
    expect(all(db, 'SELECT item_id, period, lag FROM v_forecast_lines ORDER BY item_id, period')).toEqual([
      { item_id: 'A', period: '2026-08-01', lag: 1 },
      { item_id: 'A', period: '2026-09-01', lag: 2 },
      { item_id: 'B', period: '2026-10-01', lag: 2 },
    ]);
  });

  it('names runs after the file when there is no model column and no --model', async () => {
    const path = writeLines(t.dir, 'plan_2026-06.csv', ['sku,month,fcst', 'A,2026-07-01,1']);
    const r = await run(path, { origin: '2026-06-01' });
    expect(r.runs[0]!.model).toBe('plan_2026-06');
    expect(r.warnings.some((w) => w.message.includes('named after the file'))).toBe(true);
  });

  it('lenient: commits the good rows and quarantines the bad ones with row, column, reason and raw text', async () => {
    const path = writeLines(t.dir, 'mixed.csv', ['sku,month,fcst,lo,hi', 'A,2026-07-01,10,8,12', 'A,2026-07-15,10,8,12', 'B,2026-07-01,-1,,', 'C,2026-07-01,NaN,,', 'A,2026-07-01,11,,', 'D,2026-08-01,5,6,7']);
    const r = await run(path, { origin: '2026-06-01' });
    expect(r).toMatchObject({ rowsRead: 6, rowsAccepted: 1, rowsQuarantined: 5 });
    const expected = [
      [3, 'month', 'period 2026-07-15 is not the first day of a month', 'A,2026-07-15,10,8,12'],
      [4, 'fcst', "negative forecast: '-1'", 'B,2026-07-01,-1,,'],
      [5, 'fcst', "not a finite number: 'NaN'", 'C,2026-07-01,NaN,,'],
      [6, 'month', 'duplicate: row 2 has the same model, origin, item, location and period', 'A,2026-07-01,11,,'],
      [7, 'lo', 'lower bound 6 is above the forecast 5', 'D,2026-08-01,5,6,7'],
    ];
    expect(r.errors).toEqual(expected.map(([row, column, reason]) => ({ row, column, reason })));
    expect(all(db, 'SELECT row_number, column_name, reason, raw_text FROM quarantine_rows WHERE batch_id = ? ORDER BY row_number', r.batchId).map(Object.values)).toEqual(expected);
    // Rows that failed create no items.
    expect(all(db, 'SELECT item_id FROM items').map((x) => x.item_id)).toEqual(['A']);
    expect(one(db, 'SELECT rows_quarantined FROM import_batches')).toBe(5);
  });

  it('imports XLSX sheets: date cells and serials, formulas, rich text; one run per model and origin', async () => {
    const r = await run(join(FIXTURES, 'forecast.xlsx'));
    expect(r).toMatchObject({ rowsRead: 3, rowsAccepted: 2, rowsQuarantined: 1 });
    expect(r.errors).toEqual([{ row: 2, column: 'period', reason: 'period 2026-01-01 is not after the origin 2026-01-01' }]);
    expect(r.runs.map((x) => [x.model, x.origin, x.lines])).toEqual([['ets-v2', '2026-01-01', 1], ['ets-v1', '2024-01-01', 1]]);
    expect(all(db, 'SELECT item_id, period, lag, quantity, lower, upper FROM v_forecast_lines ORDER BY line_id')).toEqual([
      { item_id: 'SKU-002', period: '2026-02-01', lag: 1, quantity: 40, lower: 31, upper: 48 },
      { item_id: 'SKU-003', period: '2026-03-01', lag: 26, quantity: 0.1, lower: 0, upper: 7 },
    ]);
    expect(JSON.parse(one(db, 'SELECT options FROM import_batches'))).toMatchObject({ format: { format: 'xlsx', sheet: 'Forecast' } });
  });

  it('reads decimal commas in ;-separated files', async () => {
    const r = await run(join(FIXTURES, 'v_decimal_comma.csv'), { origin: '2026-06-01', model: 'm' });
    expect(all(db, 'SELECT item_id, quantity, lower, upper FROM v_forecast_lines ORDER BY line_id')).toEqual([
      { item_id: 'SKU-001', quantity: 1234.5, lower: 1100.25, upper: 1350 },
      { item_id: 'SKU-002', quantity: 87.5, lower: 80, upper: 95.75 },
    ]);
    expect(r.errors).toEqual([{ row: 4, column: 'forecast', reason: "not a number: '12,5x'" }]);
  });

  it('strict: one bad row refuses the file and writes nothing at all, not even the batch', async () => {
    const before = counts(db);
    const path = writeLines(t.dir, 'strict.csv', ['sku,month,fcst', 'A,2026-07-01,10', 'B,2026-07-01,1O', 'C,2026-07-03,4']);
    const err = await run(path, { origin: '2026-06-01', strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    const e = err as ImportRejectedError;
    expect(e.code).toBe('INPUT_REJECTED');
    expect(e.message).toBe("strict.csv: refused (strict): row 3, column fcst: not a number: '1O' (2 bad rows in all); nothing was imported");
    expect([e.file, e.row, e.column]).toEqual(['strict.csv', 3, 'fcst']);
    expect(e.errors).toEqual([
      { row: 3, column: 'fcst', reason: "not a number: '1O'" },
      { row: 4, column: 'month', reason: 'period 2026-07-03 is not the first day of a month' },
    ]);
    expect(counts(db)).toEqual(before);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // A clean file in strict mode imports normally.
    const ok = await run(writeLines(t.dir, 'clean.csv', ['sku,month,fcst', 'A,2026-07-01,10']), { origin: '2026-06-01', strict: true });
    expect(ok.rowsAccepted).toBe(1);
  });

  it('quarantines rows of unknown items by default (a typo creates no item), and creates them only when asked', async () => {
    db.prepare("INSERT INTO items (item_id, name) VALUES ('KNOWN', 'Known item')").run();
    const path = writeLines(t.dir, 'unknown.csv', ['sku,month,fcst', 'KNOWN,2026-07-01,1', 'SKU-99999,2026-07-01,2']);
    const byDefault = await run(path, { origin: '2026-06-01', unknownItems: undefined });
    expect(byDefault).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    expect(byDefault.errors).toEqual([{ row: 3, column: 'sku', reason: "unknown item 'SKU-99999' (not in the workbook: import the item master first)", hint: { option: 'createItems' } }]);
    expect(all(db, 'SELECT item_id FROM items').map((x) => x.item_id)).toEqual(['KNOWN']);
    const rejected = await run(path, { origin: '2026-06-01', unknownItems: 'reject', force: true });
    expect(rejected).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    const created = await run(path, { origin: '2026-06-01', unknownItems: 'create', force: true });
    expect(created.rowsAccepted).toBe(2);
    expect(all(db, 'SELECT item_id, name FROM items ORDER BY item_key')).toEqual([
      { item_id: 'KNOWN', name: 'Known item' },
      { item_id: 'SKU-99999', name: 'SKU-99999' },
    ]);
  });

  it('refuses a file imported before (same sha256) unless forced', async () => {
    const path = writeLines(t.dir, 'same.csv', ['sku,month,fcst', 'A,2026-07-01,1']);
    const first = await run(path, { origin: '2026-06-01' });
    copyFileSync(path, join(t.dir, 'renamed.csv'));
    const err = (await run(join(t.dir, 'renamed.csv'), { origin: '2026-06-01' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.code).toBe('INPUT_REJECTED');
    expect(err.message).toBe(`renamed.csv: already imported as batch ${first.batchId} on 2026-10-31`);
    expect(err.hint).toEqual({ option: 'force' });
    expect(one(db, 'SELECT count(*) FROM import_batches')).toBe(1);
    const forced = await run(join(t.dir, 'renamed.csv'), { origin: '2026-06-01', force: true });
    expect(forced.batchId).toBe(first.batchId + 1);
    expect(one(db, 'SELECT count(*) FROM forecast_runs')).toBe(2);
  });

  it('refuses a file missing required columns, naming what it expected and found', async () => {
    const path = writeLines(t.dir, 'cols.csv', ['sku,amount', 'A,1']);
    const err = (await run(path, { origin: '2026-06-01' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.code).toBe('INPUT_REJECTED');
    expect(err.message).toContain('cols.csv: missing required column: period (one of: period, date, ds, week, month)');
    expect(err.message).toContain('Found columns: sku, amount');
    expect(one(db, 'SELECT count(*) FROM import_batches')).toBe(0);
  });

  it('refuses a file the parser cannot read (empty, binary) and a file with a header but no data rows, writing nothing', async () => {
    // A header without rows, or with only blank lines after it, is refused like an empty file: no batch is left behind.
    const blankRows = writeLines(t.dir, 'blank_rows.csv', ['item_id,period,forecast', '', '  ', '']);
    for (const path of ['empty.csv', 'binary.csv', 'header_only.csv'].map((n) => join(FIXTURES, n)).concat(blankRows)) {
      const before = counts(db);
      const outcome = await run(path, { origin: '2026-06-01' }).then(
        (r) => r,
        (e: unknown) => e as WorkbenchError,
      );
      expect(outcome, path).toBeInstanceOf(WorkbenchError);
      const err = outcome as WorkbenchError;
      expect(err.code).toBe('INPUT_REJECTED');
      const name = path.split('/').pop()!;
      expect(err.message).toContain(name);
      if (name === 'header_only.csv' || name === 'blank_rows.csv') expect(err.message).toBe(`${name}: the file has a header but no data rows`);
      expect(counts(db)).toEqual(before);
    }
  });

  it('refuses an XLSX sheet with only a header, and one with no rows at all', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const headerOnly = new ExcelJS.Workbook();
    headerOnly.addWorksheet('Forecast').addRow(['item_id', 'period', 'forecast']);
    await headerOnly.xlsx.writeFile(join(t.dir, 'header_only.xlsx'));
    const empty = new ExcelJS.Workbook();
    empty.addWorksheet('Forecast');
    await empty.xlsx.writeFile(join(t.dir, 'no_rows.xlsx'));
    const before = counts(db);
    await expect(run(join(t.dir, 'header_only.xlsx'), { origin: '2026-06-01' })).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: 'header_only.xlsx: the file has a header but no data rows' });
    await expect(run(join(t.dir, 'no_rows.xlsx'), { origin: '2026-06-01' })).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringContaining('no_rows.xlsx') });
    expect(counts(db)).toEqual(before);
  });

  it("ignores the unnamed leading index column pandas writes (to_csv, to_excel), and says so", async () => {
    for (const name of ['pandas_index.csv', 'pandas_index.xlsx']) {
      const r = await run(join(FIXTURES, name), { origin: '2026-06-01', model: 'm', force: true, unknownItems: 'create' });
      expect(r, name).toMatchObject({ rowsRead: 6, rowsAccepted: 6, rowsQuarantined: 0, errors: [] });
      expect(r.warnings.map((w) => w.message)).toContain('the first column has no name and was ignored (a row index, as pandas writes it)');
    }
    expect(all(db, 'SELECT item_id, period, quantity, lower, upper FROM v_forecast_lines ORDER BY line_id LIMIT 2')).toEqual([
      { item_id: 'SKU-001', period: '2026-07-01', quantity: 100, lower: 80, upper: 125 },
      { item_id: 'SKU-001', period: '2026-08-01', quantity: 110, lower: 88, upper: 137.5 },
    ]);
    // openpyxl zips the sheet before the workbook's sheet list: the sheet is still found by its name.
    const named = await run(join(FIXTURES, 'pandas_index.xlsx'), { origin: '2026-06-01', model: 'm', force: true, sheet: 'Forecast', unknownItems: 'create' });
    expect(named.rowsAccepted).toBe(6);
    // An unnamed column anywhere else is still refused: it cannot be mapped.
    const path = writeLines(t.dir, 'gap.csv', ['item_id,,period,forecast', 'A,x,2026-07-01,1']);
    await expect(run(path, { origin: '2026-06-01' })).rejects.toMatchObject({ message: 'gap.csv: the header (row 1) is not usable: column 2 has no name' });
  });

  it('remembers the mapping the user gave for a source and starts from it next time', async () => {
    const header = 'article_no,bucket,stat_fcst';
    const first = writeLines(t.dir, 'erp_export_2026-06.csv', [header, 'A,2026-07-01,1']);
    const err = (await run(first, { origin: '2026-06-01' }).catch((e: unknown) => e)) as WorkbenchError;
    // Without a forecast synonym, stat_fcst reads as a wide file's model column: only the keys are missing.
    expect(err.message).toMatch(/missing required columns: item_id .*; period /);
    await run(first, { origin: '2026-06-01', map: { item_id: 'article_no', period: 'bucket', forecast: 'stat_fcst' } });
    expect(JSON.parse(one(db, "SELECT mapping FROM column_mappings WHERE source_key = 'erp_export_#-#.csv' AND kind = 'forecasts'"))).toEqual({ item_id: 'article_no', period: 'bucket', forecast: 'stat_fcst' });
    const next = writeLines(t.dir, 'erp_export_2026-07.csv', [header, 'A,2026-08-01,2']);
    const preview = await previewFile(ctx, next, { kind: 'forecasts' });
    expect(preview.fields.filter((f) => f.column !== null).map((f) => [f.field, f.column, f.source])).toEqual([
      ['item_id', 'article_no', 'remembered'],
      ['period', 'bucket', 'remembered'],
      ['forecast', 'stat_fcst', 'remembered'],
    ]);
    const r = await run(next, { origin: '2026-07-01' });
    expect(r.rowsAccepted).toBe(1);
  });

  it('leaves no trace when the import dies part-way (an error thrown from progress)', async () => {
    const lines = ['sku,month,fcst'];
    for (let i = 0; i < 30_000; i++) lines.push(`I${i % 3000},${2027 + Math.floor(i / 3000 / 12)}-${String((Math.floor(i / 3000) % 12) + 1).padStart(2, '0')}-01,${i}`);
    const path = writeLines(t.dir, 'big.csv', lines);
    const before = counts(db);
    let calls = 0;
    const err = await run(path, {
      origin: '2026-12-01',
      onProgress: (p) => {
        if (p.phase === 'reading' && p.rowsDone > 0 && ++calls >= 1) throw new Error('simulated crash');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('simulated crash');
    expect(counts(db)).toEqual(before);
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // The workbook is still usable: the same file imports afterwards.
    const r = await run(path, { origin: '2026-12-01' });
    expect(r.rowsAccepted).toBe(30_000);
    expect(one(db, 'SELECT count(*) FROM forecast_lines')).toBe(30_000);
    expect(checkWorkbook(db).ok).toBe(true);
  });

  it('previews the header, first rows, layout and models of a file', async () => {
    const p = await previewFile(ctx, join(FIXTURES, 'v_nixtla_wide.csv'), { kind: 'forecasts' });
    expect(p).toMatchObject({ file: 'v_nixtla_wide.csv', layout: 'wide', models: ['AutoETS', 'AutoARIMA', 'Naive'], missing: [] });
    expect(p.format.format).toBe('csv');
    expect(p.rows).toHaveLength(4);
    expect(p.rows[0]!.slice(0, 3)).toEqual(['SKU-001', '2026-07-01', '101.25']);
    expect(p.fields.find((f) => f.field === 'forecast')).toEqual({ field: 'forecast', required: false, column: null, source: null });
    expect(p.rowCountEstimate).toBe(4);
  });
});
