import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../electron/backend/errors';
import { parseDateCell } from '../../electron/backend/imports/read/parse/date';
import { parseNumber } from '../../electron/backend/imports/read/parse/number';
import { openRecordSource, type ParseOptions } from '../../electron/backend/imports/read/parse/open';
import { serialToIso } from '../../electron/backend/imports/read/parse/xlsx';
import type { RawRecord, RecordSource } from '../../electron/backend/imports/types';

const FIXTURES = join(__dirname, '../fixtures/import');
const fixture = (name: string) => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), 'fwb-import-parse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, data: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, data);
  return path;
}

async function readAll(source: RecordSource): Promise<{ records: RawRecord[]; batches: number }> {
  const records: RawRecord[] = [];
  let batches = 0;
  for await (const batch of source.records()) {
    batches++;
    records.push(...batch);
  }
  return { records, batches };
}

async function open(path: string, options?: ParseOptions) {
  const source = await openRecordSource(path, options);
  return { source, ...(await readAll(source)) };
}

/** The WorkbenchError openRecordSource (or reading) throws for `path`. */
async function rejection(path: string, options?: ParseOptions): Promise<WorkbenchError> {
  try {
    const source = await openRecordSource(path, options);
    await readAll(source);
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbenchError);
    return err as WorkbenchError;
  }
  throw new Error(`${path} was accepted`);
}

describe('parseNumber', () => {
  it.each([
    ['1234.5', false, 1234.5],
    ['-3', false, -3],
    ['+7', false, 7],
    ['1e3', false, 1000],
    ['-1.5e-3', false, -0.0015],
    [' 12 ', false, 12],
    ['0', false, 0],
    ['-0', false, 0],
    ['.5', false, 0.5],
    ['123.456789012', false, 123.456789012],
    ['12345678901234567890', false, Number('12345678901234567890')],
    ['0.1', false, 0.1],
    ['1,234.5', false, 1234.5],
    ['1,234', false, 1234],
    ['-1,234,567.25', false, -1234567.25],
    ['1.234,5', true, 1234.5],
    ['1234,5', true, 1234.5],
    ['-87,5', true, -87.5],
    ['1.234.567,25', true, 1234567.25],
    ['1.234', true, 1234],
    ['12.5', true, 12.5],
    ['0.125', true, 0.125],
    ['80', true, 80],
    [' 95,75 ', true, 95.75],
  ])('%j (decimalComma %s) → %d', (text, decimalComma, expected) => {
    expect(parseNumber(text, decimalComma)).toBe(expected);
  });

  it.each([
    ['', false],
    ['   ', false],
    ['NaN', false],
    ['Infinity', false],
    ['-Infinity', false],
    ['1e999', false],
    ['12abc', false],
    ['abc', false],
    ['0x10', false],
    ['1_000', false],
    ['1,2,3', false],
    ['1,23', false],
    ['0,123', false],
    [',5', false],
    ['1.2.3', false],
    ['--1', false],
    ['-', false],
    ['.', false],
    ['e5', false],
    ['1e', false],
    ['1,234.5', true],
    ['1,2,3', true],
    ['1.23,4', true],
    ['1.2.3', true],
    ['12 kg', true],
    ['', true],
  ])('%j (decimalComma %s) → null', (text, decimalComma) => {
    expect(parseNumber(text, decimalComma)).toBeNull();
  });

  it('agrees with Number() on plain decimals (the hand-rolled fast path is exact)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const wrong: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const digits = 1 + Math.floor(rand() * 15);
      let s = '';
      for (let d = 0; d < digits; d++) s += Math.floor(rand() * 10);
      const dot = Math.floor(rand() * digits);
      const text = (rand() < 0.3 ? '-' : '') + s.slice(0, dot) + '.' + s.slice(dot);
      const expected = Number(text) === 0 ? 0 : Number(text);
      if (parseNumber(text, false) !== expected || parseNumber(text.replace('.', ','), true) !== expected) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });
});

