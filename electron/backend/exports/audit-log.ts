// The hash-chained audit log as a table, oldest entry first, with both hashes so
// a reader can re-verify the chain outside the app.
import type { ReadableDb } from '../db/handles';
import { columns, statementRows, type TitledTable } from './table';

export const AUDIT_COLUMNS = columns([
  ['audit_id', 'Entry', 'integer'],
  ['at', 'At (UTC)', 'datetime'],
  ['actor', 'Actor', 'text'],
  ['action', 'Action', 'text'],
  ['entity', 'Entity', 'text'],
  ['entity_id', 'Entity id', 'text'],
  ['payload', 'Payload', 'text'],
  ['prev_hash', 'Previous hash', 'text'],
  ['hash', 'Hash', 'text'],
]);

export function auditLogTable(db: ReadableDb): TitledTable {
  const total = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  return {
    name: 'Audit log',
    title: `Audit log (${total} entries)`,
    fileStem: 'audit-log',
    columns: AUDIT_COLUMNS,
    rows: statementRows(db.prepare('SELECT audit_id, at, actor, action, entity, entity_id, payload, prev_hash, hash FROM audit_log ORDER BY audit_id')),
    total,
  };
}
