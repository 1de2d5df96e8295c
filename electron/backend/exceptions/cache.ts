// Exception scores live in a TEMP table of the backend's connection: derived data,
// never written to the workbook, recomputed when what they depend on changes.
import type { Db } from '../db/open';
import { computeRunExceptions } from './score';

const prepared = new WeakSet<Db>();

function ensureTables(db: Db): void {
  if (prepared.has(db)) return;
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS line_exceptions (line_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, score REAL NOT NULL, reasons TEXT NOT NULL);
           CREATE INDEX IF NOT EXISTS temp.line_exceptions_run ON line_exceptions (run_id, score);
           CREATE TEMP TABLE IF NOT EXISTS exception_runs (run_id INTEGER PRIMARY KEY, signature TEXT NOT NULL);`);
  prepared.add(db);
}

/** What the scores of a run depend on; any change means recompute. */
function signature(db: Db, runId: number): string {
  const row = db
    .prepare(
      `SELECT (SELECT max(actual_id) FROM actuals) AS a, (SELECT max(sales_input_id) FROM sales_inputs) AS s,
              (SELECT count(*) FROM actuals WHERE superseded_at IS NOT NULL) AS sa,
              (SELECT count(*) || '/' || coalesce(max(alert_id), 0) FROM drift_alerts WHERE resolved_at IS NULL) AS d,
              (SELECT count(*) FROM forecast_lines WHERE run_id = ?) AS n,
              (SELECT max(run_id) FROM forecast_runs) AS r`,
    )
    .get(runId) as Record<string, unknown>;
  return JSON.stringify(row);
}

/** Makes sure temp.line_exceptions holds current scores for the run. */
export function ensureRunExceptions(db: Db, runId: number): void {
  ensureTables(db);
  const sig = signature(db, runId);
  const known = db.prepare('SELECT signature FROM exception_runs WHERE run_id = ?').pluck().get(runId);
  if (known === sig) return;
  const scores = computeRunExceptions(db, runId);
  const insert = db.prepare('INSERT INTO line_exceptions (line_id, run_id, score, reasons) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM line_exceptions WHERE run_id = ?').run(runId);
    for (const e of scores) insert.run(e.lineId, runId, e.score, JSON.stringify(e.reasons));
    db.prepare('INSERT OR REPLACE INTO exception_runs (run_id, signature) VALUES (?, ?)').run(runId, sig);
  })();
}
