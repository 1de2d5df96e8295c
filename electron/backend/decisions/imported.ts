// The facts that mark a decision as imported history, read with the decision
// wherever one shows (line journal, plan export, governance): its batch, the file,
// who imported it and the decider the file named. A decision imported before
// migration 6 was written with that name as its author; it is still history.
import type { ImportedDecision } from '../../../shared/decision-provenance';

/** Columns of the imported facts of decision alias `d`; use with importedJoins(d). */
export const importedColumns = (d: string): string =>
  `${d}.batch_id AS imp_batch_id, imp_b.file_name AS imp_file, imp_b.imported_by AS imp_by, imp_u.display_name AS imp_by_name, coalesce(${d}.recorded_by, ${d}.decided_by) AS imp_recorded`;

export const importedJoins = (d: string): string =>
  `LEFT JOIN import_batches imp_b ON imp_b.batch_id = ${d}.batch_id LEFT JOIN users imp_u ON imp_u.user_id = imp_b.imported_by`;

export interface ImportedColumns {
  imp_batch_id: number | null;
  imp_file: string | null;
  imp_by: string | null;
  imp_by_name: string | null;
  imp_recorded: string | null;
}

/** The imported facts of a row read with importedColumns, or null for a decision made here. */
export function importedOf(r: ImportedColumns): ImportedDecision | null {
  if (r.imp_batch_id === null) return null;
  return { batchId: r.imp_batch_id, fileName: r.imp_file ?? `batch ${r.imp_batch_id}`, importedBy: r.imp_by, importedByName: r.imp_by_name, recordedBy: r.imp_recorded };
}
