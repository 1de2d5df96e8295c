// Keeps accuracy_cells current: per run, the sums every metric is a ratio of,
// grouped by the dimensions the engine slices by (migrations 002 and 003 explain
// the columns). A change rebuilds the cells it touches (cube-change.ts): a run's
// cells of the periods with new actuals or decisions, a whole run when its lines,
// the runs before it at its origin or its history up to the origin changed, every
// run when that cannot be told; otherwise queries read the cells as they are. The
// cells are added up in one pass over the items (cube-build.ts).
//
// Two splits beyond the slice dimensions keep every count honest:
// - lines with an actual above 0 and lines with a MASE scale sit in cells of
//   their own, so a metric's counts (n, improved, worsened) can be taken over
//   exactly the lines it scores (metrics.ts scoredSum);
// - bench_once says which lines carry their point's benchmarks, so a point
//   forecast by several models counts once in the naive and seasonal naive.
import { bucketKeyOf, type Grain } from '../../../shared/period';
import type { WritableDb } from '../db/handles';
import { bringCurrent, derivedTable, metaStampRecord, need, type SourceChange } from '../derived/registry';
import { movedSources } from '../derived/sources';
import { writeRunCells } from './cube-build';
import { writeOverrideTotals } from './override-rollup';
import { writeCellTotals } from './cell-totals';
import { cubeChangeSince, touchedPeriods } from './cube-change';
import { readMeta, writeMeta } from '../db/meta';

/** Items are spread over ITEM_GROUPS fixed groups (itemGroupSql); the bootstrap resamples groups of items. */
export { ITEM_GROUPS, itemGroupSql } from './cube-build';

export interface RunRow {
  run_id: number;
  origin: number;
  grain: Grain;
  model_name: string;
}

/** Bumped when the cells' layout or meaning changes, so every run's cells are rebuilt once. */
const CUBE_FORMAT = 4;

/** Runs with a lower id at the same origin bucket (and grain): of the same model, and of other models. */
export interface EarlierRuns {
  sameModel: number[];
  otherModels: number[];
}

export function earlierRunsAtOrigin(runs: RunRow[]): Map<number, EarlierRuns> {
  const out = new Map<number, EarlierRuns>();
  for (const run of runs) {
    const bucket = bucketKeyOf(run.origin, run.grain);
    const earlier = runs.filter((r) => r.run_id < run.run_id && r.grain === run.grain && bucketKeyOf(r.origin, r.grain) === bucket);
    out.set(run.run_id, {
      sameModel: earlier.filter((r) => r.model_name === run.model_name).map((r) => r.run_id),
      otherModels: earlier.filter((r) => r.model_name !== run.model_name).map((r) => r.run_id),
    });
  }
  return out;
}

/** A line's bench_once (migration 003): 0 when an earlier run of its model holds its point, 1 when only one of another model does, else 2. */
export function benchOnceSql(earlier: EarlierRuns | undefined): string {
  const heldBy = (runs: number[]) =>
    `EXISTS (SELECT 1 FROM forecast_lines o WHERE o.run_id IN (${runs.join(', ')}) AND o.item_key = fl.item_key AND o.location_key = fl.location_key AND o.period = fl.period)`;
  const cases: string[] = [];
  if (earlier && earlier.sameModel.length > 0) cases.push(`WHEN ${heldBy(earlier.sameModel)} THEN 0`);
  if (earlier && earlier.otherModels.length > 0) cases.push(`WHEN ${heldBy(earlier.otherModels)} THEN 1`);
  return cases.length > 0 ? `CASE ${cases.join(' ')} ELSE 2 END` : '2';
}

/** `period` moved back `k` seasons (k an SQL expression), as a yyyymmdd key. */
export function seasonsBackSql(period: string, k: string, grain: Grain): string {
  if (grain === 'week') {
    return `CAST(strftime('%Y%m%d', printf('%04d-%02d-%02d', ${period} / 10000, ${period} / 100 % 100, ${period} % 100), '-' || (364 * (${k})) || ' days') AS INTEGER)`;
  }
  // A season of months, quarters or years is whole years: only the year moves.
  return `(${period} - 10000 * (${k}))`;
}

/**
 * Per run: what its cells depend on that the source ids do not place in a period:
 * its lines and those of the earlier runs at its origin (bench_once). A run whose
 * signature differs is rebuilt whole.
 */
function runSignatures(db: WritableDb, earlier: Map<number, EarlierRuns>): Map<number, string> {
  const lines = db.prepare('SELECT run_id, count(*) AS n, max(line_id) AS maxLine FROM forecast_lines GROUP BY run_id').all() as { run_id: number; n: number; maxLine: number }[];
  const linesOf = new Map(lines.map((r) => [r.run_id, `${r.n}/${r.maxLine}`]));
  const peers = (runId: number) => {
    const e = earlier.get(runId);
    const list = (ids: number[]) => ids.map((id) => `${id}:${linesOf.get(id) ?? '-'}`).join(',');
    return e ? `${list(e.sameModel)};${list(e.otherModels)}` : '';
  };
  return new Map(lines.map((r) => [r.run_id, `${CUBE_FORMAT}|${r.n}/${r.maxLine}|${peers(r.run_id)}`]));
}

