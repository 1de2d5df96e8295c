// The rows an import batch put in quarantine, with where and why, and the raw
// text as it was in the file (which is exactly what formula injection would
// hide in: the writers neutralise it).
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { columns, statementRows, type TitledTable } from './table';

export const QUARANTINE_COLUMNS = columns([
  ['batch_id', 'Batch', 'integer'],
  ['row_number', 'Row', 'integer'],
  ['column', 'Column', 'text'],
  ['reason', 'Reason', 'text'],
  ['raw_text', 'Raw text', 'text'],
]);

export function quarantineTable(db: ReadableDb, batchId: number): TitledTable {
  const batch = db.prepare('SELECT file_name AS fileName, rows_quarantined AS quarantined FROM import_batches WHERE batch_id = ?').get(batchId) as
    | { fileName: string; quarantined: number }
    | undefined;
  if (!batch) throw new WorkbenchError('NOT_FOUND', `Import batch ${batchId} does not exist.`);
  const total = db.prepare('SELECT count(*) FROM quarantine_rows WHERE batch_id = ?').pluck().get(batchId) as number;
  return {
    name: `Quarantine batch ${batchId}`,
    title: `Quarantine of batch ${batchId} (${batch.fileName})`,
    fileStem: `quarantine-batch${batchId}`,
    columns: QUARANTINE_COLUMNS,
    rows: statementRows(db.prepare('SELECT batch_id, row_number, column_name, reason, raw_text FROM quarantine_rows WHERE batch_id = ? ORDER BY row_number, quarantine_id'), batchId),
    total,
  };
}
