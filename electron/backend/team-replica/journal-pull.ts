// A page of the team's journal written into the replica, in one transaction with the
// table's mark (as pull.ts does for the data tables). Rows are matched by uuid: the
// replica's own row, sent before, takes its server seq (a push whose answer was lost is
// settled here too); anyone else's is appended under a local id, with its audit entry
// in the replica's chain, as every journal row has one. The lines touched are derived
// again before the page commits, so the plan on the replica is the team's.
// Policies and reason codes: each pulled row is a version; applied in seq order, the
// latest of a segment or code is the one the replica keeps, as the server holds it in force.
import type { Cell } from '../../../shared/team-sync';
import { JOURNAL_TABLES, type JournalPage } from '../../../shared/team-journal';
import { appendAudit } from '../audit/chain';
import { DECISION_BATCH_ACTION, DECISION_BATCH_ENTITY, approvalAuditPayload, decisionAuditAction, decisionAuditPayload, policyAuditPayload, reasonCodeRecord, type ApprovalRow, type DecisionRow, type PolicyRow, type ReasonCodeRow } from '../audit/payloads';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { nextJournalId } from '../decisions/journal';
import { refreshLineStates } from '../decisions/projection';
import { keepRefusal, withdraw } from './outbox';
import { applyPulledRelease, settlePulledChange } from './changes';

type Row = Record<string, Cell>;

// A pull runs these once per pulled row: compiled once per connection, not per row.
const statements = new WeakMap<Db, Map<string, Statement<unknown[]>>>();
function cached(db: Db, sql: string): Statement<unknown[]> {
  let byDb = statements.get(db);
  if (!byDb) statements.set(db, (byDb = new Map()));
  let st = byDb.get(sql);
  if (!st) byDb.set(sql, (st = db.prepare<unknown[]>(sql)));
  return st;
}

const localDecision = (db: Db, uuid: string | null) =>
  uuid === null ? undefined : (cached(db, 'SELECT decision_id, line_id, status, team_seq FROM decisions WHERE sync_uuid = ?').get(uuid) as { decision_id: number; line_id: number; status: string; team_seq: number | null } | undefined);

const DECISION_COLUMNS = 'decision_id, line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, status, undoes_decision_id, sync_uuid, team_seq, based_on_seq';
/** Pulled decisions written by one statement: a day's 5,000 made 5,000 statements (~30 % of their writing time). */
const DECISION_CHUNK = 100;
const insertDecisions = (db: Db, rows: number) =>
  cached(db, `INSERT INTO decisions (${DECISION_COLUMNS}) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} RETURNING *`);

/**
 * Others' decisions of a page waiting to be written, in page order, DECISION_CHUNK a statement. Written
 * (flushed) before anything reads the journal they would change: this replica's own row, an undo's target.
 * Each gets the next journal id as it is written, so ids follow page order as when written one by one.
 */
class PendingDecisions {
  private rows: unknown[][] = [];
  constructor(
    private readonly db: Db,
    /** The rows as stored (RETURNING), which is what the page's audit entry records and fwb check reads. */
    readonly written: DecisionRow[],
  ) {}

  add(values: unknown[]): void {
    this.rows.push(values);
    if (this.rows.length === DECISION_CHUNK) this.flush();
  }

  flush(): void {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    const first = nextJournalId(this.db, 'decision');
    if (rows.length === DECISION_CHUNK) {
      const args: unknown[] = [];
      rows.forEach((v, k) => args.push(first + k, ...v));
      // RETURNING's order is not promised: by id, which is page order.
      const stored = (insertDecisions(this.db, DECISION_CHUNK).all(...args) as DecisionRow[]).sort((a, b) => a.decision_id - b.decision_id);
      for (const row of stored) this.written.push(row);
    } else {
      const one = insertDecisions(this.db, 1);
      rows.forEach((v, k) => this.written.push(one.get(first + k, ...v) as DecisionRow));
    }
  }
}

