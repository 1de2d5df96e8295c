// The final plan as a projection of the decisions journal (table line_state).
// The journal is the truth; line_state is a cache of it, written in the same
// transaction as each journal row and rebuildable from the journal alone. One
// SQL derivation serves the rebuild, the per-line refresh and `fwb check`, so
// the three can never disagree about the rules:
// - a decision is in force unless it is an 'undo' or an 'undo' row names it;
// - the line's state is its latest decision in force; the status is the latest
//   approval verdict when there is one, else the status the decision was written with;
// - the final quantity is that decision's quantity when it is final or approved,
//   else the quantity in force before it (the latest earlier final or approved
//   decision, else the model): a pending or rejected override does not move the plan.
// "Latest" is the journal's order (journal_order, migration 10): decision_id's in a
// single-seat workbook; in a team's replica the server's arrival order, then what is
// not sent yet, so every replica derives the same plan from the same journal.
import type { ReadableDb } from '../db/handles';
import type { LineState, LineStatus, PlanSource } from '../../../shared/domain';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';

type Scope = 'all' | 'run' | 'line' | 'lines';

const COLUMNS = 'line_id, decision_id, final_quantity, source, status, decided_by, decided_at, reason_code';

const journalOrders = new WeakMap<ReadableDb, string>();
/** The journal's order column: journal_order from migration 10 on; `fwb check` also reads older workbooks as they are, unmigrated. */
function journalOrder(db: ReadableDb): string {
  let column = journalOrders.get(db);
  if (column === undefined) {
    const has = db.prepare("SELECT 1 FROM pragma_table_xinfo('decisions') WHERE name = 'journal_order'").get() !== undefined;
    journalOrders.set(db, (column = has ? 'journal_order' : 'decision_id'));
  }
  return column;
}

/** The derived line_state rows (COLUMNS, plus effective_decision_id) for lines that have any decision. */
function derivedSql(db: ReadableDb, scope: Scope): string {
  const order = journalOrder(db);
  const join = scope === 'run' ? 'JOIN forecast_lines sl ON sl.line_id = d.line_id AND sl.run_id = @runId' : '';
  // 'lines': the ids as a JSON array, so a set of any size is one statement.
  const where = scope === 'line' ? 'WHERE d.line_id = @lineId' : scope === 'lines' ? 'WHERE d.line_id IN (SELECT value FROM json_each(@lineIds))' : '';
  return `
  journal AS (
    SELECT d.decision_id, d.${order} AS journal_order, d.line_id, d.action, d.quantity, d.source, d.reason_code, d.decided_by, d.decided_at, d.status AS written_status,
           EXISTS (SELECT 1 FROM decisions u WHERE u.undoes_decision_id = d.decision_id AND u.action = 'undo') AS undone
      FROM decisions d ${join} ${where}
  ),
  live AS (
    SELECT j.*, coalesce((SELECT a.verdict FROM approvals a WHERE a.decision_id = j.decision_id ORDER BY a.approval_id DESC LIMIT 1), j.written_status) AS status
      FROM journal j
     WHERE j.action <> 'undo' AND NOT j.undone
  ),
  ranked AS (
    SELECT live.*,
           row_number() OVER (PARTITION BY line_id ORDER BY journal_order DESC) AS rn,
           max(CASE WHEN status IN ('final', 'approved') THEN journal_order END)
             OVER (PARTITION BY line_id ORDER BY journal_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_effective_order
      FROM live
  ),
  derived AS (
    SELECT t.line_id,
           r.decision_id,
           -- An accept stands for the model quantity, also when written without one.
           CASE WHEN r.status IN ('final', 'approved') THEN coalesce(r.quantity, fl.quantity)
                WHEN p.decision_id IS NOT NULL THEN coalesce(p.quantity, fl.quantity)
                ELSE fl.quantity END AS final_quantity,
           CASE WHEN r.status IN ('final', 'approved') THEN r.source
                WHEN p.decision_id IS NOT NULL THEN p.source
                ELSE 'model' END AS source,
           coalesce(r.status, 'undecided') AS status,
           r.decided_by, r.decided_at, r.reason_code,
           -- The decision the final quantity comes from (null: the model's), for release snapshots.
           CASE WHEN r.status IN ('final', 'approved') THEN r.decision_id ELSE p.decision_id END AS effective_decision_id
      FROM (SELECT DISTINCT line_id FROM journal) t
      JOIN forecast_lines fl ON fl.line_id = t.line_id
      LEFT JOIN ranked r ON r.line_id = t.line_id AND r.rn = 1
      LEFT JOIN decisions p ON p.line_id = t.line_id AND p.${order} = r.prev_effective_order
  )`;
}

