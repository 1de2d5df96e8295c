// The export methods of the API. previewExport shows the first rows of what an
// export will hold; runExport writes the whole table into the workbook's
// exports folder and reports its progress (a job: api.ts). The page never names a
// path: a renderer must not be able to write files where it likes. Both only
// read the workbook; the accuracy figures they read are brought current first
// (api.ts declares them).
import { join } from 'node:path';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ExportCell, ExportFormat, ExportOutcome, ExportPreview } from '../../../shared/exports';
import type { BackendContext, ReadContext } from '../context';
import { runJob } from '../jobs';
import { ensureExportsDir, entryExists, workbookStem } from './folder';
import { writeGovernanceHtml } from './governance';
import { selectTable } from './select';
import { assertExportTarget } from './target';

export function previewExport({ db }: ReadContext, req: ParsedRequestOf<'previewExport'>): ExportPreview {
  const { limit, ...selection } = req;
  const table = selectTable(db, selection);
  const rows: ExportCell[][] = [];
  // Leaving the loop early closes the statement, so the preview reads `limit` rows, not the table.
  for (const row of table.rows as Iterable<ExportCell[]>) {
    rows.push(row);
    if (rows.length >= limit) break;
  }
  return { what: req.what, title: table.title, columns: [...table.columns], rows, total: table.total ?? rows.length };
}

/** "20261031-180000" in UTC: sorts by time, safe in file names everywhere. */
function stamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** `<workbook>-<what>-<when>.<format>`, with -2, -3… when two exports land in the same second. */
function exportFileName(dir: string, workbookPath: string, fileStem: string, format: ExportFormat, at: Date): string {
  const base = `${workbookStem(workbookPath)}-${fileStem}-${stamp(at)}`;
  let name = `${base}.${format}`;
  for (let n = 2; entryExists(join(dir, name)); n++) name = `${base}-${n}.${format}`;
  return name;
}

export async function runExport(ctx: ReadContext, req: ParsedRequestOf<'runExport'>): Promise<ExportOutcome> {
  const { format, ...selection } = req;
  if (format === 'html') {
    const dir = ensureExportsDir(ctx.path);
    const fileName = exportFileName(dir, ctx.path, 'governance-report', format, ctx.now());
    const done = await writeGovernanceHtml(ctx.db, assertExportTarget(join(dir, fileName), { workbookPath: ctx.path }), ctx.now());
    return { what: req.what, format, title: done.title, path: done.path, fileName, rows: 7, bytes: done.bytes, warnings: [] };
  }
  // Resolve first, so a wrong run or batch is refused before any folder or file is made.
  const table = selectTable(ctx.db, selection);
  const dir = ensureExportsDir(ctx.path);
  const fileName = exportFileName(dir, ctx.path, table.fileStem, format, ctx.now());
  // Loaded on first use: the writers (exceljs above all) stay out of the worker's start-up.
  const { writeTable } = await import('./write-table');
  const target = assertExportTarget(join(dir, fileName), { workbookPath: ctx.path });
  const written = await writeTable(table, format, target, (p) =>
    ctx.progress?.({ phase: `writing ${format.toUpperCase()}`, done: p.rowsDone, total: p.total, message: `${p.rowsDone} rows` }),
  );
  return { what: req.what, format, title: table.title, path: written.path, fileName, rows: written.rows, bytes: written.bytes, warnings: written.warnings };
}

/** A host's export to a path it names (fwb export --out): the same request as runExport, its rows as job progress. */
export async function exportToPath(ctx: BackendContext, req: ParsedRequestOf<'runExport'>, outPath: string, overwrite: boolean) {
  const { format, ...selection } = req;
  return runJob(ctx.emit, 'export', async (progress) => {
    const { exportToFile } = await import('./export-file');
    const done = await exportToFile(ctx.db, selection, format, outPath, (p) => progress({ phase: 'exporting', done: p.rowsDone, total: p.total ?? null, message: `${p.rowsDone} rows` }), { overwrite });
    return { what: req.what, format, title: done.title, path: done.path, rows: done.rows, bytes: done.bytes, warnings: done.warnings };
  });
}
