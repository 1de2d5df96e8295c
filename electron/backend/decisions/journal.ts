// Appending to the decisions journal and the approvals. Each row goes in with
// its audit entry (payload built by audit/payloads.ts, which `fwb check`
// compares with the row) and the line's line_state, all in the caller's
// transaction. Nothing here updates or deletes a journal row: the schema's
// triggers would refuse, and history must stay as it was written.
import { randomUUID } from 'node:crypto';
import type { ApprovalRecord, DecisionAction, DecisionRecord, PlanSource } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import { approvalAuditPayload, decisionAuditAction, decisionAuditPayload, type ApprovalRow, type DecisionRow } from '../audit/payloads';
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';
import { bulkAuditAppender } from '../audit/bulk-appender';

export interface NewDecision {
  lineId: number;
  action: DecisionAction;
  quantity: number | null;
  source: PlanSource;
  reasonCode: string | null;
  comment: string | null;
  decidedBy: string;
  decidedAt: string;
  status: 'final' | 'pending_approval';
  undoesDecisionId?: number | null;
  /** What the planner asked for where an adopted policy changed it (`quantity` is what applies). */
  askedQuantity?: number | null;
  /** The adopted policy version that changed it. */
  policyVersion?: number | null;
}

type StoredDecision = DecisionRow & { undoes_decision_id: number | null };

export function toDecisionRecord(r: StoredDecision): DecisionRecord {
  // Only an override an adopted policy changed carries what was asked, so every other record reads as before.
  const asked = r.asked_quantity !== null && r.asked_quantity !== undefined ? { askedQuantity: r.asked_quantity, policyVersion: r.policy_version ?? null } : {};
  return {
    ...asked,
    decisionId: r.decision_id,
    lineId: r.line_id,
    action: r.action as DecisionAction,
    quantity: r.quantity,
    source: r.source as PlanSource,
    reasonCode: r.reason_code,
    comment: r.comment,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    status: r.status as DecisionRecord['status'],
    undoesDecisionId: r.undoes_decision_id,
  };
}

export function readDecision(db: Db, decisionId: number): StoredDecision | undefined {
  return db.prepare('SELECT * FROM decisions WHERE decision_id = ?').get(decisionId) as StoredDecision | undefined;
}

/** In a team's replica, the uuid a new row is known by in the team (sent by the next sync); null in a single-seat workbook. */
function teamUuid(db: Db): string | null {
  return db.prepare('SELECT 1 FROM team_link WHERE singleton = 1').get() ? randomUUID() : null;
}

/**
 * The id a new journal row takes: past every row there is and every row a team's answer
 * took out (team_withdrawn), whose audit entries keep their ids: an id is never reused.
 */
export function nextJournalId(db: Db, entity: 'decision' | 'approval'): number {
  const table = entity === 'decision' ? 'decisions' : 'approvals';
  const key = entity === 'decision' ? 'decision_id' : 'approval_id';
  const next = cachedStatement(db, `SELECT max(coalesce((SELECT max(${key}) FROM ${table}), 0), coalesce((SELECT max(local_id) FROM team_withdrawn WHERE entity = ?), 0)) + 1 AS next`).get(entity) as { next: number };
  return Number(next.next);
}

/** The seq of the line's latest decision the team has recorded that this replica has seen (the server's conflict rule). */
const BASED_ON_SEQ = '(SELECT max(b.team_seq) FROM decisions b WHERE b.line_id = ?)';

/** Appends one decision and its audit entry. The caller refreshes line_state. */
export function appendDecision(db: Db, d: NewDecision): DecisionRecord {
  const uuid = teamUuid(db);
  const info = db
    .prepare(
      `INSERT INTO decisions (decision_id, line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, status, undoes_decision_id, sync_uuid, based_on_seq, asked_quantity, policy_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE ${BASED_ON_SEQ} END, ?, ?)`,
    )
    .run(nextJournalId(db, 'decision'), d.lineId, d.action, d.quantity, d.source, d.reasonCode, d.comment, d.decidedBy, d.decidedAt, d.status, d.undoesDecisionId ?? null, uuid, uuid, d.lineId, d.askedQuantity ?? null, d.policyVersion ?? null);
  // The payload is built from the row as stored, exactly what `fwb check` will read.
  const row = readDecision(db, Number(info.lastInsertRowid))!;
  appendAudit(db, { at: row.decided_at, actor: row.decided_by, action: decisionAuditAction(row.action), entity: 'decision', entityId: String(row.decision_id), payload: decisionAuditPayload(row) });
  return toDecisionRecord(row);
}