describe('parseDateCell', () => {
  it.each([
    ['2026-01-01', '2026-01-01'],
    ['2024-02-29', '2024-02-29'],
    [' 2026-03-01 ', '2026-03-01'],
    ['2026-01-01T00:00:00', '2026-01-01'],
    ['2026-01-01T00:00:00Z', '2026-01-01'],
    ['2026-01-01T13:45:10.123Z', '2026-01-01'],
    ['2026-01-01T00:00:00+02:00', '2026-01-01'],
    ['2026-01-01 00:00:00', '2026-01-01'],
    ['2026-01-01 23:59', '2026-01-01'],
    ['2026/01/15', '2026-01-15'],
    ['2026-03', '2026-03-01'],
    ['15.01.2026', '2026-01-15'],
    ['1.3.2026', '2026-03-01'],
    ['29.02.2024', '2024-02-29'],
  ])('%j → %s', (text, iso) => {
    expect(parseDateCell(text)).toBe(iso);
  });

  it.each([
    '',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '26-01-01',
    '2026-1-1',
    '2026-01-01T25:00:00',
    '2026-01-01T10:00:00 junk',
    '2026-01-01X',
    '01/15/2026',
    '15/01/2026',
    '2026-13',
    '31.04.2026',
    '45292',
    'next month',
  ])('%j → null', (text) => {
    expect(parseDateCell(text)).toBeNull();
  });
});

