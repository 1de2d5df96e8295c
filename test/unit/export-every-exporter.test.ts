// Every exporter (plan of a run and of a released version, quarantine, audit
// log, every accuracy table, the trust map) against a demo workbook whose texts
// hold bare line breaks.
// CSV: one record per row when a text holds a bare line feed or carriage return
// (a comment "Promo week 12⏎confirmed by KAM", an item name with a newline):
// RFC 4180 quotes any field with CR, LF, the delimiter or a quote. Each file is
// re-read with a strict parser that ends a record at any unquoted CR or LF (as
// LibreOffice and Python's csv module do), and the plan's file with Python's csv
// module itself.
// XLSX: periods and dates are real date cells, read back by their cell type.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exportToFile } from '../../electron/backend/exports/export-file';
import type { ExportSelection } from '../../electron/backend/exports/select';
import { runCli } from '../../electron/cli/main';
import type { ExportCell, ExportColumn } from '../../shared/exports';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { DEMO_PASSPHRASE } from '../../shared/domain';
import { CHAIN_HEAD_COLUMN, chainHeadToken } from '../../electron/backend/audit/chain-head';
import { chainHead } from '../../electron/backend/audit/chain';

/** Python's own csv module (Debian's stock python3); CI machines have it, others skip that one check. */
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));

const COMMENT = 'Promo week 12\nconfirmed by KAM';
const CR_COMMENT = 'Carton\rrecount';
const NAMES = ['Crisps\nfamily pack', 'Lemon soap\r\n500 ml', 'Cola\r330 ml'];

/** Strict re-read: any unquoted CR, LF or CRLF ends a record, and every record must have the header's width. */
function strictRecords(path: string): string[][] {
  return parse(readFileSync(path, 'utf8'), { record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false, relax_quotes: false }) as string[][];
}

/** What a cell reads back as: empty for null, text as written (formula-looking text with its leading quote). */
function readBack(column: ExportColumn, cell: ExportCell): string {
  if (cell === null) return '';
  const text = String(cell);
  return column.type === 'text' && /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
}

