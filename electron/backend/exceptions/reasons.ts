// The reasons behind a line's exception score, worked out when a page reads them
// (issue 14): the rescoring keeps each line's score, its items' signals
// (exception_items) and the run's typical volume (exception_runs.reference), and
// the reasons are the same function of those and the line (score.ts) that the
// score came from. A page works out a hundred lines' reasons; an import no longer
// writes a million lines of reasons' text.
import type { ExceptionReason } from '../../../shared/domain';
import type { ReadableDb } from '../db/handles';
import { SALES_INPUT_JOIN } from './run-signals';
import { scoreSignals } from './score';

/**
 * What a line's reasons are worked out from besides the line's model quantity, interval and
 * sales input, as columns of a query over forecast_lines `l` joined with EXCEPTION_REASON_JOINS.
 */
export const EXCEPTION_REASON_COLUMNS = `e.score AS keptScore, er.reference AS keptReference, ei.run_rate AS keptRunRate, ei.history AS keptHistory,
       ei.err_abs AS keptErrAbs, ei.err_act AS keptErrAct, ei.drift AS keptDrift`;

/** The line's kept score (e), its item's kept signals (ei) and its run's typical volume (er). */
export const EXCEPTION_REASON_JOINS = `LEFT JOIN line_exceptions e ON e.line_id = l.line_id
       LEFT JOIN exception_items ei ON ei.run_id = l.run_id AND ei.item_key = l.item_key AND ei.location_key = l.location_key
       LEFT JOIN exception_runs er ON er.run_id = l.run_id`;

/** A row of EXCEPTION_REASON_COLUMNS with the line's own inputs. */
export interface ExceptionReasonInputs {
  lineId: number;
  quantity: number;
  lower: number | null;
  upper: number | null;
  salesInput: number | null;
  keptScore: number | null;
  keptReference: number | null;
  keptRunRate: number | null;
  keptHistory: number | null;
  keptErrAbs: number | null;
  keptErrAct: number | null;
  keptDrift: number | null;
}

// -0 as 0: the reasons were JSON text before (issue 14), in which -0 reads back as 0.
const plainZero = (x: number) => (x === 0 ? 0 : x);

/** The line's reasons, strongest first; none when the line has no kept score. */
export function exceptionReasonsOf(row: ExceptionReasonInputs): ExceptionReason[] {
  if (row.keptScore === null || row.keptReference === null || row.keptHistory === null) return [];
  const { reasons } = scoreSignals(
    {
      line_id: row.lineId,
      f: row.quantity,
      lower: row.lower,
      upper: row.upper,
      si: row.salesInput,
      run_rate: row.keptRunRate,
      history: row.keptHistory,
      err_abs: row.keptErrAbs,
      err_act: row.keptErrAct,
      drift: row.keptDrift ?? 0,
    },
    row.keptReference,
  );
  for (const r of reasons) {
    r.value = plainZero(r.value);
    r.contribution = plainZero(r.contribution);
    if (r.units !== undefined) r.units = plainZero(r.units);
  }
  return reasons;
}

/** Every line of a run with its kept score and reasons, in line order: what the worklist shows of each (for checks and exports). */
export function keptRunExceptions(db: ReadableDb, runId: number): { lineId: number; score: number; reasons: ExceptionReason[] }[] {
  const rows = db
    .prepare(
      `SELECT l.line_id AS lineId, l.quantity, l.lower, l.upper, s.quantity AS salesInput, ${EXCEPTION_REASON_COLUMNS}
         FROM forecast_lines l ${SALES_INPUT_JOIN} ${EXCEPTION_REASON_JOINS}
        WHERE l.run_id = ? AND e.score IS NOT NULL ORDER BY l.line_id`,
    )
    .all(runId) as ExceptionReasonInputs[];
  return rows.map((r) => ({ lineId: r.lineId, score: r.keptScore!, reasons: exceptionReasonsOf(r) }));
}