describe('CSV fixtures', () => {
  it('reads a long-format forecast file', async () => {
    const { source, records } = await open(fixture('forecast_long.csv'));
    expect(source.format).toEqual({ format: 'csv', delimiter: ',', encoding: 'utf-8', hadBom: false, decimalComma: false });
    expect(source.header).toEqual(['item_id', 'period', 'forecast', 'lower', 'upper', 'model']);
    expect(records.map((r) => r.rowNumber)).toEqual([2, 3, 4, 5]);
    expect(records[0]).toEqual({
      rowNumber: 2,
      values: ['SKU-001', '2026-01-01', '120.5', '100', '140', 'ets-v1'],
      raw: 'SKU-001,2026-01-01,120.5,100,140,ets-v1',
    });
    expect(records[3]!.values).toEqual(['SKU-002', '2026-02-01', '42.25', '33', '51.5', 'ets-v1']);
    expect(source.progress()).toEqual({ bytesRead: 198, bytesTotal: 198 });
  });

  it('detects Latin-1, ";" and decimal commas', async () => {
    const { source, records } = await open(fixture('semicolon_decimal_comma.csv'));
    expect(source.format).toEqual({ format: 'csv', delimiter: ';', encoding: 'latin1', hadBom: false, decimalComma: true });
    expect(source.header).toEqual(['item_id', 'period', 'forecast', 'lower', 'upper']);
    expect(records).toEqual([
      { rowNumber: 2, values: ['Café Crème 250g', '2026-01-01', '1.234,5', '1.100,25', '1.350'], raw: 'Café Crème 250g;2026-01-01;1.234,5;1.100,25;1.350' },
      { rowNumber: 3, values: ['Thé Vert 100g', '2026-01-01', '87,5', '80', '95,75'], raw: 'Thé Vert 100g;2026-01-01;87,5;80;95,75' },
    ]);
    expect(records.map((r) => parseNumber(r.values[2]!, true))).toEqual([1234.5, 87.5]);
    expect(parseNumber(records[0]!.values[4]!, true)).toBe(1350);
  });

  it('strips a UTF-8 BOM and detects tabs', async () => {
    const { source, records } = await open(fixture('utf8_bom_tab.tsv'));
    expect(source.format).toEqual({ format: 'csv', delimiter: '\t', encoding: 'utf-8', hadBom: true, decimalComma: false });
    expect(source.header).toEqual(['item_id', 'period', 'actual']); // no '\uFEFF' on item_id
    expect(records.map((r) => r.values)).toEqual([
      ['Käse 200g', '2026-01-01', '15'],
      ['Crème brûlée €', '2026-02-01', '7'],
    ]);
  });

  it('reads quoted fields with delimiters, quotes and line breaks, counting physical lines', async () => {
    const { source, records } = await open(fixture('quoted_multiline.csv'));
    expect(source.header).toEqual(['item_id', 'period', 'forecast', 'comment']);
    expect(records.map((r) => [r.rowNumber, r.values[0], r.values[3]])).toEqual([
      [2, 'SKU-001', 'Promo, week 1'],
      [3, 'SKU-002', 'He said "rush" it'],
      [4, 'SKU-003', 'line one\r\nline two'],
      [6, 'SKU-004', 'plain'], // after the two-line record: line 6 in a text editor
    ]);
    expect(records[1]!.raw).toBe('SKU-002,2026-01-01,20,"He said ""rush"" it"');
    expect(records[2]!.raw).toBe('SKU-003,2026-01-01,30,"line one\r\nline two"');
    expect(records[3]!.raw).toBe('SKU-004,2026-01-01,40,plain'); // CRLF not part of raw
  });

  it('handles "|", a trailing delimiter, a blank line and no final line break', async () => {
    const { source, records } = await open(fixture('pipe.csv'));
    expect(source.format.delimiter).toBe('|');
    expect(source.header).toEqual(['item_id', 'period', 'forecast']);
    expect(records).toEqual([
      { rowNumber: 2, values: ['SKU-001', '2026-01-01', '5'], raw: 'SKU-001|2026-01-01|5|' },
      { rowNumber: 4, values: ['SKU-002', '2026-01-01', '6'], raw: 'SKU-002|2026-01-01|6|' },
    ]);
  });

  it('reads a wide file with one column group per model', async () => {
    const { source, records } = await open(fixture('nixtla_wide.csv'));
    expect(source.header).toEqual(['unique_id', 'ds', 'AutoETS', 'AutoETS-lo-80', 'AutoETS-hi-80', 'AutoARIMA', 'AutoARIMA-lo-80', 'AutoARIMA-hi-80']);
    expect(records).toHaveLength(3);
    expect(records[2]!.values).toEqual(['SKU-002', '2026-01-01', '12.0', '9.5', '14.5', '11.75', '9.0', '14.5']);
  });

  it('reads prophet output with datetime periods', async () => {
    const { source, records } = await open(fixture('prophet.csv'));
    expect(source.header).toEqual(['item_id', 'ds', 'yhat', 'yhat_lower', 'yhat_upper']);
    expect(records.map((r) => parseDateCell(r.values[1]!))).toEqual(['2026-01-01', '2026-02-01']);
    expect(records.map((r) => parseNumber(r.values[2]!, false))).toEqual([123.456789012, -0.0015]);
  });

  it('gives a header-only file a header and no records', async () => {
    const { source, records, batches } = await open(fixture('header_only.csv'));
    expect(source.header).toEqual(['item_id', 'period', 'forecast']);
    expect(records).toEqual([]);
    expect(batches).toBe(0);
  });

  it('flags the last record of a truncated file', async () => {
    const { records } = await open(fixture('truncated.csv'));
    expect(records).toHaveLength(2);
    expect(records[0]!.problem).toBeUndefined();
    expect(records[1]).toMatchObject({ rowNumber: 3, problem: 'unterminated quoted field (file truncated?)' });
    expect(records[1]!.raw).toBe('SKU-002,2026-01-01,20,"cut off he');
  });

  it('does not pad or cut records to the header width', async () => {
    const path = tmpFile('ragged.csv', 'a,b,c\n1,2\n1,2,3,4\n');
    const { records } = await open(path);
    expect(records.map((r) => r.values)).toEqual([
      ['1', '2'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('flags a stray quote instead of passing on glued-together lines', async () => {
    const { records } = await open(tmpFile('stray.csv', 'a,b\n"x"y,2\n"p" ,3\n4,5\n'));
    expect(records[0]).toMatchObject({ rowNumber: 2, problem: 'malformed quoted field (a quote inside a quoted field must be doubled)' });
    expect(records[1]).toEqual({ rowNumber: 4, values: ['4', '5'], raw: '4,5' });
  });

  it('reads single-column files, CR-only line ends and leading blank lines', async () => {
    const single = await open(tmpFile('single.csv', 'item_id\nA\nB\n'));
    expect(single.source.header).toEqual(['item_id']);
    expect(single.records.map((r) => r.values)).toEqual([['A'], ['B']]);
    const cr = await open(tmpFile('mac.csv', 'a;b\r1;2\r3;4'));
    expect(cr.records.map((r) => [r.rowNumber, ...r.values])).toEqual([
      [2, '1', '2'],
      [3, '3', '4'],
    ]);
    const late = await open(tmpFile('late.csv', '\n  \nitem,qty\nA,1\n'));
    expect(late.source.header).toEqual(['item', 'qty']);
    expect(late.records).toEqual([{ rowNumber: 4, values: ['A', '1'], raw: 'A,1' }]);
  });

  it('flags rows with bytes that are not UTF-8 past the sniffed sample', async () => {
    const clean = Array.from({ length: 3000 }, (_, i) => `SKU-${i},2026-01-01,${i}`).join('\n'); // > 64 KiB of ASCII
    const path = tmpFile('mixed.csv', Buffer.concat([Buffer.from(`item_id,period,qty\n${clean}\n`), Buffer.from('Caf\xe9,2026-01-01,1\nTea,2026-01-01,2\n', 'latin1')]));
    const { source, records } = await open(path);
    expect(source.format.encoding).toBe('utf-8');
    expect(records.at(-2)).toMatchObject({ rowNumber: 3002, problem: 'invalid UTF-8 bytes (does the file mix encodings?)' });
    expect(records.at(-1)).toEqual({ rowNumber: 3003, values: ['Tea', '2026-01-01', '2'], raw: 'Tea,2026-01-01,2' });
    expect(records.filter((r) => r.problem !== undefined)).toHaveLength(1);
  });

  it('honours a given delimiter and encoding, and can be read twice', async () => {
    const path = tmpFile('forced.csv', Buffer.from('name,qty;x\nCafé,1;2\n', 'latin1'));
    const source = await openRecordSource(path, { delimiter: ';', encoding: 'latin1' });
    expect(source.header).toEqual(['name,qty', 'x']);
    const first = await readAll(source);
    const second = await readAll(source);
    expect(first.records).toEqual([{ rowNumber: 2, values: ['Café,1', '2'], raw: 'Café,1;2' }]);
    expect(second.records).toEqual(first.records);
  });
});

describe('files that are refused', () => {
  it('names an empty file', async () => {
    for (const [name, data] of [
      ['empty.csv', null],
      ['blank.csv', '  \n\n \r\n'],
      ['bom_only.csv', Buffer.from([0xef, 0xbb, 0xbf])],
    ] as const) {
      const path = data === null ? fixture(name) : tmpFile(name, data);
      const err = await rejection(path);
      expect(err.code).toBe('INPUT_REJECTED');
      expect(err.message).toBe(`${name} is empty`);
      expect(err.file).toBe(path);
    }
  });

  it('refuses binary files and UTF-16', async () => {
    const bin = await rejection(fixture('binary.csv'));
    expect(bin.code).toBe('INPUT_REJECTED');
    expect(bin.message).toBe('binary.csv looks like a binary file, not CSV or XLSX');
    const utf16 = await rejection(tmpFile('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')])));
    expect(utf16.message).toMatch(/^utf16\.csv looks like a binary file, not CSV or XLSX/);
    const xls = await rejection(tmpFile('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])));
    expect(xls.message).toMatch(/^old\.xls looks like a binary file.*legacy \.xls/);
  });

  it('refuses a header with empty or repeated names, naming the positions', async () => {
    const dup = await rejection(tmpFile('dup.csv', 'item_id,forecast,period,Forecast\nA,1,2026-01-01,2\n'));
    expect(dup.code).toBe('INPUT_REJECTED');
    expect(dup.message).toBe("dup.csv: the header (row 1) is not usable: 'forecast' appears more than once (columns 2 and 4)");
    const empty = await rejection(tmpFile('noname.csv', 'item_id,,period, ,qty\nA,1,2026-01-01,2,3\n'));
    expect(empty.message).toBe('noname.csv: the header (row 1) is not usable: columns 2 and 4 have no name');
  });

  it('refuses a missing file', async () => {
    const err = await rejection(join(tmp, 'nope.csv'));
    expect(err.message).toBe('nope.csv does not exist');
  });
});

describe('XLSX', () => {
  it('reads the first sheet: date cells, serial dates, numbers, formulas, rich text', async () => {
    const { source, records } = await open(fixture('forecast.xlsx'));
    expect(source.format).toEqual({ format: 'xlsx', sheet: 'Forecast' });
    expect(source.header).toEqual(['item_id', 'period', 'origin', 'forecast', 'lower', 'upper', 'model']);
    expect(records).toEqual([
      { rowNumber: 2, values: ['SKU-001', '2026-01-01', '2026-01-01', '120.5', '100', '144.6', 'ets-v1'], raw: 'SKU-001,2026-01-01,2026-01-01,120.5,100,144.6,ets-v1' },
      { rowNumber: 3, values: ['SKU-002', '2026-02-01', '2026-01-01', '40', '31', '48', 'ets-v2'], raw: 'SKU-002,2026-02-01,2026-01-01,40,31,48,ets-v2' },
      // row 4 is empty and skipped; row numbers stay the sheet's
      { rowNumber: 5, values: ['SKU-003', '2026-03-01', '2024-01-01', '0.1', '0', '7', 'ets-v1'], raw: 'SKU-003,2026-03-01,2024-01-01,0.1,0,7,ets-v1' },
    ]);
    expect(source.progress().bytesRead).toBe(source.progress().bytesTotal);
  });

  it('reads a named sheet and lists the sheets when the name is unknown', async () => {
    const { source, records } = await open(fixture('forecast.xlsx'), { sheet: 'Notes' });
    expect(source.format.sheet).toBe('Notes');
    expect(source.header).toEqual(['note']);
    expect(records.map((r) => r.values)).toEqual([['Forecasts from the March planning cycle']]);
    const err = await rejection(fixture('forecast.xlsx'), { sheet: 'Plan' });
    expect(err.code).toBe('INPUT_REJECTED');
    expect(err.message).toBe("forecast.xlsx has no sheet named 'Plan'; its sheets are: 'Forecast', 'Notes'");
  });

  it('goes by content, not extension', async () => {
    const zipped = join(tmp, 'export.csv');
    copyFileSync(fixture('forecast.xlsx'), zipped);
    const { source, records } = await open(zipped);
    expect(source.format.format).toBe('xlsx');
    expect(records).toHaveLength(3);

    const fake = await rejection(fixture('not_really.xlsx'));
    expect(fake.code).toBe('INPUT_REJECTED');
    expect(fake.message).toMatch(/^not_really\.xlsx is not a valid XLSX workbook/);
  });

  it('refuses damaged archives and zips that hold no workbook', async () => {
    const cut = await rejection(tmpFile('cut.xlsx', Buffer.from('PK\x03\x04 and then nothing useful', 'latin1')));
    expect(cut.message).toMatch(/^cut\.xlsx is not a valid XLSX workbook/);
    const notBook = await rejection(tmpFile('photos.xlsx', storedZip('hello.txt', 'not a workbook')));
    expect(notBook.message).toMatch(/^photos\.xlsx is not a valid XLSX workbook/);
  });

  it('refuses a workbook whose xl/workbook.xml is missing in a sentence, not with the reader internals', async () => {
    const sheet = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>item_id</t></is></c></row></sheetData></worksheet>';
    const rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
    const err = await rejection(tmpFile('headless.xlsx', storedZipOf([['xl/_rels/workbook.xml.rels', rels], ['xl/worksheets/sheet1.xml', sheet]])));
    expect(err.code).toBe('INPUT_REJECTED');
    expect(err.message).toBe('headless.xlsx is not a valid XLSX workbook (its workbook part, xl/workbook.xml, is missing or unreadable): open it in Excel or LibreOffice, save it again as .xlsx and import that file');
  });

  it('converts Excel serials with the 1900 system', () => {
    expect(serialToIso(45292)).toBe('2024-01-01');
    expect(serialToIso(46023.75)).toBe('2026-01-01');
    expect(serialToIso(61)).toBe('1900-03-01'); // past Excel's phantom 1900-02-29
    expect(serialToIso(0, true)).toBe('1904-01-01');
  });
});

describe('streaming and hostile input', () => {
  it('reports a 2 MiB line as a problem record and reads on', async () => {
    const long = 'x'.repeat(2 * 1024 * 1024);
    const path = tmpFile('long.csv', `item_id,note\nA,short\nB,${long}\nC,after\n`);
    const { records } = await open(path);
    expect(records).toHaveLength(3);
    expect(records[1]).toMatchObject({ rowNumber: 3, values: [], problem: 'line longer than 1 MiB' });
    expect(records[1]!.raw).toHaveLength(500);
    expect(records[1]!.raw.startsWith('B,xxx')).toBe(true);
    expect(records[2]).toEqual({ rowNumber: 4, values: ['C', 'after'], raw: 'C,after' });
  });

  it('skips an over-long quoted multi-line record and keeps counting lines', async () => {
    const body = Array.from({ length: 200 }, () => 'y'.repeat(100)).join('\n'); // 200 lines inside quotes
    const path = tmpFile('long-quoted.csv', `id,note\n1,"${body}"\n2,"after, quoted"\n3,plain\n`);
    const { records } = await open(path, { maxLineBytes: 4096 });
    expect(records.map((r) => [r.rowNumber, r.problem ?? r.values.join('|')])).toEqual([
      [2, 'line longer than 4 KiB'],
      [202, '2|after, quoted'],
      [203, '3|plain'],
    ]);
  });

  it('streams 200 000 lines in batches, with exact line numbers across pieces', async () => {
    // Every 7th record has a quoted field with a line break, every 5th a quoted comma,
    // some cells are non-ASCII (multi-byte UTF-8 split across read pieces), CRLF endings;
    // the first cell holds the line the record starts on.
    const parts: string[] = ['line,name,qty\r\n'];
    let line = 2;
    for (let i = 0; i < 200_000; i++) {
      const name = i % 7 === 0 ? `"Crème\r\nbrûlée ${i}"` : i % 5 === 0 ? `"Käse, ${i}"` : `Item €${i}`;
      parts.push(`${line},${name},${i}\r\n`);
      line += i % 7 === 0 ? 2 : 1;
    }
    const path = tmpFile('big.csv', parts.join(''));
    const source = await openRecordSource(path);
    let batches = 0;
    let count = 0;
    let firstProgress = 0;
    let mismatches = 0;
    for await (const batch of source.records()) {
      if (batches++ === 0) firstProgress = source.progress().bytesRead;
      expect(batch.length).toBeLessThanOrEqual(5000);
      for (const r of batch) {
        if (r.problem !== undefined || r.rowNumber !== Number(r.values[0]) || r.values[2] !== String(count)) mismatches++;
        const i = count++;
        const name = r.values[1]!;
        if (name !== (i % 7 === 0 ? `Crème\r\nbrûlée ${i}` : i % 5 === 0 ? `Käse, ${i}` : `Item €${i}`)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(count).toBe(200_000);
    expect(batches).toBe(40);
    const { bytesRead, bytesTotal } = source.progress();
    expect(firstProgress).toBeLessThan(bytesTotal / 10); // the first batch came before the file was read
    expect(bytesRead).toBe(bytesTotal);
  });

  it('uses the batch size it is given', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${i},x`).join('\n');
    const { records, batches } = await open(tmpFile('small.csv', `n,v\n${rows}\n`), { batchSize: 10 });
    expect(records).toHaveLength(25);
    expect(batches).toBe(3);
  });
});

/** A minimal zip (one stored entry): a valid archive that is not a workbook. */
function storedZip(name: string, content: string): Buffer {
  return storedZipOf([[name, content]]);
}

/** A zip of stored (uncompressed) entries, in the order given. */
function storedZipOf(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