describe('every exporter', () => {
  const t = tempDir('fwb-csv-records-');
  let ctx: BackendContext;
  let runId: number;
  let version: number;
  let batchId: number;

  beforeAll(async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 30, seed: 3 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: join(t.dir, 'staging') };
    runId = (await ok(ctx, 'listRuns', {})).runs[0]!.runId;
    // Texts with bare line breaks where people type them: item names, a category, a
    // planner's name, a reason's label, an imported attribute.
    const keys = db.prepare('SELECT DISTINCT item_key FROM forecast_lines WHERE run_id = ? ORDER BY item_key LIMIT 3').pluck().all(runId) as number[];
    keys.forEach((key, i) => db.prepare('UPDATE items SET name = ? WHERE item_key = ?').run(NAMES[i], key));
    const category = db.prepare('SELECT category FROM items WHERE item_key = ?').pluck().get(keys[0]) as string;
    db.prepare('UPDATE items SET category = ? WHERE category = ?').run(`${category}\nsalty`, category);
    db.prepare("UPDATE items SET attributes = json_set(coalesce(attributes, '{}'), '$.supplier', ?) WHERE item_key % 2 = 0").run('Acme\r\nNorth');
    db.prepare("UPDATE items SET attributes = json_set(coalesce(attributes, '{}'), '$.supplier', ?) WHERE item_key % 2 = 1").run('Bolt\rSouth');
    const planner = db.prepare("SELECT decided_by FROM decisions WHERE action = 'override' AND decided_by IS NOT NULL LIMIT 1").pluck().get() as string;
    db.prepare('UPDATE users SET display_name = ? WHERE user_id = ?').run('Ana\nSilva', planner);
    db.prepare("UPDATE reason_codes SET label = 'Promotion\nor display' WHERE code = 'promotion'").run();

    // Decisions with such comments, through the API, then a release of the plan.
    await ok(ctx, 'signIn', { userId: 'kim', displayName: 'Kim', role: 'planner' });
    const open = (await ok(ctx, 'getRunLines', { runId, limit: 200, sort: { column: 'lag', direction: 'desc' } })).rows.filter((r) => !r.frozen && r.status === 'undecided');
    await ok(ctx, 'decideLine', { lineId: open[0]!.lineId, action: 'override', quantity: open[0]!.quantity + 1, reasonCode: 'promotion', comment: COMMENT });
    await ok(ctx, 'decideLine', { lineId: open[1]!.lineId, action: 'override', quantity: open[1]!.quantity + 1, reasonCode: 'promotion', comment: CR_COMMENT });
    await ok(ctx, 'signIn', { displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
    version = (await ok(ctx, 'releaseRun', { runId, note: 'cycle plan\nwith a second line' })).version;

    // A forecast file whose bad row holds a quoted line break: quarantined with its raw text.
    const file = join(t.dir, 'bad.csv');
    writeFileSync(file, 'item_id,period,forecast,comment\r\nSKU-9,2027-01-01,x,"two\nlines"\r\nSKU-9,2027-02-01,5,"ok\rthen"\r\n');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    ctx.db.close();
    // Both rows are quarantined (SKU-9 is unknown): exit 3, the batch and its quarantine kept.
    expect(await runCli(['import', '--db', path, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-12-01', file], quiet)).toBe(3);
    ctx = { ...ctx, db: (await openWorkbook(path, { now: FIXED_NOW })).db };
    batchId = ctx.db.prepare('SELECT max(batch_id) FROM quarantine_rows').pluck().get() as number;
  }, 120_000);
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  const selections: [string, () => ExportSelection][] = [
    ['plan of a run', () => ({ what: 'plan', runId })],
    ['released plan version', () => ({ what: 'plan', runId, version })],
    ['quarantine', () => ({ what: 'quarantine', batchId })],
    ['audit log', () => ({ what: 'audit' })],
    ...['stairstep', 'direction_size', 'model', 'planner', 'reason', 'direction', 'size', 'category', 'abc_class', 'owner', 'lag', 'period', 'model_version', 'run', 'attr:supplier', 'trust_map'].map(
      (by): [string, () => ExportSelection] => [`accuracy ${by}`, () => (by === 'trust_map' ? { what: 'accuracy', by, windowCycles: 12 } : { what: 'accuracy', by, metric: 'mape' })],
    ),
  ];

  /** Plan and accuracy CSVs end with the audit chain head on every row (audit/chain-head.ts): the same token throughout, then the table as previewed. */
  function withoutChainHead(s: ExportSelection, records: string[][]): string[][] {
    if (s.what !== 'plan' && s.what !== 'accuracy') {
      expect(records[0]).not.toContain(CHAIN_HEAD_COLUMN);
      return records;
    }
    expect(records[0]!.at(-1)).toBe(CHAIN_HEAD_COLUMN);
    const tokens = new Set(records.slice(1).map((r) => r.at(-1)));
    expect([...tokens]).toEqual([chainHeadToken(chainHead(ctx.db), true)]);
    return records.map((r) => r.slice(0, -1));
  }

  for (const [name, selection] of selections) {
    it(`${name}: re-reads strictly to one record per row, every cell as written`, async () => {
      const s = selection();
      const out = join(t.dir, `${name.replace(/\W+/g, '-')}.csv`);
      const done = await exportToFile(ctx.db, s, 'csv', out);
      const records = withoutChainHead(s, strictRecords(out));
      expect(records).toHaveLength(done.rows + 1);
      const preview = await ok(ctx, 'previewExport', { ...s, limit: 500 } as never);
      expect(records[0]).toEqual(preview.columns.map((c) => c.key));
      const shown = preview.rows.slice(0, Math.min(preview.rows.length, records.length - 1));
      expect(records.slice(1, shown.length + 1)).toEqual(shown.map((row) => row.map((cell, i) => readBack(preview.columns[i]!, cell))));
    });
  }

  it('the planted line breaks are in the files (else the re-reads prove little)', async () => {
    const plan = strictRecords(join(t.dir, 'plan-of-a-run.csv')).flat();
    for (const text of [COMMENT, CR_COMMENT, ...NAMES]) expect(plan).toContain(text);
    expect(strictRecords(join(t.dir, 'quarantine.csv')).flat().some((c) => c.includes('two\nlines'))).toBe(true);
    expect(strictRecords(join(t.dir, 'accuracy-category.csv')).flat().some((c) => c.endsWith('\nsalty'))).toBe(true);
    expect(strictRecords(join(t.dir, 'accuracy-reason.csv')).flat()).toContain('Promotion\nor display');
    expect(strictRecords(join(t.dir, 'accuracy-planner.csv')).flat()).toContain('Ana\nSilva');
    expect(strictRecords(join(t.dir, 'accuracy-attr-supplier.csv')).flat()).toEqual(expect.arrayContaining(['Acme\r\nNorth', 'Bolt\rSouth']));
    expect(strictRecords(join(t.dir, 'accuracy-trust_map.csv')).flat().some((c) => c.endsWith('\nsalty'))).toBe(true);
  });

  it.skipIf(!PYTHON)('the plan with CR/LF texts re-reads to the right record count in Python’s csv module', async () => {
    const out = join(t.dir, 'plan-python.csv');
    const done = await exportToFile(ctx.db, { what: 'plan', runId }, 'csv', out);
    const script = 'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n    print(json.dumps(list(csv.reader(f, strict=True))))';
    const r = spawnSync(PYTHON!, ['-c', script, out], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as string[][];
    expect(rows).toHaveLength(done.rows + 1);
    expect(rows.every((row) => row.length === rows[0]!.length)).toBe(true);
    expect(rows).toEqual(strictRecords(out));
    const comments = rows.map((row) => row[rows[0]!.indexOf('comment')]);
    expect(comments).toEqual(expect.arrayContaining([COMMENT, CR_COMMENT]));
  });

  for (const [name, selection] of selections) {
    it(`${name} as XLSX: dates and periods are date cells, numbers numbers, text text`, async () => {
      const s = selection();
      const out = join(t.dir, `${name.replace(/\W+/g, '-')}.xlsx`);
      const done = await exportToFile(ctx.db, s, 'xlsx', out);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(out);
      const sheet = book.worksheets[0]!;
      expect(sheet.rowCount).toBe(done.rows + 1);
      const preview = await ok(ctx, 'previewExport', { ...s, limit: 500 } as never);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header).toEqual(preview.columns.map((c) => c.key));
      const dateLike = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/;
      let dates = 0;
      preview.rows.forEach((row, r) => {
        row.forEach((cell, i) => {
          const column = preview.columns[i]!;
          const got = sheet.getRow(r + 2).getCell(i + 1);
          const where = `${column.key} of row ${r + 2}`;
          if (cell === null) return expect(got.type, where).toBe(ExcelJS.ValueType.Null);
          if (column.type === 'date' || column.type === 'datetime') {
            dates++;
            expect(got.type, where).toBe(ExcelJS.ValueType.Date);
            expect((got.value as Date).toISOString().slice(0, String(cell).length > 10 ? 19 : 10), where).toBe(String(cell).slice(0, String(cell).length > 10 ? 19 : 10));
          } else if (column.type === 'text') {
            expect(got.type, where).toBe(ExcelJS.ValueType.String);
            // A period or a date written as text is what this test is here to catch; raw text from a file stays as it was.
            if (column.key !== 'raw_text') expect(String(cell), where).not.toMatch(dateLike);
          } else {
            expect(got.type, where).toBe(ExcelJS.ValueType.Number);
          }
        });
      });
      if (['plan of a run', 'released plan version', 'audit log', 'accuracy period'].includes(name)) expect(dates).toBeGreaterThan(0);
    });
  }
});
