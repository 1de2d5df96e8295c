// Exception scores are derived data kept in the workbook (line_exceptions), so the
// first page of a big run is fast: per run, rescored when what the scores depend
// on has moved (derived/registry.ts), the stamp kept in exception_runs beside them.
import type { ReadableDb, WritableDb } from '../db/handles';
import { derivedTable, need, type DerivedNeed } from '../derived/registry';
import { computeRunExceptions, SCORING_VERSION } from './score';

export const exceptionScores = derivedTable<number>({
  name: 'exception scores',
  // Not the lines themselves: an import stages its lines under runs that do not
  // exist yet, and the Review screen must not rescore for every chunk it writes.
  sources: ['history', 'runs', 'imports', 'drift'],
  format: SCORING_VERSION,
  record: {
    read: (db, runId) => db.prepare('SELECT signature FROM exception_runs WHERE run_id = ?').pluck().get(runId) as string | undefined,
    write: (db, runId, stamp) => void db.prepare('INSERT OR REPLACE INTO exception_runs (run_id, signature) VALUES (?, ?)').run(runId, stamp),
  },
  refresh(db: WritableDb, runId: number) {
    if (!db.prepare('SELECT 1 FROM forecast_runs WHERE run_id = ?').get(runId)) return null;
    const scores = computeRunExceptions(db, runId);
    const insert = db.prepare('INSERT INTO line_exceptions (line_id, run_id, score, reasons) VALUES (?, ?, ?, ?)');
    db.prepare('DELETE FROM line_exceptions WHERE run_id = ?').run(runId);
    for (const e of scores) insert.run(e.lineId, runId, e.score, JSON.stringify(e.reasons));
    return 1;
  },
});

/** The scores of a run, wanted current. */
export const exceptionScoresOf = (runId: number): DerivedNeed => need(exceptionScores, runId);

/** After new data arrives: the newest run's scores, so its first page is not the one paying. */
export function newestRunExceptions(db: ReadableDb): DerivedNeed[] {
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number | undefined;
  return runId === undefined ? [] : [exceptionScoresOf(runId)];
}
