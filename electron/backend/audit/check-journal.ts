// The journal (decisions and approvals) against the audit log, both ways: every
// row equals the payload its entry recorded, and every recorded row is still
// there — a deleted decision that is no longer a line's current one changes no
// plan, so only its entry can tell it is gone.
import type { ReadableDb } from '../db/handles';
import type { Findings } from './check-findings';
import { canonicalJson } from './entry';
import { DECISION_BATCH_ACTION, DECISION_BATCH_ENTITY, DECISION_KEYS_ADDED_LATER, approvalAuditPayload, decisionAuditPayload, type ApprovalRow, type DecisionRow } from './payloads';

/** What the audit entry should hold for a row; an older decision entry is compared without the keys added since. */
function expectedPayload(entity: string, payload: object, recordedJson: string): object {
  if (entity !== 'decision') return payload;
  const recorded = JSON.parse(recordedJson) as Record<string, unknown>;
  const expected: Record<string, unknown> = { ...payload };
  for (const key of DECISION_KEYS_ADDED_LATER) {
    // recorded_by came with its own column (migration 6): a row an older entry recorded has none, so a name there now was put there since.
    if (!(key in recorded) && !(key === 'recordedBy' && expected[key] !== null)) delete expected[key];
  }
  return expected;
}

const JOURNAL = [
  { table: 'decisions', key: 'decision_id', entity: 'decision', payload: (r: unknown) => decisionAuditPayload(r as DecisionRow) },
  { table: 'approvals', key: 'approval_id', entity: 'approval', payload: (r: unknown) => approvalAuditPayload(r as ApprovalRow) },
] as const;

/** A pulled page's decisions, each as its `decision.batch` entry recorded it (canonical JSON), by decision id. */
function batchedDecisions(db: ReadableDb): Map<string, { auditId: number; payload: string }> {
  const byId = new Map<string, { auditId: number; payload: string }>();
  const entries = db.prepare('SELECT audit_id AS auditId, payload FROM audit_log WHERE action = ? AND entity = ? ORDER BY audit_id').iterate(DECISION_BATCH_ACTION, DECISION_BATCH_ENTITY) as IterableIterator<{
    auditId: number;
    payload: string;
  }>;
  for (const e of entries) {
    const decisions = (JSON.parse(e.payload) as { decisions?: { decisionId?: unknown }[] }).decisions ?? [];
    for (const d of decisions) byId.set(String(d.decisionId), { auditId: e.auditId, payload: canonicalJson(d) });
  }
  return byId;
}

/** Each decision and approval row must equal the payload its audit entry recorded; returns the rows checked. */
export function checkJournal(db: ReadableDb, f: Findings): number {
  let checked = 0;
  // A decision a pull wrote may be recorded in its page's entry rather than in one of its own.
  const batched = batchedDecisions(db);
  const seenBatched = new Set<string>();
  // A workbook from before migration 10, read as it is, has no team_withdrawn.
  const withdrawn = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'team_withdrawn'").get() !== undefined;
  for (const t of JOURNAL) {
    // The latest audit entry for the row: a row is written once, so there is one.
    const rows = db
      .prepare(
        `SELECT j.*, a.audit_id AS _audit_id, a.payload AS _payload
           FROM ${t.table} j
           LEFT JOIN audit_log a ON a.entity = '${t.entity}' AND a.entity_id = CAST(j.${t.key} AS TEXT)
          ORDER BY j.${t.key}`,
      )
      .iterate() as IterableIterator<Record<string, unknown> & { _audit_id: number | null; _payload: string | null }>;
    for (const row of rows) {
      checked++;
      if (f.full) continue;
      const id = String(row[t.key]);
      const inBatch = t.entity === 'decision' && row._audit_id === null ? batched.get(id) : undefined;
      if (inBatch) {
        seenBatched.add(id);
        row._audit_id = inBatch.auditId;
        row._payload = inBatch.payload;
      }
      if (row._audit_id === null) {
        f.add({ check: 'journal', message: `${t.entity} ${id} has no audit entry (written outside the app?)`, entity: t.entity, entityId: id });
      } else if (canonicalJson(expectedPayload(t.entity, t.payload(row), row._payload!)) !== row._payload) {
        f.add({
          check: 'journal',
          message: `${t.entity} ${id} differs from what audit entry ${row._audit_id} recorded (the row was altered)`,
          auditId: row._audit_id,
          entity: t.entity,
          entityId: id,
        });
      }
    }
    // The other way: an entry whose row is gone.
    const gone = db
      .prepare(
        `SELECT a.audit_id AS auditId, a.entity_id AS entityId FROM audit_log a
          WHERE a.entity = '${t.entity}' AND NOT EXISTS (SELECT 1 FROM ${t.table} j WHERE j.${t.key} = CAST(a.entity_id AS INTEGER) AND CAST(j.${t.key} AS TEXT) = a.entity_id)
            -- A team's answer took it out (migration 10): refused, or replaced by the server's own row.
            ${withdrawn ? `AND NOT EXISTS (SELECT 1 FROM team_withdrawn w WHERE w.entity = '${t.entity}' AND CAST(w.local_id AS TEXT) = a.entity_id)` : ''}
          ORDER BY a.audit_id`,
      )
      .iterate() as IterableIterator<{ auditId: number; entityId: string }>;
    for (const g of gone) {
      if (f.full) break;
      f.add({ check: 'journal', message: `${t.entity} ${g.entityId}, recorded in audit entry ${g.auditId}, is gone from the journal (deleted outside the app)`, auditId: g.auditId, entity: t.entity, entityId: g.entityId });
    }
  }
  // The same for the decisions of pulled pages' entries.
  const withdrawnIds = withdrawn ? new Set((db.prepare("SELECT CAST(local_id AS TEXT) FROM team_withdrawn WHERE entity = 'decision'").pluck().all() as string[])) : new Set<string>();
  for (const [id, e] of batched) {
    if (f.full) break;
    if (seenBatched.has(id) || withdrawnIds.has(id)) continue;
    f.add({ check: 'journal', message: `decision ${id}, recorded in audit entry ${e.auditId}, is gone from the journal (deleted outside the app)`, auditId: e.auditId, entity: 'decision', entityId: id });
  }
  return checked;
}
