// One export into a file at a path the caller chose: `fwb export --out FILE`.
// (The app's own exports go to the workbook's exports folder: handlers.ts.)
import type { ExportFormat } from '../../../shared/exports';
import { accuracyCube } from '../accuracy/cube';
import type { Db } from '../db/open';
import { bringCurrent, need } from '../derived/registry';
import { governanceNeeds } from '../derived/governance-needs';
import { writeGovernanceHtml } from './governance';
import { selectTable, type ExportSelection } from './select';
import type { OnExportProgress } from './table';
import { assertExportTarget } from './target';
import { writeTable, type WrittenTable } from './write-table';

export async function exportToFile(
  db: Db,
  selection: ExportSelection,
  format: ExportFormat,
  outPath: string,
  onProgress?: OnExportProgress,
  options: { overwrite?: boolean } = {},
): Promise<WrittenTable & { title: string; fileStem: string }> {
  // Never the workbook or its side files; an existing file only when asked (fwb export --force).
  const path = assertExportTarget(outPath, { workbookPath: db.name, overwrite: options.overwrite });
  // A way in beside dispatch (fwb export): the derived data it reads is brought current here, as api.ts declares for runExport.
  if (selection.what === 'governance') bringCurrent(db, governanceNeeds(db));
  else if (selection.what === 'accuracy') bringCurrent(db, [need(accuracyCube)]);
  if (format === 'html') {
    // The governance report: one document, not a table.
    const done = await writeGovernanceHtml(db, path);
    return { path: done.path, rows: 8, bytes: done.bytes, warnings: [], title: done.title, fileStem: 'governance-report' };
  }
  const table = selectTable(db, selection);
  const written = await writeTable(table, format, path, onProgress);
  return { ...written, title: table.title, fileStem: table.fileStem };
}