/** Rebuilds line_state from the journal alone, for one run or the whole workbook. */
export function rebuildLineState(db: Db, runId?: number): number {
  return db.transaction(() => {
    if (runId === undefined) {
      db.prepare('DELETE FROM line_state').run();
      return db.prepare(`WITH ${derivedSql(db, 'all')} INSERT INTO line_state (${COLUMNS}) SELECT ${COLUMNS} FROM derived`).run().changes;
    }
    db.prepare('DELETE FROM line_state WHERE line_id IN (SELECT line_id FROM forecast_lines WHERE run_id = ?)').run(runId);
    return db.prepare(`WITH ${derivedSql(db, 'run')} INSERT INTO line_state (${COLUMNS}) SELECT ${COLUMNS} FROM derived`).run({ runId }).changes;
  })();
}

/** Re-derives one line after a journal write; call inside that write's transaction. */
/**
 * Brings many lines' line_state current in two set-based statements (a team pull touches
 * thousands): each line's row is dropped, then derived again where the line has decisions,
 * which leaves what one refresh per line leaves. Call inside the journal write's transaction.
 */
export function refreshLineStates(db: Db, lineIds: Iterable<number>): void {
  const ids = JSON.stringify([...lineIds]);
  if (ids === '[]') return;
  db.prepare('DELETE FROM line_state WHERE line_id IN (SELECT value FROM json_each(?))').run(ids);
  db.prepare(`WITH ${derivedSql(db, 'lines')} INSERT INTO line_state (${COLUMNS}) SELECT ${COLUMNS} FROM derived`).run({ lineIds: ids });
}

export function refreshLineState(db: Db, lineId: number): LineState {
  const changes = db.prepare(`WITH ${derivedSql(db, 'line')} INSERT OR REPLACE INTO line_state (${COLUMNS}) SELECT ${COLUMNS} FROM derived`).run({ lineId }).changes;
  if (changes === 0) db.prepare('DELETE FROM line_state WHERE line_id = ?').run(lineId);
  return readLineState(db, lineId);
}

interface StateRow {
  lineId: number;
  modelQuantity: number;
  finalQuantity: number | null;
  source: PlanSource | null;
  status: LineStatus | null;
  decisionId: number | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reasonCode: string | null;
}

/** A line of the plan; a line without a line_state row is undecided at the model quantity. */
export function readLineState(db: ReadableDb, lineId: number): LineState {
  const row = db
    .prepare(
      `SELECT fl.line_id AS lineId, fl.quantity AS modelQuantity, ls.final_quantity AS finalQuantity, ls.source, ls.status,
              ls.decision_id AS decisionId, ls.decided_by AS decidedBy, ls.decided_at AS decidedAt, ls.reason_code AS reasonCode
         FROM forecast_lines fl LEFT JOIN line_state ls ON ls.line_id = fl.line_id
        WHERE fl.line_id = ?`,
    )
    .get(lineId) as StateRow | undefined;
  if (!row) throw new WorkbenchError('NOT_FOUND', `Forecast line ${lineId} does not exist.`);
  return {
    ...row,
    finalQuantity: row.finalQuantity ?? row.modelQuantity,
    source: row.source ?? 'model',
    status: row.status ?? 'undecided',
  };
}

/**
 * Lines whose line_state row differs from what the journal says (a missing, extra
 * or different row), smallest line id first. Read-only, so `fwb check` can run it
 * on a workbook opened read-only.
 */
export function lineStateMismatches(db: Db, limit: number): { lines: number[]; total: number } {
  const cached = `SELECT ${COLUMNS} FROM line_state`;
  const rows = db
    .prepare(
      `WITH ${derivedSql(db, 'all')},
       diff AS (
         SELECT line_id FROM (SELECT ${COLUMNS} FROM derived EXCEPT ${cached})
         UNION
         SELECT line_id FROM (${cached} EXCEPT SELECT ${COLUMNS} FROM derived)
       )
       SELECT line_id, count(*) OVER () AS total FROM diff ORDER BY line_id LIMIT ?`,
    )
    .all(limit) as { line_id: number; total: number }[];
  return { lines: rows.map((r) => r.line_id), total: rows[0]?.total ?? 0 };
}

/**
 * Writes every line of a run into release_lines, as the journal says the plan
 * stands: final quantity, its source, and the decision it comes from (null where
 * it is the model's, also under a pending or rejected override).
 */
export function snapshotRunPlan(db: Db, runId: number, releaseId: number): number {
  return db
    .prepare(
      `WITH ${derivedSql(db, 'run')}
       INSERT INTO release_lines (release_id, line_id, final_quantity, source, decision_id)
       SELECT @releaseId, fl.line_id, coalesce(d.final_quantity, fl.quantity), coalesce(d.source, 'model'), d.effective_decision_id
         FROM forecast_lines fl LEFT JOIN derived d ON d.line_id = fl.line_id
        WHERE fl.run_id = @runId`,
    )
    .run({ runId, releaseId }).changes;
}
