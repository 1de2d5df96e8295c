// The prepared statements the demo writer reuses in its loops, and the one helper
// that records an import batch, its rows and its audit entry.
import { batchContent, rowidFloor } from '../audit/content-digest';
import { importAuditPayload, type ImportBatchRow } from '../audit/payloads';
import type { Db } from '../db/open';
import type { ImportKind } from '../../../shared/domain';
import type { AuditAppender } from '../audit/bulk-appender';
import { ANALYST_ID } from './catalogue-data';
import { iso } from './calendar';

export function prepareStatements(db: Db) {
  return {
    user: db.prepare('INSERT OR IGNORE INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)'),
    passphrase: db.prepare('INSERT OR IGNORE INTO user_passphrases (user_id, hash, set_at) VALUES (?, ?, ?)'),
    batch: db.prepare(
      `INSERT INTO import_batches (kind, file_name, file_size, sha256, source, model_name, model_version, options, rows_read, rows_accepted, rows_quarantined, imported_by, imported_at)
       VALUES (?, ?, NULL, NULL, 'demo', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    quarantine: db.prepare('INSERT INTO quarantine_rows (batch_id, row_number, column_name, reason, raw_text) VALUES (?, ?, ?, ?, ?)'),
    item: db.prepare(
      `INSERT INTO items (item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(replace(?, '-', '') AS INTEGER), ?)`,
    ),
    actual: db.prepare(`INSERT INTO actuals (item_key, period, quantity, batch_id, recorded_at) VALUES ((SELECT item_key FROM items WHERE item_id = ?), CAST(replace(?, '-', '') AS INTEGER), ?, ?, ?)`),
    supersedeActual: db.prepare('UPDATE actuals SET superseded_at = ? WHERE actual_id = ?'),
    run: db.prepare(
      `INSERT INTO forecast_runs (model_name, model_version, origin, grain, interval_level, batch_id, created_at) VALUES (?, ?, CAST(replace(?, '-', '') AS INTEGER), 'month', ?, ?, ?)`,
    ),
    line: db.prepare(
      `INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, (SELECT item_key FROM items WHERE item_id = ?), CAST(replace(?, '-', '') AS INTEGER), ?, ?, ?, ?)`,
    ),
    salesInput: db.prepare(
      `INSERT INTO sales_inputs (item_key, period, quantity, source, note, batch_id, recorded_at) VALUES ((SELECT item_key FROM items WHERE item_id = ?), CAST(replace(?, '-', '') AS INTEGER), ?, ?, ?, ?, ?)`,
    ),
    supersedeSalesInput: db.prepare('UPDATE sales_inputs SET superseded_at = ? WHERE sales_input_id = ?'),
    decision: db.prepare(
      `INSERT INTO decisions (line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    approval: db.prepare('INSERT INTO approvals (decision_id, verdict, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)'),
    policy: db.prepare(
      `INSERT INTO policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, updated_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (segment_type, segment_value) DO UPDATE SET model_role = excluded.model_role, approval_pct = excluded.approval_pct,
         approval_units = excluded.approval_units, freeze_lags = excluded.freeze_lags, comment_pct = excluded.comment_pct,
         drift_threshold_pts = excluded.drift_threshold_pts, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ),
    policyRow: db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export interface BatchSpec {
  kind: ImportKind;
  fileName: string;
  at: number;
  rows: number;
  quarantined?: number;
  modelName?: string;
  modelVersion?: string;
  seed: number;
}

/**
 * Inserts an import batch, lets `write` add its rows, then appends its 'import'
 * audit entry with the fingerprints of those rows (read back: the demo's batches
 * are small); returns the batch id.
 */
export function recordBatch(db: Db, st: Statements, audit: AuditAppender, spec: BatchSpec, write: (batchId: number) => void = () => {}): number {
  const quarantined = spec.quarantined ?? 0;
  const row: Omit<ImportBatchRow, 'batch_id'> = {
    kind: spec.kind,
    file_name: spec.fileName,
    file_size: null,
    sha256: null,
    source: 'demo',
    options: JSON.stringify({ generator: 'demo', seed: spec.seed }),
    model_name: spec.modelName ?? null,
    model_version: spec.modelVersion ?? null,
    rows_read: spec.rows + quarantined,
    rows_accepted: spec.rows,
    rows_quarantined: quarantined,
    imported_by: ANALYST_ID,
    imported_at: iso(spec.at),
  };
  const info = st.batch.run(
    row.kind,
    row.file_name,
    row.model_name,
    row.model_version,
    row.options,
    row.rows_read,
    row.rows_accepted,
    row.rows_quarantined,
    row.imported_by,
    row.imported_at,
  );
  const batchId = Number(info.lastInsertRowid);
  const floor = rowidFloor(db);
  write(batchId);
  audit({
    at: row.imported_at,
    actor: row.imported_by,
    action: 'import',
    entity: 'import_batch',
    entityId: String(batchId),
    payload: importAuditPayload({ ...row, batch_id: batchId }, batchContent(db, batchId, floor), []),
  });
  return batchId;
}
