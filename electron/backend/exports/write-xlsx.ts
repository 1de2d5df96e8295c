// XLSX through exceljs's streaming WorkbookWriter: rows go to the zip as they are
// committed, so a big plan never sits in memory as a workbook. Typed cells:
// numbers are numbers, dates are real dates (a date format, not text), and text
// is always a string cell, never a formula, whatever it starts with. The header
// is bold, frozen and filterable; column widths follow the header and the first rows.
import ExcelJS from 'exceljs';
import { chainHeadToken, xlsxChainHeadDescription } from '../audit/chain-head';
import type { ExportCell, ExportColumn, ExportProvenance, ExportTable, OnExportProgress } from './table';
import { forEachRow } from './rows';

/** Excel's limit for one cell's text. */
export const XLSX_MAX_TEXT = 32_767;
const DATE_FORMAT = 'yyyy-mm-dd';
const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const WIDTH_SAMPLE_ROWS = 200;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface XlsxWriteResult {
  rows: number;
  truncatedCells: number;
}

/** A sheet name Excel accepts: at most 31 characters, none of []:*?/\. */
export function sheetName(name: string): string {
  const clean = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  return clean === '' ? 'Export' : clean;
}

type XlsxValue = string | number | Date | null;

function dateValue(column: ExportColumn, cell: string): Date | null {
  if (column.type === 'date') {
    const m = ISO_DATE.exec(cell);
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  }
  const d = new Date(cell);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The typed value of one cell; counts text cut to Excel's limit in `stats`. */
export function xlsxValue(column: ExportColumn, cell: ExportCell | undefined, stats: { truncatedCells: number }): XlsxValue {
  if (cell === null || cell === undefined) return null;
  switch (column.type) {
    case 'number':
    case 'integer':
      if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
      break;
    case 'date':
    case 'datetime':
      if (typeof cell === 'string') {
        const d = dateValue(column, cell);
        if (d) return d;
      }
      break;
    case 'text':
      break;
  }
  const text = String(cell);
  if (text.length <= XLSX_MAX_TEXT) return text;
  stats.truncatedCells++;
  return `${text.slice(0, XLSX_MAX_TEXT - 1)}…`;
}

function numberFormat(column: ExportColumn): string | undefined {
  if (column.type === 'date') return DATE_FORMAT;
  if (column.type === 'datetime') return DATETIME_FORMAT;
  if (column.type === 'integer') return '0';
  return undefined;
}

function displayLength(column: ExportColumn, cell: ExportCell | undefined): number {
  if (cell === null || cell === undefined) return 0;
  if (column.type === 'date') return DATE_FORMAT.length;
  if (column.type === 'datetime') return DATETIME_FORMAT.length;
  return String(cell).length;
}

/** Wide enough for the header and the sampled cells, within reason (a long comment wraps nothing). */
function columnWidths(columns: readonly ExportColumn[], sample: ExportCell[][]): number[] {
  return columns.map((column, i) => {
    let longest = column.key.length + 2; // room for the filter button
    for (const row of sample) longest = Math.max(longest, displayLength(column, row[i]));
    return Math.min(Math.max(longest + 2, 8), 60);
  });
}

/** The chain head in the document's description (Excel: File › Info › Properties) and on a sheet of its own after the data. */
function writeProvenance(workbook: ExcelJS.stream.xlsx.WorkbookWriter, provenance: ExportProvenance): void {
  const head = provenance.chainHead;
  (workbook as unknown as { description: string }).description = xlsxChainHeadDescription(head);
  const sheet = workbook.addWorksheet('Provenance');
  sheet.columns = [
    { header: 'Provenance', key: 'what', width: 22 },
    { header: '', key: 'value', width: 72 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const rows: [string, string | number][] = [
    ['Audit chain head', chainHeadToken(head)],
    ['Audit entry', head?.auditId ?? 0],
    ['Entry hash (sha256)', head?.hash ?? ''],
    ['Check against it', 'check the workbook against this file: a rewritten audit chain shows'],
  ];
  for (const r of rows) sheet.addRow(r).commit();
  sheet.commit();
}

export async function writeXlsx(table: ExportTable, path: string, onProgress?: OnExportProgress): Promise<XlsxWriteResult> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: true });
  const sheet = workbook.addWorksheet(sheetName(table.name), { views: [{ state: 'frozen', ySplit: 1 }] });
  const stats = { truncatedCells: 0 };
  const formats = table.columns.map(numberFormat);

  // Widths must be known before the first row is committed: hold back a small sample.
  const sample: ExportCell[][] = [];
  let headerWritten = false;
  const writeHeader = () => {
    const widths = columnWidths(table.columns, sample);
    sheet.columns = table.columns.map((c, i) => ({ header: c.key, key: c.key, width: widths[i] }));
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.commit();
    if (table.columns.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
    headerWritten = true;
    for (const row of sample) commitRow(row);
    sample.length = 0;
  };
  const commitRow = (row: ExportCell[]) => {
    const added = sheet.addRow(table.columns.map((c, i) => xlsxValue(c, row[i], stats)));
    formats.forEach((numFmt, i) => {
      if (numFmt && row[i] !== null && row[i] !== undefined) added.getCell(i + 1).numFmt = numFmt;
    });
    added.commit();
  };

  const rows = await forEachRow(table, onProgress, (row) => {
    if (headerWritten) commitRow(row);
    else {
      sample.push(row);
      if (sample.length >= WIDTH_SAMPLE_ROWS) writeHeader();
    }
  });
  if (!headerWritten) writeHeader();
  sheet.commit();
  if (table.provenance) writeProvenance(workbook, table.provenance);
  await workbook.commit();
  return { rows, truncatedCells: stats.truncatedCells };
}
