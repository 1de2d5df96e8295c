// Exception scores are derived data kept in the workbook (line_exceptions), so the
// first page of a big run is fast; recomputed when what they depend on changes.
import type { Db } from '../db/open';
import { changeStamp } from '../db/change-stamp';
import { computeRunExceptions, SCORING_VERSION } from './score';

/** What the scores of a run depend on; any change means recompute. */
function signature(db: Db, runId: number): string {
  const row = db
    .prepare(
      `SELECT (SELECT max(actual_id) FROM actuals) AS a, (SELECT max(sales_input_id) FROM sales_inputs) AS s,
              (SELECT count(*) || '/' || coalesce(max(alert_id), 0) FROM drift_alerts WHERE resolved_at IS NULL) AS d,
              (SELECT count(*) FROM forecast_lines WHERE run_id = ?) AS n,
              (SELECT max(run_id) FROM forecast_runs) AS r, ${SCORING_VERSION} AS v`,
    )
    .get(runId) as Record<string, unknown>;
  return JSON.stringify(row);
}

/** Per workbook and run: the change stamp at which the scores were last found current. */
const checkedAt = new WeakMap<Db, Map<number, string>>();

/** Makes sure line_exceptions holds current scores for the run. */
export function ensureRunExceptions(db: Db, runId: number): void {
  if (db.readonly) return; // a read-only look (fwb check) lists lines without scores rather than writing
  let checked = checkedAt.get(db);
  if (!checked) checkedAt.set(db, (checked = new Map()));
  // Nothing written since the last check (the planner scrolls): the signature cannot have moved.
  if (checked.get(runId) === changeStamp(db)) return;
  const sig = signature(db, runId);
  const known = db.prepare('SELECT signature FROM exception_runs WHERE run_id = ?').pluck().get(runId);
  if (known === sig) {
    checked.set(runId, changeStamp(db));
    return;
  }
  const scores = computeRunExceptions(db, runId);
  const insert = db.prepare('INSERT INTO line_exceptions (line_id, run_id, score, reasons) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM line_exceptions WHERE run_id = ?').run(runId);
    for (const e of scores) insert.run(e.lineId, runId, e.score, JSON.stringify(e.reasons));
    db.prepare('INSERT OR REPLACE INTO exception_runs (run_id, signature) VALUES (?, ?)').run(runId, sig);
  })();
  checked.set(runId, changeStamp(db));
}

/** After new data arrives: score the newest run now, so its first page is not the one paying. */
export function refreshCurrentRunExceptions(db: Db): void {
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number | undefined;
  if (runId !== undefined) ensureRunExceptions(db, runId);
}

/** Actuals or sales inputs changed without new ids (an import batch undone): every run is scored again when next shown. */
export function forgetExceptionScores(db: Db): void {
  db.prepare('DELETE FROM exception_runs').run();
}
