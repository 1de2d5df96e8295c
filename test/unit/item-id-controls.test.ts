// Zero-width and bidi control characters are refused in item ids, in every import
// kind, CSV and XLSX alike (issue 12.10): the row goes to quarantine naming its
// row, its column and the code point; item names keep such characters.
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { importFile } from '../../electron/backend/imports/import-file';
import type { ImportOptions } from '../../electron/backend/imports/types';
import { tempDir } from '../helpers/workbook';
import { all, newWorkbook, writeLines } from '../fixtures/import/v_harness';

let t: ReturnType<typeof tempDir>;
let ctx: BackendContext;
let db: Db;
const run = (options: ImportOptions, name: string, lines: string[]) => importFile(ctx, writeLines(t.dir, name, lines), options);

beforeEach(async () => {
  t = tempDir('fwb-item-ids-');
  ({ ctx, db } = await newWorkbook(t.dir));
});
afterEach(() => {
  db.close();
  t.cleanup();
});

/** Ids that look like SKU-19 or SKU-1 on screen but are not. */
const HOSTILE: [string, string][] = [
  ['SKU-1\u202E9', 'U+202E RIGHT-TO-LEFT OVERRIDE'],
  ['SKU-\u200B19', 'U+200B ZERO WIDTH SPACE'],
  ['SKU-1\u2066', 'U+2066 LEFT-TO-RIGHT ISOLATE'],
  ['SKU\uFEFF-1', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
  ['\u200FSKU-1', 'U+200F RIGHT-TO-LEFT MARK'],
];

describe('item ids with invisible or direction characters', () => {
  it('are quarantined in an item master, naming row, column and code point; names keep them', async () => {
    const r = await run({ kind: 'items' }, 'items.csv', [
      'sku,name,category',
      `SKU-19,\u202Egnp.exe,Snacks`,
      ...HOSTILE.map(([id]) => `${id},Lookalike,Snacks`),
    ]);
    expect(r).toMatchObject({ rowsRead: 6, rowsAccepted: 1, rowsQuarantined: 5 });
    expect(r.errors).toEqual(
      HOSTILE.map(([, what], i) => ({
        row: i + 3,
        column: 'sku',
        reason: expect.stringContaining(`item id has ${what}`),
      })),
    );
    expect(r.errors[0]!.reason).toMatch(/at character 6: item ids may not hold invisible or direction characters; remove it$/);
    expect(all(db, 'SELECT item_id, name FROM items')).toEqual([{ item_id: 'SKU-19', name: '\u202Egnp.exe' }]);
    // The quarantine keeps the raw row, for the person fixing the file.
    expect(all(db, 'SELECT row_number, column_name, raw_text FROM quarantine_rows ORDER BY row_number').map((q) => (q as { raw_text: string }).raw_text)).toEqual(
      HOSTILE.map(([id]) => `${id},Lookalike,Snacks`),
    );
  });

  it('are quarantined in forecasts, actuals, sales inputs and decision history', async () => {
    const cases: [ImportOptions, string, string][] = [
      [{ kind: 'forecasts', model: 'ets', origin: '2026-05-01', unknownItems: 'create' }, 'sku,month,fcst', '2026-06-01,100'],
      [{ kind: 'actuals', unknownItems: 'create' }, 'sku,month,sales', '2026-06-01,90'],
      [{ kind: 'sales_inputs', unknownItems: 'create' }, 'sku,month,sales_input', '2026-06-01,80'],
      [{ kind: 'decisions', model: 'ets', origin: '2026-05-01' }, 'sku,month,final,reason', '2026-06-01,110,promotion'],
    ];
    for (const [options, header, rest] of cases) {
      const r = await run(options, `${options.kind}.csv`, [header, `SKU-19,${rest}`, ...HOSTILE.map(([id]) => `${id},${rest}`)]);
      expect(r.rowsQuarantined, `${options.kind}: ${JSON.stringify(r.errors)}`).toBe(HOSTILE.length);
      expect(r.rowsAccepted, options.kind).toBe(1);
      expect(r.errors, options.kind).toEqual(HOSTILE.map(([, what], i) => ({ row: i + 3, column: 'sku', reason: expect.stringContaining(`item id has ${what}`) })));
    }
    expect(all(db, 'SELECT item_id FROM items')).toEqual([{ item_id: 'SKU-19' }]);
  });

  it('are quarantined from XLSX files too', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Actuals');
    sheet.addRow(['item_id', 'period', 'actual']);
    sheet.addRow(['SKU-19', '2026-04-01', 90]);
    sheet.addRow(['SKU-1\u202E9', '2026-04-01', 91]);
    const path = join(t.dir, 'actuals.xlsx');
    await book.xlsx.writeFile(path);
    const r = await importFile(ctx, path, { kind: 'actuals', unknownItems: 'create' });
    expect(r).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    expect(r.errors).toEqual([{ row: 3, column: 'item_id', reason: expect.stringContaining('U+202E RIGHT-TO-LEFT OVERRIDE') }]);
  });
});
