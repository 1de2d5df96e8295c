// writeTable: one table to one file, CSV or XLSX. The file is written under a
// temporary name in the target's own folder and renamed into place at the end,
// so a failed or interrupted export never leaves a half-written file under the
// name someone (or an ERP import job) is waiting for.
import { renameSync, rmSync, statSync } from 'node:fs';
import type { ExportFormat } from '../../../shared/exports';
import { WorkbenchError } from '../errors';
import { makePrivate } from '../db/private-files';
import type { ExportTable, OnExportProgress } from './table';
import { assertWritableTarget, isUnwritable, partialPathFor } from './target';
import { writeCsv } from './write-csv';
import { XLSX_MAX_TEXT, writeXlsx } from './write-xlsx';

export interface WrittenTable {
  path: string;
  rows: number;
  bytes: number;
  warnings: string[];
}

export async function writeTable(table: ExportTable, format: Exclude<ExportFormat, 'html'>, outPath: string, onProgress?: OnExportProgress): Promise<WrittenTable> {
  const path = assertWritableTarget(outPath);
  const partial = partialPathFor(path);
  const warnings: string[] = [];
  try {
    let rows: number;
    if (format === 'csv') rows = await writeCsv(table, partial, onProgress);
    else {
      const written = await writeXlsx(table, partial, onProgress);
      rows = written.rows;
      if (written.truncatedCells > 0) {
        warnings.push(`${written.truncatedCells} cell${written.truncatedCells === 1 ? ' was' : 's were'} longer than Excel's ${XLSX_MAX_TEXT} characters and cut short; the CSV export holds them whole.`);
      }
    }
    makePrivate(partial);
    renameSync(partial, path);
    return { path, rows, bytes: statSync(path).size, warnings };
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof WorkbenchError) throw err;
    if (isUnwritable(err)) {
      throw new WorkbenchError('INPUT_REJECTED', `Cannot write ${path}: ${(err as Error).message}`, { file: path });
    }
    throw err;
  }
}