/**
 * The accuracy cube as derived data (derived/registry.ts): its stamp is kept in
 * workbook_meta under the name it always had, so migrations and tools that clear
 * accuracy_signature (006, the bench's cold build) still make it rebuild. Within a
 * refresh, what moved since the stamp it was built at (cube-change.ts) and each
 * run's own signature say which cells to rewrite: a decision rewrites its line's
 * run and period only, a month of actuals past every origin that month's cells.
 */
export const accuracyCube = derivedTable({
  name: 'accuracy cube',
  sources: ['history', 'runs', 'lines', 'imports', 'decisions'],
  format: CUBE_FORMAT,
  record: metaStampRecord('accuracy_signature'),
  refresh: (db, _key, change) => {
    const rebuilt = rebuildChangedRuns(db, change);
    const cells = cellCount(db);
    if (rebuilt > 0 || readMeta(db, TOTALS_OF_KEY) !== cells) writeTotals(db, cells);
    return rebuilt;
  },
});

/**
 * The totals over every run (accuracy_override_totals, accuracy_cell_totals) are what an
 * unfiltered answer reads. They follow the cells, which change when a refresh rewrites some
 * (rebuilt > 0) or when an undone run takes its own with it by cascade, outside any
 * refresh, which only ever removes rows: the count of cells the totals were last written
 * from, kept beside them, tells (a run with rolled-up overrides has cells too: every line
 * with an actual has one; counted from the cells' run index, a few pages). A refresh that
 * rewrote nothing (next month's actuals, which touch no line's error) leaves them as they
 * are (~60 ms at 1M lines).
 */
const TOTALS_OF_KEY = 'accuracy_totals_of';

function cellCount(db: WritableDb): string {
  return String(db.prepare('SELECT count(*) FROM accuracy_cells').pluck().get());
}

/** Rewrites both totals from the cells, `cells` of them, and records that count beside them. */
function writeTotals(db: WritableDb, cells: string): void {
  writeOverrideTotals(db);
  writeCellTotals(db);
  writeMeta(db, TOTALS_OF_KEY, cells);
}

/** Brings accuracy_cells up to date; returns how many runs had cells rewritten, wholly or in part. A read-only workbook is left as it is. */
export function ensureAccuracyCube(db: WritableDb): number {
  return bringCurrent(db, [need(accuracyCube)]);
}

/** The periods of each run's lines, kept beside the cells (workbook_meta) so a new month finds the runs it touches without reading their lines. */
const RUN_PERIODS_KEY = 'accuracy_run_periods';

function readRunPeriods(db: WritableDb): Record<string, number[]> {
  const text = readMeta(db, RUN_PERIODS_KEY);
  try {
    return text ? (JSON.parse(text) as Record<string, number[]>) : {};
  } catch {
    return {};
  }
}

/** A run's cells to rebuild: all of them, or those of some periods. */
interface RunRebuild {
  run: RunRow;
  periods: number[] | null;
}

function rebuildChangedRuns(db: WritableDb, change: SourceChange): number {
  const since = cubeChangeSince(db, change);
  if (since === null) db.prepare('DELETE FROM accuracy_runs').run();
  const allRuns = db.prepare('SELECT run_id, origin, grain, model_name FROM forecast_runs').all() as RunRow[];
  const earlier = earlierRunsAtOrigin(allRuns);
  const known = new Map((db.prepare('SELECT run_id, signature FROM accuracy_runs').all() as { run_id: number; signature: string }[]).map((r) => [r.run_id, r.signature]));
  // The signatures count every run's lines (a pass over all of them): only worth it when runs or lines moved.
  const linesMoved = since === null || movedSources(change.built, change.now).some((s) => s === 'runs' || s === 'lines');
  const wanted = linesMoved ? runSignatures(db, earlier) : known;
  const runPeriods = readRunPeriods(db);

  const rebuilds: RunRebuild[] = [];
  for (const run of allRuns) {
    const periods = runPeriods[run.run_id];
    if (since === null || known.get(run.run_id) !== (wanted.get(run.run_id) ?? 'empty') || periods === undefined) {
      rebuilds.push({ run, periods: null });
      continue;
    }
    const touched = touchedPeriods(since, { runId: run.run_id, originBucket: bucketKeyOf(run.origin, run.grain), grain: run.grain }, periods);
    if (touched === 'all') rebuilds.push({ run, periods: null });
    else if (touched.length > 0) rebuilds.push({ run, periods: touched });
  }
  if (rebuilds.length === 0) return 0;

  const periodsOfRuns = writeRunCells(
    db,
    rebuilds.map(({ run, periods }) => ({ runId: run.run_id, originBucket: bucketKeyOf(run.origin, run.grain), grain: run.grain, benchOnceSql: benchOnceSql(earlier.get(run.run_id)), periods })),
  );
  for (const { run, periods } of rebuilds) {
    db.prepare('INSERT OR REPLACE INTO accuracy_runs (run_id, signature) VALUES (?, ?)').run(run.run_id, wanted.get(run.run_id) ?? 'empty');
    if (periods === null) runPeriods[run.run_id] = periodsOfRuns.get(run.run_id) ?? [];
  }
  const live = Object.fromEntries(allRuns.filter((r) => runPeriods[r.run_id]).map((r) => [r.run_id, runPeriods[r.run_id]]));
  writeMeta(db, RUN_PERIODS_KEY, JSON.stringify(live));
  return rebuilds.length;
}