/** Writes a pulled decision (another's, or the server's restatement of this replica's) through `pending`, to be audited with its page. */
function applyDecision(db: Db, r: Row, touched: Set<number>, at: string, pending: PendingDecisions): void {
  const uuid = String(r.uuid);
  const mine = localDecision(db, uuid);
  if (mine) {
    if (mine.team_seq !== null) return;
    if (mine.status === r.status) {
      cached(db, 'UPDATE decisions SET team_seq = ? WHERE decision_id = ?').run(r.seq, mine.decision_id);
      touched.add(mine.line_id);
      return;
    }
    // Sent, but the server recorded another status: its row replaces the replica's.
    pending.flush();
    withdraw(db, 'decision', { id: mine.decision_id, line_id: mine.line_id, status: mine.status, request: '{}' }, uuid, 'restated', at, null);
  }
  // The decision it undoes may be one of this page's, still waiting.
  if (r.undoes_uuid !== null) pending.flush();
  const undoes = r.undoes_uuid === null ? null : (localDecision(db, String(r.undoes_uuid))?.decision_id ?? null);
  pending.add([r.line_id, r.action, r.quantity, r.source, r.reason_code, r.comment, r.decided_by, r.decided_at, r.status, undoes, uuid, r.seq, r.based_on_seq]);
  touched.add(Number(r.line_id));
}

/**
 * One audit entry stands for a page's pulled decisions, as the server's `decision.batch`
 * entries do for a pushed batch: a hash and an INSERT per decision were a third of a day's
 * pull. It holds each decision as stored (what `fwb check` compares the row with, audit/
 * check-journal.ts); a page of one decision keeps the decision's own entry.
 */
function auditPulledDecisions(db: Db, rows: DecisionRow[], at: string): void {
  if (rows.length === 0) return;
  if (rows.length === 1) {
    const row = rows[0]!;
    appendAudit(db, { at: row.decided_at, actor: row.decided_by, action: decisionAuditAction(row.action), entity: 'decision', entityId: String(row.decision_id), payload: decisionAuditPayload(row) });
    return;
  }
  appendAudit(db, {
    at,
    actor: null,
    action: DECISION_BATCH_ACTION,
    entity: DECISION_BATCH_ENTITY,
    entityId: `${rows[0]!.decision_id}-${rows.at(-1)!.decision_id}`,
    payload: { count: rows.length, decisions: rows.map(decisionAuditPayload), from: 'team' },
  });
}

