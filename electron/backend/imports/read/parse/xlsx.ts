// XLSX → RecordSource with exceljs's streaming WorkbookReader: rows are read off the zip
// as they come, never a whole-workbook load. Cells become the same text a CSV would
// hold, so mapping and validation do not care about the format.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import { WorkbenchError } from '../../../errors';
import type { RawRecord, RecordSource } from '../../types';
import { capRaw, checkHeader, emptyFileError } from './header';

/** Columns whose plain numbers in 20000–80000 are Excel date serials (1954–2119). */
const DATE_HEADER = /^(ds|date|period|week|month|origin|decided_at)$/i;
const SERIAL_MIN = 20000;
const SERIAL_MAX = 80000;
const DAY_MS = 86_400_000;
// 1899-12-30, not 12-31: Excel counts the non-existent 1900-02-29, so this epoch is right
// for every serial after 60 (all of the accepted range).
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

interface SheetRow {
  number: number;
  cells: unknown[]; // exceljs row.values: 1-based, sparse
}

interface ReaderInternals {
  model?: { sheets?: { name: string; rId?: string }[] };
  properties?: { date1904?: boolean; model?: { date1904?: boolean } };
  workbookRels?: { Id: string; Target: string }[];
}

/**
 * A worksheet's name as the workbook lists it. Writers that zip a sheet before
 * xl/workbook.xml (openpyxl, so pandas' to_excel) make exceljs name it after its
 * file ('Sheet1'); the workbook's relationships say which sheet that file is.
 */
function sheetNameOf(ws: { name: string; id: number }, internals: ReaderInternals, names: string[]): string {
  if (names.includes(ws.name)) return ws.name;
  const rel = internals.workbookRels?.find((r) => r.Target.replace(/^\/?(xl\/)?/, '') === `worksheets/sheet${ws.id}.xml`);
  return internals.model?.sheets?.find((s) => rel !== undefined && s.rId === rel.Id)?.name ?? ws.name;
}

export async function openXlsx(path: string, size: number, sheet: string | undefined, batchSize: number): Promise<RecordSource> {
  // Header pass: stop at the first non-empty row; returning the generator closes the file.
  const progress = { bytesRead: 0 };
  const info = { sheet: '', date1904: false };
  let header: string[] | null = null;
  let headerRow = 0;
  const rows = sheetRows(path, sheet, progress, info);
  try {
    for await (const row of rows) {
      const values = rowTexts(row.cells, null, false);
      if (values.every((v) => v === '')) continue;
      while (values.length > 0 && values[values.length - 1] === '') values.pop(); // formatted empty cells
      header = values;
      headerRow = row.number;
      break;
    }
  } finally {
    await rows.return(undefined);
  }
  if (header === null) throw emptyFileError(path, ` (sheet '${info.sheet}' has no rows)`);
  const { leadingIndex } = checkHeader(path, header, headerRow);
  const width = header.length;
  const dateColumns = header.map((h) => DATE_HEADER.test(h.trim()));
  const readSheet = info.sheet;

  const live = { bytesRead: 0 };
  return {
    file: path,
    format: { format: 'xlsx', sheet: readSheet, ...(leadingIndex ? { leadingIndex } : {}) },
    header,
    progress: () => ({ bytesRead: live.bytesRead, bytesTotal: size }),
    records: () => {
      live.bytesRead = 0;
      return batches(path, readSheet, headerRow, width, dateColumns, batchSize, live);
    },
  };
}

