// Any table on the Accuracy screen, saved as CSV in the browser: RFC 4180 through
// csv-stringify (the same writer as the backend's exports, in its browser build),
// CRLF records, a UTF-8 BOM so Excel reads the labels right. Text cells starting
// with = + - @ tab or CR get a leading single quote (OWASP "CSV injection"):
// csv-stringify's escape_formulas does that and leaves numbers alone, so a
// negative FVA stays a number.
import { stringify } from 'csv-stringify/browser/esm/sync';

export type CsvCell = string | number | null;

export interface CsvTable {
  /** Without the extension: "accuracy-reason". */
  name: string;
  header: string[];
  rows: CsvCell[][];
}

export function toCsv(table: CsvTable): string {
  const rows = table.rows.map((row) => row.map((cell) => (typeof cell === 'number' && !Number.isFinite(cell) ? null : cell)));
  return stringify([table.header, ...rows], { record_delimiter: 'windows', escape_formulas: true });
}

/** Saves the table through the browser's download (the desktop shell shows its save dialog). */
export function downloadCsv(table: CsvTable): void {
  const blob = new Blob(['\uFEFF', toCsv(table)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${table.name.replace(/[^\w.-]+/g, '-')}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
