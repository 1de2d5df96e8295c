// CSV per RFC 4180 through csv-stringify: UTF-8, a header row, CRLF between
// records, a field quoted when it holds a comma, a quote, a CR or an LF. (With
// the windows record delimiter csv-stringify quotes only a whole CRLF unless told
// to quote bare CR and LF too; a reader that ends records at either, as
// LibreOffice and Python's csv module do, would otherwise split the row.) Every
// CSV the app writes, the trust map's included, goes through writeCsv.
// Spreadsheet formula injection (OWASP "CSV injection"): a text cell starting
// with = + - @ tab or CR (or their full-width forms) gets a leading single quote,
// so Excel, LibreOffice and Sheets show it as text and never evaluate it.
// csv-stringify's escape_formulas does exactly that and leaves JS numbers alone,
// so a negative quantity stays a plain number: text columns are therefore
// handed over as strings and number columns as numbers.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { CHAIN_HEAD_COLUMN, chainHeadToken } from '../audit/chain-head';
import type { ExportCell, ExportColumn, ExportTable, OnExportProgress } from './table';
import { forEachRow } from './rows';

/** The value csv-stringify gets for one cell: a string for text, a number for numbers, null for empty. */
export function csvValue(column: ExportColumn, cell: ExportCell | undefined): string | number | null {
  if (cell === null || cell === undefined) return null;
  if (column.type === 'number' || column.type === 'integer') {
    if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
    return String(cell); // not a number after all: written, and neutralised, as text
  }
  return String(cell);
}

export async function writeCsv(table: ExportTable, path: string, onProgress?: OnExportProgress): Promise<number> {
  const out = createWriteStream(path, { flags: 'wx' });
  // Provenance is one more column on every row: a comment or footer line would break CSV readers.
  const head = table.provenance ? chainHeadToken(table.provenance.chainHead, true) : null;
  const csv = stringify({
    header: true,
    columns: head === null ? table.columns.map((c) => c.key) : [...table.columns.map((c) => c.key), CHAIN_HEAD_COLUMN],
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
  csv.pipe(out);
  const failed = new Promise<never>((_, reject) => {
    csv.once('error', reject);
    out.once('error', reject);
  });
  const written = (async () => {
    const rows = await forEachRow(table, onProgress, async (row) => {
      const record = table.columns.map((column, i) => csvValue(column, row[i]));
      if (head !== null) record.push(head);
      if (!csv.write(record)) await once(csv, 'drain');
    });
    csv.end();
    await finished(out);
    return rows;
  })();
  return Promise.race([written, failed]);
}
