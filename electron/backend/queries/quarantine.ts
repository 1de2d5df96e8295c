import type { QuarantineRow } from '../../../shared/domain';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ReadContext } from '../context';
import { WorkbenchError } from '../errors';

export function listQuarantine({ db }: ReadContext, req: ParsedRequestOf<'listQuarantine'>): { batchId: number; total: number; rows: QuarantineRow[] } {
  const batch = db.prepare('SELECT batch_id FROM import_batches WHERE batch_id = ?').get(req.batchId);
  if (!batch) throw new WorkbenchError('NOT_FOUND', `Import batch ${req.batchId} does not exist.`);
  const total = db.prepare('SELECT count(*) FROM quarantine_rows WHERE batch_id = ?').pluck().get(req.batchId) as number;
  const rows = db
    .prepare(
      `SELECT row_number AS rowNumber, column_name AS "column", reason, raw_text AS raw
         FROM quarantine_rows WHERE batch_id = ? ORDER BY row_number, quarantine_id LIMIT ? OFFSET ?`,
    )
    .all(req.batchId, req.limit, req.offset) as QuarantineRow[];
  return { batchId: req.batchId, total, rows };
}
