// A forecast file without an origin column or --origin: each series' origin is
// its own last actual before its first forecast period (SPEC §4). Series of one
// model with different origins become one run per origin (a run is one model at
// one origin); a series with no actual before its first period is quarantined.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { ImportRejectedError } from '../../electron/backend/imports/import-errors';
import { importFile } from '../../electron/backend/imports/import-file';
import { runCli } from '../../electron/cli/main';
import { tempDir } from '../helpers/workbook';
import { all, counts, newWorkbook, writeLines } from '../fixtures/import/v_harness';

const month = (index: number) => `${2022 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;

/** Series ending in different months, as in the M3 competition's files: item → index of its origin month (0 = 2022-01). */
const SERIES: Record<string, number> = { A: 29, B: 32, C: 36, D: 40 };
const HORIZON = 6;
const demand = (item: string, i: number) => Math.round(100 + 40 * Math.sin((2 * Math.PI * i) / 12) + 7 * item.charCodeAt(0) + 3 * ((i * 7 + item.charCodeAt(0)) % 5));
const forecast = (item: string, i: number) => Math.round(demand(item, i) * (1 + 0.15 * Math.cos(i + item.charCodeAt(0))));

function files(dir: string) {
  const actuals = ['item_id,period,actual'];
  const withOrigin = ['item_id,origin,period,forecast'];
  const without = ['item_id,period,forecast'];
  for (const [item, origin] of Object.entries(SERIES)) {
    // History from 2022-01 up to and past the horizon, so every forecast has its actual.
    for (let i = 0; i <= origin + HORIZON; i++) actuals.push(`${item},${month(i)},${demand(item, i)}`);
    for (let h = 1; h <= HORIZON; h++) {
      withOrigin.push(`${item},${month(origin)},${month(origin + h)},${forecast(item, origin + h)}`);
      without.push(`${item},${month(origin + h)},${forecast(item, origin + h)}`);
    }
  }
  return {
    actuals: writeLines(dir, 'actuals.csv', actuals),
    withOrigin: writeLines(dir, 'ets_with_origins.csv', withOrigin),
    without: writeLines(dir, 'ets_without_origins.csv', without),
  };
}

async function fwb(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

describe('origins of a forecast file without an origin column', () => {
  const t = tempDir('fwb-origins-');
  afterAll(() => t.cleanup());

  it('MASE from the file without origins equals MASE from the same file with its true origins, figure for figure', async () => {
    const f = files(t.dir);
    const dbs = { with: join(t.dir, 'with.sqlite'), without: join(t.dir, 'without.sqlite') };
    for (const [which, db] of Object.entries(dbs)) {
      expect((await fwb('import', '--db', db, '--kind', 'actuals', '--create-items', f.actuals)).status).toBe(0);
      const r = await fwb('import', '--db', db, '--kind', 'forecasts', '--model', 'ETS', '--json', which === 'with' ? f.withOrigin : f.without);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { rowsAccepted: number; runs: { origin: string; lines: number }[]; warnings: string[] };
      expect(out.rowsAccepted).toBe(Object.keys(SERIES).length * HORIZON);
      // One run per origin: a run is one model at one origin.
      expect(out.runs.map((x) => [x.origin, x.lines])).toEqual(Object.values(SERIES).map((o) => [month(o), HORIZON]));
      if (which === 'without') {
        expect(out.warnings).toContain(
          "no origin given: each series' origin is its last actual before its first forecast period: 2024-06-01 (1 series), 2024-09-01 (1 series), 2025-01-01 (1 series), 2025-05-01 (1 series); pass --origin YYYY-MM-DD to set it",
        );
      }
    }
    const answers = async (db: string) => {
      const out: Record<string, unknown> = {};
      for (const args of [['--by', 'category'], ['--by', 'model'], ['--by', 'lag'], ['--by', 'period'], ['--stairstep']]) {
        const r = await fwb('accuracy', '--db', db, '--metric', 'mase', '--json', ...args);
        expect(r.status, r.stderr).toBe(0);
        out[args.join(' ')] = JSON.parse(r.stdout);
      }
      return out;
    };
    const withOrigins = await answers(dbs.with);
    const withoutOrigins = await answers(dbs.without);
    expect(withoutOrigins).toEqual(withOrigins);
    // …and they are real figures: every line scored, each on its own series' scale.
    const byModel = withOrigins['--by model'] as { rows: { key: string; n: number; value: number | null }[] };
    expect(byModel.rows.map((r) => r.key)).toEqual(expect.arrayContaining(['ETS', 'naive', 'seasonal_naive']));
    for (const r of byModel.rows) {
      expect(r.n).toBe(Object.keys(SERIES).length * HORIZON);
      expect(r.value).toBeGreaterThan(0);
    }
    // Lags are each series' own: 1 to the horizon.
    const lags = (withOrigins['--by lag'] as { rows: { key: string; n: number }[] }).rows;
    expect(lags.map((r) => r.key)).toEqual(Array.from({ length: HORIZON }, (_, i) => String(i + 1)));
    expect(lags.every((r) => r.n === Object.keys(SERIES).length)).toBe(true);
  });
});

describe('series without an actual before their first forecast period', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let db: Db;
  beforeEach(async () => {
    t = tempDir('fwb-origins-');
    ({ ctx, db } = await newWorkbook(t.dir));
    await importFile(ctx, writeLines(t.dir, 'actuals.csv', ['item,period,actual', 'A,2026-04-01,10', 'A,2026-05-01,11', 'B,2026-05-01,4', 'B,2026-08-01,6', 'NEW,2026-09-01,1']), { kind: 'actuals', unknownItems: 'create' });
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('are quarantined row by row, naming the origin column and with the raw text; the other series import', async () => {
    const path = writeLines(t.dir, 'fc.csv', ['sku,month,fcst,model', 'A,2026-06-01,12,ets', 'NEW,2026-06-01,1,ets', 'A,2026-07-01,13,ets', 'B,2026-07-01,5,ets', 'NEW,2026-07-01,2,ets', 'A,2026-06-01,9,arima']);
    const r = await importFile(ctx, path, { kind: 'forecasts' });
    expect(r).toMatchObject({ rowsRead: 6, rowsAccepted: 4, rowsQuarantined: 2 });
    const reason = "no origin for item 'NEW': the file has no origin (or cutoff) column, none was given, and the workbook has no actual of the item before its first forecast period, 2026-06-01";
    expect(r.errors).toEqual([
      { row: 3, column: null, reason, hint: { option: 'origin' } },
      { row: 6, column: null, reason, hint: { option: 'origin' } },
    ]);
    expect(all(db, 'SELECT row_number, column_name, reason, raw_text FROM quarantine_rows ORDER BY row_number')).toEqual([
      { row_number: 3, column_name: null, reason, raw_text: 'NEW,2026-06-01,1,ets' },
      { row_number: 6, column_name: null, reason, raw_text: 'NEW,2026-07-01,2,ets' },
    ]);
    // NEW is known (it has a later actual) and stays; an item only this file names is not created for rows that end in quarantine.
    const created = await importFile(ctx, writeLines(t.dir, 'fc-new.csv', ['sku,month,fcst', 'A,2026-06-01,12', 'BRAND-NEW,2026-06-01,1']), { kind: 'forecasts', model: 'x', unknownItems: 'create' });
    expect(created).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    expect(all(db, "SELECT item_id FROM items WHERE item_id IN ('NEW', 'BRAND-NEW')")).toEqual([{ item_id: 'NEW' }]);
    expect(created.warnings.map((w) => w.code)).not.toContain('items_created');
    // A's origin is its last actual before 2026-06 (May); B's before its first period 2026-07 (May as well: June is missing).
    expect(all(db, 'SELECT model_name, origin FROM forecast_runs ORDER BY run_id')).toEqual([
      { model_name: 'ets', origin: 20260501 },
      { model_name: 'arima', origin: 20260501 },
      { model_name: 'x', origin: 20260501 },
    ]);
    expect(all(db, 'SELECT item_id, period, lag, run_id FROM v_forecast_lines ORDER BY line_id').map((l) => [l.item_id, l.period, l.lag])).toEqual([
      ['A', '2026-06-01', 1],
      ['A', '2026-07-01', 2],
      ['B', '2026-07-01', 2],
      ['A', '2026-06-01', 1],
      ['A', '2026-06-01', 1],
    ]);
    expect(checkWorkbook(db).ok).toBe(true);
  });

  it('refuse the whole file when no series has one, writing nothing; strict mode refuses a file with any', async () => {
    const before = counts(db);
    const none = writeLines(t.dir, 'none.csv', ['sku,month,fcst', 'NEW,2026-06-01,1', 'NEW,2026-07-01,2']);
    const err = await importFile(ctx, none, { kind: 'forecasts', model: 'm' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INPUT_REJECTED',
      message: 'none.csv: no origin: the file has no origin (or cutoff) column, none was given, and the workbook has no actual of its items before their first forecast period',
      hint: { option: 'origin' },
    });
    const some = writeLines(t.dir, 'some.csv', ['sku,month,fcst', 'A,2026-06-01,1', 'NEW,2026-07-01,2']);
    const strict = await importFile(ctx, some, { kind: 'forecasts', model: 'm', strict: true }).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(ImportRejectedError);
    expect((strict as Error).message).toMatch(/^some\.csv: refused \(strict\): row 3: no origin for item 'NEW'/);
    expect(counts(db)).toEqual(before);
    // With the origin given, the same file imports.
    const given = await importFile(ctx, none, { kind: 'forecasts', model: 'm', origin: '2026-05-01' });
    expect(given.rowsAccepted).toBe(2);
  });

  it('an empty cell in an origin column without a file-wide origin is a row error naming that column', async () => {
    const path = writeLines(t.dir, 'cells.csv', ['sku,cutoff,month,fcst', 'A,2026-05-01,2026-06-01,1', 'A,,2026-07-01,2']);
    const r = await importFile(ctx, path, { kind: 'forecasts', model: 'm' });
    expect(r).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    expect(r.errors).toEqual([{ row: 3, column: 'cutoff', reason: 'origin is empty', hint: { option: 'origin' } }]);
  });
});
