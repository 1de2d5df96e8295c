// The replica's copy of the team's audit chain (migration 011's team_audit_log), read
// page by page for `fwb check --team`, which compares it entry by entry with the server's.
// Rows come back as they were pulled (PULLED_TABLES.audit_log's order), the payload as JSON.
import type { Cell, PulledPage } from '../../../shared/team-sync';
import type { Db } from '../db/open';

/** The copy's entries after `after` (a seq), at most `limit`, in seq order; `lastSeq` the seq this replica has pulled the chain to. */
export function teamAuditCopy(db: Db, after: number, limit: number): Omit<PulledPage, 'table'> {
  const rows = db
    .prepare('SELECT seq, audit_id, at, actor, action, entity, entity_id, payload, prev_hash, hash FROM team_audit_log WHERE seq > ? ORDER BY seq LIMIT ?')
    .raw()
    .all(after, limit) as Cell[][];
  for (const r of rows) r[7] = JSON.parse(String(r[7])) as Cell;
  const mark = db.prepare("SELECT last_seq FROM team_sync WHERE table_name = 'audit_log'").pluck().get() as number | undefined;
  return { rows, lastSeq: mark ?? 0 };
}
