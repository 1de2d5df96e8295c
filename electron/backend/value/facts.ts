// What the value measures read from the workbook, in SQL: the runs' cycles, the
// lines that carry a decision or are a top exception, the journal's decisions.
import type { ExceptionReason } from '../../../shared/domain';
import type { ReadableDb } from '../db/handles';
import { EXCEPTION_REASON_COLUMNS, EXCEPTION_REASON_JOINS, exceptionReasonsOf, type ExceptionReasonInputs } from '../exceptions/reasons';
import { SALES_INPUT_JOIN } from '../exceptions/run-signals';
import { TOP_EXCEPTION_SHARE } from '../../../shared/value';

export interface RunFact {
  run_id: number;
  origin: number;
  started_at: string | null;
  released_at: string | null;
  lines: number;
}

export interface LineFact {
  line_id: number;
  run_id: number;
  model: number;
  category: string | null;
  owner_id: string | null;
  score: number | null;
  /** The reasons behind its exception score, strongest first (none when not scored). */
  reasons: ExceptionReason[];
  is_top: 0 | 1;
  /** The line's standing decision (line_state), when it has one. */
  action: string | null;
  override: number | null;
  decided_by: string | null;
  actual: number | null;
}

export interface DecisionFact {
  decision_id: number;
  run_id: number;
  action: 'accept' | 'override' | 'undo';
  decided_by: string;
  decided_at: string;
  /** Overrides only: waited for approval when made, and whether the latest verdict is a rejection. */
  waited: 0 | 1;
  rejected: 0 | 1;
}

export function runFacts(db: ReadableDb): RunFact[] {
  return db
    .prepare(
      `SELECT r.run_id, r.origin,
              coalesce((SELECT b.imported_at FROM import_batches b WHERE b.batch_id = r.batch_id), r.created_at) AS started_at,
              (SELECT min(x.released_at) FROM releases x WHERE x.run_id = r.run_id AND x.kind = 'release') AS released_at,
              (SELECT count(*) FROM forecast_lines l WHERE l.run_id = r.run_id) AS lines
         FROM forecast_runs r ORDER BY r.origin, r.run_id`,
    )
    .all() as RunFact[];
}

/** Lines with a standing decision or among their run's top exceptions (the highest scores, ties by line). */
export function lineFacts(db: ReadableDb): LineFact[] {
  const rows = db
    .prepare(
      `WITH run_lines AS (SELECT run_id, count(*) AS n FROM forecast_lines GROUP BY run_id),
       ranked AS (
         SELECT e.line_id, e.score, r.n,
                row_number() OVER (PARTITION BY e.run_id ORDER BY e.score DESC, e.line_id) AS rn
           FROM line_exceptions e JOIN run_lines r ON r.run_id = e.run_id
       ),
       tops AS (SELECT line_id FROM ranked WHERE score > 0 AND rn - 1 < @share * n),
       wanted AS (SELECT line_id FROM line_state UNION SELECT line_id FROM tops)
       SELECT l.line_id, l.run_id, l.quantity AS model, i.category, i.owner_id, e.score,
              l.line_id AS lineId, l.quantity, l.lower, l.upper, s.quantity AS salesInput, ${EXCEPTION_REASON_COLUMNS},
              (l.line_id IN (SELECT line_id FROM tops)) AS is_top,
              d.action, CASE WHEN d.action = 'override' THEN d.quantity END AS override, d.decided_by,
              a.quantity AS actual
         FROM wanted w
         JOIN forecast_lines l ON l.line_id = w.line_id
         JOIN items i ON i.item_key = l.item_key
         ${SALES_INPUT_JOIN}
         ${EXCEPTION_REASON_JOINS}
         LEFT JOIN line_state ls ON ls.line_id = l.line_id
         LEFT JOIN decisions d ON d.decision_id = ls.decision_id
         LEFT JOIN actuals a ON a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL
        ORDER BY l.line_id`,
    )
    .all({ share: TOP_EXCEPTION_SHARE }) as (Omit<LineFact, 'reasons'> & ExceptionReasonInputs)[];
  // The reasons are worked out on read, as Review's pages do (exceptions/reasons.ts).
  return rows.map((r) => ({
    line_id: r.line_id,
    run_id: r.run_id,
    model: r.model,
    category: r.category,
    owner_id: r.owner_id,
    score: r.score,
    reasons: exceptionReasonsOf(r),
    is_top: r.is_top,
    action: r.action,
    override: r.override,
    decided_by: r.decided_by,
    actual: r.actual,
  }));
}

/** Every decision a person made, in the order they made them. */
export function decisionFacts(db: ReadableDb): DecisionFact[] {
  return db
    .prepare(
      `SELECT d.decision_id, l.run_id, d.action, d.decided_by, d.decided_at,
              (d.action = 'override' AND d.status = 'pending_approval') AS waited,
              coalesce((SELECT a.verdict = 'rejected' FROM approvals a WHERE a.decision_id = d.decision_id ORDER BY a.approval_id DESC LIMIT 1), 0) AS rejected
         FROM decisions d JOIN forecast_lines l ON l.line_id = d.line_id
        WHERE d.action IN ('accept', 'override', 'undo') AND d.decided_by IS NOT NULL
        ORDER BY d.decided_by, d.decided_at, d.decision_id`,
    )
    .all() as DecisionFact[];
}