async function* batches(
  path: string,
  sheet: string,
  headerRow: number,
  width: number,
  dateColumns: boolean[],
  batchSize: number,
  progress: { bytesRead: number },
): AsyncGenerator<RawRecord[]> {
  const info = { sheet: '', date1904: false };
  let batch: RawRecord[] = [];
  for await (const row of sheetRows(path, sheet, progress, info)) {
    if (row.number <= headerRow) continue;
    const values = rowTexts(row.cells, dateColumns, info.date1904);
    if (values.every((v) => v === '')) continue;
    // Formatted-but-empty cells past the header are not data; anything else is kept for the validator.
    while (values.length > width && values[values.length - 1] === '') values.pop();
    batch.push({ rowNumber: row.number, values, raw: capRaw(values.join(',')) });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** exceljs reached a worksheet before it had read xl/workbook.xml (see sheetRows). */
class WorkbookPartLost extends Error {}
const READ_ATTEMPTS = 3;

/**
 * Rows of the wanted sheet (or the workbook's first), in order. exceljs's streaming
 * reader sometimes reaches a worksheet zipped before xl/workbook.xml without having
 * read that part (a race in its single pass over the zip, exceljs issue #3064; seen
 * here under heavy load): the file is read again, at most three times, which is safe
 * because the failure comes before any row of the sheet. A file that has no readable
 * workbook part at all is refused in a sentence.
 */
async function* sheetRows(
  path: string,
  wanted: string | undefined,
  progress: { bytesRead: number },
  info: { sheet: string; date1904: boolean },
): AsyncGenerator<SheetRow> {
  for (let attempt = 1; ; attempt++) {
    let yielded = false;
    try {
      for await (const row of sheetRowsOnce(path, wanted, progress, info)) {
        yielded = true;
        yield row;
      }
      return;
    } catch (err) {
      if (!(err instanceof WorkbookPartLost)) throw err;
      if (!yielded && attempt < READ_ATTEMPTS) continue;
      throw new WorkbenchError(
        'INPUT_REJECTED',
        `${basename(path)} is not a valid XLSX workbook (its workbook part, xl/workbook.xml, is missing or unreadable): open it in Excel or LibreOffice, save it again as .xlsx and import that file`,
        { file: path },
      );
    }
  }
}

async function* sheetRowsOnce(
  path: string,
  wanted: string | undefined,
  progress: { bytesRead: number },
  info: { sheet: string; date1904: boolean },
): AsyncGenerator<SheetRow> {
  const name = basename(path);
  const stream = createReadStream(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed: a cell is a date only through its number format
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const internals = reader as unknown as ReaderInternals;
  let names: string[] = [];
  let found = false;
  try {
    for await (const ws of reader) {
      names = (internals.model?.sheets ?? []).map((s) => s.name);
      const target = pickSheet(names, wanted);
      if (target === null) break;
      if (sheetNameOf(ws as unknown as { name: string; id: number }, internals, names) !== target) continue; // the reader drains it
      found = true;
      info.sheet = target;
      info.date1904 = Boolean(internals.properties?.model?.date1904 ?? internals.properties?.date1904);
      for await (const row of ws) {
        progress.bytesRead = stream.bytesRead;
        yield { number: row.number, cells: row.values as unknown[] };
      }
      break;
    }
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    // exceljs reads `this.model.sheets` of a workbook part it has not read (sheetRows tries again).
    if (err instanceof TypeError && /\(reading 'sheets'\)|'sheets' of undefined/.test(err.message)) throw new WorkbookPartLost(err.message);
    // unzipper says 'FILE_ENDED' for a cut-off archive; the rest are zip/XML parser messages.
    const why = err instanceof Error ? err.message : String(err);
    const detail = why === 'FILE_ENDED' ? 'the zip archive is truncated or damaged' : `could not read it: ${why}`;
    throw new WorkbenchError('INPUT_REJECTED', `${name} is not a valid XLSX workbook (${detail})`, { file: path });
  } finally {
    stream.destroy();
  }
  progress.bytesRead = stream.bytesRead;
  if (found) return;
  if (names.length === 0) {
    throw new WorkbenchError('INPUT_REJECTED', `${name} is not a valid XLSX workbook (no worksheets found)`, { file: path });
  }
  throw new WorkbenchError('INPUT_REJECTED', `${name} has no sheet named '${wanted}'; its sheets are: ${names.map((n) => `'${n}'`).join(', ')}`, {
    file: path,
  });
}

/** The wanted sheet's exact name (exact match first, then case/space-insensitive), the first sheet, or null. */
function pickSheet(names: string[], wanted: string | undefined): string | null {
  if (wanted === undefined) return names[0] ?? null;
  if (names.includes(wanted)) return wanted;
  const key = wanted.trim().toLowerCase();
  return names.find((n) => n.trim().toLowerCase() === key) ?? null;
}

function rowTexts(cells: unknown[], dateColumns: boolean[] | null, date1904: boolean): string[] {
  const out: string[] = [];
  for (let c = 1; c < cells.length; c++) out.push(cellText(cells[c], dateColumns?.[c - 1] === true, date1904));
  return out;
}

export function cellText(v: unknown, dateColumn: boolean, date1904: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return ''; // a formula whose cached result is an error
    if (dateColumn && v >= SERIAL_MIN && v <= SERIAL_MAX) return serialToIso(v, date1904);
    return String(v);
  }
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text?: string }[]; result?: unknown; error?: string; text?: unknown; formula?: string; sharedFormula?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text ?? '').join('').trim();
    if ('formula' in o || 'sharedFormula' in o || 'result' in o) return cellText(o.result, dateColumn, date1904);
    if (typeof o.error === 'string') return o.error;
    if (o.text !== undefined) return cellText(o.text, dateColumn, date1904);
  }
  return '';
}

/** Excel serial (days; a time fraction is dropped) → ISO date. 45292 → 2024-01-01. */
export function serialToIso(serial: number, date1904 = false): string {
  const ms = (date1904 ? EPOCH_1904 : EPOCH_1900) + Math.floor(serial) * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}
