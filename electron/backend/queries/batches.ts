import type { ImportBatchSummary } from '../../../shared/domain';
import type { ReadContext } from '../context';

export function listImportBatches({ db }: ReadContext): { batches: ImportBatchSummary[] } {
  const batches = db
    .prepare(
      `SELECT batch_id AS batchId, kind, file_name AS fileName, file_size AS fileSize, sha256,
              model_name AS modelName, model_version AS modelVersion, rows_read AS rowsRead,
              rows_accepted AS rowsAccepted, rows_quarantined AS rowsQuarantined,
              imported_by AS importedBy, imported_at AS importedAt, undone_at AS undoneAt, undone_by AS undoneBy
         FROM import_batches ORDER BY batch_id DESC`,
    )
    .all() as ImportBatchSummary[];
  return { batches };
}
