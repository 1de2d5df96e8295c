// Exception scores are derived data kept in the workbook (line_exceptions), so the
// first page of a big run is fast: per run, rescored when what the scores depend
// on has moved (derived/registry.ts), the stamp kept in exception_runs beside them.
import type { ReadableDb, WritableDb } from '../db/handles';
import { withPageCache } from '../db/page-cache';
import { onlyActualsAfter } from '../derived/actuals-after';
import { derivedTable, need, type DerivedNeed } from '../derived/registry';
import { defaultGroupLayoutOf, offerScoredItems } from '../review/group-layout';
import { runScorer, SCORING_VERSION, type RunScorer } from './score';

/**
 * Page cache while a run's scores are written: the (run_id, score) index takes them
 * in score order, which is random in line order, and with SQLite's default 2 MB
 * nearly every insert would miss a page. 64 MB holds the index of a 1M-line run.
 */
const WRITE_CACHE_KIB = 65_536;

/**
 * The index the Review's worklist reads a run's lines by score through, as migration 001 made it. Filling it
 * line by line puts each entry at a random place (scores are random in line order); building it once the rows
 * are in sorts them instead, in about a third of the time (issue 14). Worth it only while the run's rows are
 * most of the table, since a build reads every run's rows: the first import of a workbook, a big new run.
 */
const SCORE_INDEX = { name: 'line_exceptions_run', create: 'CREATE INDEX line_exceptions_run ON line_exceptions (run_id, score)' } as const;

/** Whether the run's `lines` outnumber the rows other runs keep (counted no further than `lines`). */
function runOutweighsTheRest(db: WritableDb, lines: number): boolean {
  const others = db.prepare('SELECT count(*) FROM (SELECT 1 FROM line_exceptions LIMIT ?)').pluck().get(lines) as number;
  return others < lines;
}

/**
 * The run being scored, which the SQL function below asks. A run's scores are
 * written by one INSERT … SELECT that asks each line's score, computed beforehand
 * (score.ts), so no line crosses into JavaScript as a row nor comes back as an insert.
 */
let scoring: RunScorer | null = null;
const withScoringFunctions = new WeakSet<WritableDb>();

function scoringNow(): RunScorer {
  if (!scoring) throw new Error('An exception score was asked outside the rescoring of a run.');
  return scoring;
}

function registerScoringFunctions(db: WritableDb): void {
  if (withScoringFunctions.has(db)) return;
  db.function('fwb_exception_score_of_line', (lineId: number) => scoringNow().scoreOfLine(lineId));
  withScoringFunctions.add(db);
}

/**
 * What the reasons of the run's lines are worked out from when read (exceptions/reasons.ts), besides the lines
 * themselves: its items' signals and its typical volume. A few thousand rows where the reasons' text was a million.
 */
function keepReasonInputs(db: WritableDb, runId: number, scorer: RunScorer): void {
  db.prepare('DELETE FROM exception_items WHERE run_id = ?').run(runId);
  const insert = db.prepare(
    'INSERT INTO exception_items (run_id, item_key, location_key, run_rate, history, err_abs, err_act, drift) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const { items } = scorer;
  const orNull = (x: number) => (Number.isNaN(x) ? null : x);
  for (let i = 0; i < items.count; i++) {
    insert.run(runId, items.itemKey[i], items.locationKey[i], orNull(items.runRate[i]!), items.history[i], orNull(items.errAbs[i]!), orNull(items.errAct[i]!), items.drift[i]);
  }
  // The signature is written by the registry once the refresh is done (record.write), beside this.
  db.prepare("INSERT INTO exception_runs (run_id, signature, reference) VALUES (?, '', ?) ON CONFLICT (run_id) DO UPDATE SET reference = excluded.reference").run(
    runId,
    scorer.reference,
  );
}

export const exceptionScores = derivedTable<number>({
  name: 'exception scores',
  // Not the lines themselves: an import stages its lines under runs that do not
  // exist yet, and the Review screen must not rescore for every chunk it writes.
  sources: ['history', 'runs', 'imports', 'drift'],
  format: SCORING_VERSION,
  record: {
    read: (db, runId) => db.prepare('SELECT signature FROM exception_runs WHERE run_id = ?').pluck().get(runId) as string | undefined,
    // An upsert: the run's typical volume, written by the refresh (keepReasonInputs), stays.
    write: (db, runId, stamp) =>
      void db.prepare('INSERT INTO exception_runs (run_id, signature) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET signature = excluded.signature').run(runId, stamp),
  },
  refresh(db: WritableDb, runId: number, change) {
    const origin = db.prepare('SELECT origin FROM forecast_runs WHERE run_id = ?').pluck().get(runId) as number | undefined;
    if (origin === undefined) return null;
    // A run's scores read actuals up to its origin only (run-signals.ts): next month's actuals leave them as they are.
    if (onlyActualsAfter(db, change, origin)) return 0;
    const scorer = runScorer(db, runId);
    if (!scorer) return null;
    registerScoringFunctions(db);
    withPageCache(db, WRITE_CACHE_KIB, () => {
      try {
        db.prepare('DELETE FROM line_exceptions WHERE run_id = ?').run(runId);
        // Dropped inside the registry's transaction: a failure takes the drop back with the rows.
        const rebuildIndex = scorer.lines > 0 && runOutweighsTheRest(db, scorer.lines);
        if (rebuildIndex) db.exec(`DROP INDEX ${SCORE_INDEX.name}`);
        scoring = scorer;
        // Only the score per line: the reasons are worked out when a page reads them (exceptions/reasons.ts).
        // `+l.run_id`: the run's line id range read in storage order, not a look-up per line through the run's index.
        const written = db
          .prepare(
            `INSERT INTO line_exceptions (line_id, run_id, score)
             SELECT l.line_id, l.run_id, fwb_exception_score_of_line(l.line_id)
               FROM forecast_lines l
              WHERE l.line_id BETWEEN ? AND ? AND +l.run_id = ?`,
          )
          .run(scorer.firstLine, scorer.lastLine, runId).changes;
        if (written !== scorer.lines) throw new Error(`Rescoring run ${runId} wrote ${written} of its ${scorer.lines} lines.`);
        if (rebuildIndex) db.exec(SCORE_INDEX.create);
        keepReasonInputs(db, runId, scorer);
        // The run's items' highest scores, for its default grouped layout, laid out next without reading the lines again.
        offerScoredItems(db, runId, scorer.itemScores());
      } finally {
        scoring = null;
      }
    });
    return 1;
  },
});

/** The scores of a run, wanted current. */
export const exceptionScoresOf = (runId: number): DerivedNeed => need(exceptionScores, runId);

/** After new data arrives: the newest run's scores and its default grouped layout, so its first page is not the one paying. */
export function newestRunExceptions(db: ReadableDb): DerivedNeed[] {
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number | undefined;
  return runId === undefined ? [] : [exceptionScoresOf(runId), defaultGroupLayoutOf(runId)];
}
