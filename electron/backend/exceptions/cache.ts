// Exception scores are derived data kept in the workbook (line_exceptions), so the
// first page of a big run is fast: per run, rescored when what the scores depend
// on has moved (derived/registry.ts), the stamp kept in exception_runs beside them.
import type { ReadableDb, WritableDb } from '../db/handles';
import { withPageCache } from '../db/page-cache';
import { onlyActualsAfter } from '../derived/actuals-after';
import { derivedTable, need, type DerivedNeed } from '../derived/registry';
import { defaultGroupLayoutOf, offerScoredItems } from '../review/group-layout';
import { phaseMark } from '../phase-marks';
import { runScorer, SCORING_VERSION, type RunScorer } from './score';

/**
 * Page cache while a run's scores are written: the two tables take them at their ends, but deleting a run's
 * earlier rows and the appends of a 1M-line run touch more pages than SQLite's default 2 MB hold. 16 MB, not
 * more: the pages beyond go to the log while the rows are written rather than all at the commit, and a bigger
 * cache is that much fresh memory, ~2.5 ms a megabyte here (1M scores: write and commit 0.77–0.80 s against
 * 0.83–0.94 s with 64 MB, interleaved, 2026-12-07).
 */
const WRITE_CACHE_KIB = 16_384;

/** Rows written per statement: one call into SQLite per this many rows rather than one per row. */
const ROWS_PER_INSERT = 500;

/**
 * Writes `rows` rows of one run through multi-row INSERTs of `sql` (the table and its columns): `tuple` is a row
 * with `?` for the two values bound per row (`row` writes them) and the run's id written into the statement, which
 * saves a third of the values bound (~10 % of the writing). Returns the rows written.
 */
function insertRunRows(db: WritableDb, sql: string, tuple: string, rows: number, row: (k: number, into: number[], at: number) => void): number {
  const many = db.prepare(`${sql} VALUES ${Array(ROWS_PER_INSERT).fill(tuple).join(', ')}`);
  const one = db.prepare(`${sql} VALUES ${tuple}`);
  const args: number[] = new Array<number>(2 * ROWS_PER_INSERT);
  let written = 0;
  let k = 0;
  for (; k + ROWS_PER_INSERT <= rows; k += ROWS_PER_INSERT) {
    for (let r = 0; r < ROWS_PER_INSERT; r++) row(k + r, args, 2 * r);
    // Spread, not the array: better-sqlite3 reads an array argument through V8's generic property look-up (line-writers.ts).
    written += many.run(...args).changes;
  }
  const last: number[] = [0, 0];
  for (; k < rows; k++) {
    row(k, last, 0);
    written += one.run(...last).changes;
  }
  return written;
}

/**
 * The run's lines in (score, line id) order, as indices into the scorer's arrays. Scores are tenths from 0 to 100
 * (score.ts: toScore), so the lines are counted into 1 001 buckets, one per tenth, and laid out bucket by bucket in
 * index order (line ids ascend with the index): one pass, where sorting a million packed numbers took ~0.1 s
 * (issue 14). A score of another form is sorted by comparison instead.
 */
function scoreOrder(scores: Float64Array): Uint32Array {
  const n = scores.length;
  const tenths = new Uint16Array(n);
  const counts = new Uint32Array(1002);
  for (let k = 0; k < n; k++) {
    const t = Math.round(scores[k]! * 10);
    if (t / 10 !== scores[k] || t < 0 || t > 1000) {
      // Ties of score keep line id order (line ids ascend with k).
      return Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => scores[x]! - scores[y]! || x - y);
    }
    tenths[k] = t;
    counts[t + 1]!++;
  }
  for (let t = 1; t < counts.length; t++) counts[t]! += counts[t - 1]!;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[counts[tenths[k]!]!++] = k;
  return order;
}

/**
 * Writes the run's scores: by line (line_exceptions, line ids ascending) and in the worklist's order
 * (line_exception_order, keyed (run_id, score, line_id), written in key order), each table at its end, with no
 * index to build after (migration 017). No line is read again nor crosses from SQLite into JavaScript to ask its
 * score. Returns the rows written to each.
 */
function writeScores(db: WritableDb, runId: number, scorer: RunScorer): [number, number] {
  const { lineIds, scores, lines } = scorer;
  // Written into the statements' text: a run id is an integer SQLite gave.
  if (!Number.isSafeInteger(runId)) throw new Error(`Rescoring was asked for run ${String(runId)}, which is no run id.`);
  const byLine = insertRunRows(db, 'INSERT INTO line_exceptions (line_id, run_id, score)', `(?, ${runId}, ?)`, lines, (k, into, at) => {
    into[at] = lineIds[k]!;
    into[at + 1] = scores[k]!;
  });
  const order = scoreOrder(scores);
  const ordered = insertRunRows(db, 'INSERT INTO line_exception_order (run_id, score, line_id)', `(${runId}, ?, ?)`, lines, (k, into, at) => {
    const i = order[k]!;
    into[at] = scores[i]!;
    into[at + 1] = lineIds[i]!;
  });
  return [byLine, ordered];
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
  // Scores of the lines just read, the run's items' signals and its reference, under the run just read.
  writesOnlyWhatItRead: true,
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
    phaseMark('scored');
    if (!scorer) return null;
    withPageCache(db, WRITE_CACHE_KIB, () => {
      // The run's rows by line are found through its ordered rows (line_exceptions has no index by run).
      db.prepare('DELETE FROM line_exceptions WHERE line_id IN (SELECT line_id FROM line_exception_order WHERE run_id = @runId) AND run_id = @runId').run({ runId });
      db.prepare('DELETE FROM line_exception_order WHERE run_id = ?').run(runId);
      // Only the score per line: the reasons are worked out when a page reads them (exceptions/reasons.ts).
      phaseMark('deleted old');
      const [byLine, ordered] = writeScores(db, runId, scorer);
      phaseMark('scores written');
      if (byLine !== scorer.lines || ordered !== scorer.lines) throw new Error(`Rescoring run ${runId} wrote ${byLine} and ${ordered} of its ${scorer.lines} lines.`);
      keepReasonInputs(db, runId, scorer);
      // The run's items' highest scores, for its default grouped layout, laid out next without reading the lines again.
      offerScoredItems(db, runId, scorer.itemScores());
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