function applyApproval(db: Db, r: Row, touched: Set<number>): void {
  const uuid = String(r.uuid);
  const mine = db.prepare('SELECT approval_id, team_seq FROM approvals WHERE sync_uuid = ?').get(uuid) as { approval_id: number; team_seq: number | null } | undefined;
  const decision = localDecision(db, r.decision_uuid === null ? null : String(r.decision_uuid));
  if (!decision) throw new Error(`The team's approval ${uuid} names decision ${String(r.decision_uuid)}, which this replica has not pulled.`);
  touched.add(decision.line_id);
  if (mine) {
    if (mine.team_seq === null) db.prepare('UPDATE approvals SET team_seq = ? WHERE approval_id = ?').run(r.seq, mine.approval_id);
    return;
  }
  const id = Number(
    db
      .prepare('INSERT INTO approvals (approval_id, decision_id, verdict, note, decided_by, decided_at, sync_uuid, team_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(nextJournalId(db, 'approval'), decision.decision_id, r.verdict, r.note, r.decided_by, r.decided_at, uuid, r.seq).lastInsertRowid,
  );
  const row = db.prepare('SELECT * FROM approvals WHERE approval_id = ?').get(id) as ApprovalRow;
  appendAudit(db, { at: row.decided_at, actor: row.decided_by, action: 'approval', entity: 'approval', entityId: String(id), payload: approvalAuditPayload(row) });
}

/** A refusal of this login's row: kept for its author; the row leaves the journal if a lost answer left it there. */
function applyRefusal(db: Db, r: Row, touched: Set<number>, at: string): void {
  const uuid = String(r.uuid);
  const kind = r.kind === 'review' ? 'review' : 'decision';
  const reason = String(r.reason);
  keepRefusal(db, { uuid, kind, lineId: r.line_id === null ? null : Number(r.line_id), reason, refusedAt: String(r.refused_at), submittedBy: String(r.submitted_by), request: JSON.stringify(r.request), seq: Number(r.seq) });
  const row =
    kind === 'decision'
      ? (db.prepare("SELECT decision_id AS id, line_id, status, '{}' AS request FROM decisions WHERE sync_uuid = ? AND team_seq IS NULL").get(uuid) as { id: number; line_id: number; status: string; request: string } | undefined)
      : (db.prepare("SELECT a.approval_id AS id, d.line_id, a.verdict AS status, '{}' AS request FROM approvals a JOIN decisions d USING (decision_id) WHERE a.sync_uuid = ? AND a.team_seq IS NULL").get(uuid) as
          | { id: number; line_id: number; status: string; request: string }
          | undefined);
  if (row) for (const l of withdraw(db, kind, row, uuid, 'refused', at, reason)) touched.add(l);
}

export function applyJournalPage(db: Db, page: JournalPage, now: () => Date): { written: number } {
  const columns = JOURNAL_TABLES[page.table];
  const mark = db.prepare(
    'INSERT INTO team_sync (table_name, last_seq) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)',
  );
  const at = now().toISOString();
  db.transaction(() => {
    const touched = new Set<number>();
    const pending = new PendingDecisions(db, []);
    for (const cells of page.rows) {
      if (cells.length !== columns.length) throw new Error(`A pulled row of ${page.table} has ${cells.length} columns, not ${columns.length}.`);
      const r: Row = Object.fromEntries(columns.map((c, i) => [c, typeof cells[i] === 'boolean' ? (cells[i] ? 1 : 0) : cells[i]!]));
      switch (page.table) {
        case 'reason_codes':
          db.prepare(
            `INSERT INTO reason_codes (code, label, comment_required, active, sort_order) VALUES (@code, @label, @comment_required, @active, @sort_order)
             ON CONFLICT (code) DO UPDATE SET label = excluded.label, comment_required = excluded.comment_required, active = excluded.active, sort_order = excluded.sort_order`,
          ).run(r);
          {
            // Audited as a change made here is (fwb check compares the row with its latest entry).
            const row = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(r.code) as ReasonCodeRow;
            appendAudit(db, { at, actor: null, action: 'reason_code.change', entity: 'reason_code', entityId: row.code, payload: { ...reasonCodeRecord(row), updatedBy: null, updatedAt: at, from: 'team' } });
          }
          settlePulledChange(db, r.uuid ?? null, page.lastSeq, at);
          break;
        case 'policies':
          db.prepare(
            `INSERT INTO policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, stepped_down_at, updated_by, updated_at)
             VALUES (@segment_type, @segment_value, @model_role, @approval_pct, @approval_units, @freeze_lags, @comment_pct, @drift_threshold_pts, @stepped_down_at, @updated_by, @updated_at)
             ON CONFLICT (segment_type, segment_value) DO UPDATE SET model_role = excluded.model_role, approval_pct = excluded.approval_pct, approval_units = excluded.approval_units,
               freeze_lags = excluded.freeze_lags, comment_pct = excluded.comment_pct, drift_threshold_pts = excluded.drift_threshold_pts, stepped_down_at = excluded.stepped_down_at,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
          ).run(r);
          {
            const row = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(r.segment_type, r.segment_value) as PolicyRow;
            appendAudit(db, { at, actor: row.updated_by, action: 'policy.change', entity: 'policy', entityId: String(row.policy_id), payload: policyAuditPayload(row) });
          }
          // This replica's own change coming back (its answer was lost): settled here.
          settlePulledChange(db, r.uuid ?? null, page.lastSeq, at);
          break;
        case 'releases':
          applyPulledRelease(db, r, at);
          break;
        case 'decisions':
          applyDecision(db, r, touched, at, pending);
          break;
        case 'approvals':
          applyApproval(db, r, touched);
          break;
        case 'refused_submissions':
          applyRefusal(db, r, touched, at);
          break;
        case 'line_conflicts':
          cached(
            db,
            `INSERT INTO team_conflicts (conflict_id, line_id, decision_uuid, author, other_decision_uuid, other_author, opened_at)
             VALUES (@conflict_id, @line_id, @decision_uuid, @author, @other_decision_uuid, @other_author, @opened_at) ON CONFLICT (conflict_id) DO NOTHING`,
          ).run(r);
          break;
        case 'conflict_resolutions':
          cached(db, 'UPDATE team_conflicts SET resolved_how = @how, resolved_by = @resolved_by, resolved_at = @resolved_at WHERE conflict_id = @conflict_id').run(r);
          break;
      }
    }
    pending.flush();
    auditPulledDecisions(db, pending.written, at);
    refreshLineStates(db, touched);
    mark.run(page.table, page.lastSeq);
  }).immediate();
  return { written: page.rows.length };
}