export function appendApproval(db: Db, a: { decisionId: number; verdict: 'approved' | 'rejected'; note: string | null; decidedBy: string; decidedAt: string }): ApprovalRecord {
  const info = db
    .prepare('INSERT INTO approvals (approval_id, decision_id, verdict, note, decided_by, decided_at, sync_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(nextJournalId(db, 'approval'), a.decisionId, a.verdict, a.note, a.decidedBy, a.decidedAt, teamUuid(db));
  const row = db.prepare('SELECT * FROM approvals WHERE approval_id = ?').get(Number(info.lastInsertRowid)) as ApprovalRow;
  appendAudit(db, { at: row.decided_at, actor: row.decided_by, action: 'approval', entity: 'approval', entityId: String(row.approval_id), payload: approvalAuditPayload(row) });
  return { approvalId: row.approval_id, decisionId: row.decision_id, verdict: row.verdict as ApprovalRecord['verdict'], note: row.note, decidedBy: row.decided_by, decidedAt: row.decided_at };
}

/**
 * Finalises many untouched lines at their model quantity (bulk accept, the
 * 'decide' role at release): one decision, one audit entry and one line_state row
 * per line, with prepared statements and the audit chain kept in memory. The
 * line_state row is written directly: a final decision on top of the journal is
 * the line's state by the projection's own rule. Call inside one transaction in
 * which nothing else appends audit entries meanwhile.
 */
export function appendModelFinals(db: Db, lines: readonly { lineId: number; modelQuantity: number }[], by: { action: 'accept' | 'auto_final'; decidedBy: string; decidedAt: string }): number {
  if (lines.length === 0) return 0;
  const audit = bulkAuditAppender(db);
  // In a team's replica both travel: accepts as decisions, the release's automatic finals with their release.
  const linked = teamUuid(db) !== null;
  const insert = db.prepare(
    `INSERT INTO decisions (decision_id, line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, status, sync_uuid, based_on_seq)
     VALUES (?, ?, ?, ?, 'model', NULL, NULL, ?, ?, 'final', ?, CASE WHEN ? IS NULL THEN NULL ELSE ${BASED_ON_SEQ} END)`,
  );
  let nextId = nextJournalId(db, 'decision');
  const state = db.prepare(
    "INSERT OR REPLACE INTO line_state (line_id, decision_id, final_quantity, source, status, decided_by, decided_at, reason_code) VALUES (?, ?, ?, 'model', 'final', ?, ?, NULL)",
  );
  for (const line of lines) {
    const uuid = linked ? randomUUID() : null;
    const decisionId = Number(insert.run(nextId++, line.lineId, by.action, line.modelQuantity, by.decidedBy, by.decidedAt, uuid, uuid, line.lineId).lastInsertRowid);
    const row: DecisionRow = {
      decision_id: decisionId,
      line_id: line.lineId,
      action: by.action,
      quantity: line.modelQuantity,
      source: 'model',
      reason_code: null,
      comment: null,
      decided_by: by.decidedBy,
      decided_at: by.decidedAt,
      status: 'final',
      undoes_decision_id: null,
      batch_id: null,
    };
    audit({ at: by.decidedAt, actor: by.decidedBy, action: decisionAuditAction(by.action), entity: 'decision', entityId: String(decisionId), payload: decisionAuditPayload(row) });
    state.run(line.lineId, decisionId, line.modelQuantity, by.decidedBy, by.decidedAt);
  }
  return lines.length;
}
