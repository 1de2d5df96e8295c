// Keeps accuracy_cells current: per run, the sums every metric is a ratio of,
// grouped by the dimensions the engine slices by (migrations 002 and 003 explain
// the columns). A change rebuilds the cells it touches (cube-change.ts): a run's
// cells of the periods with new actuals or decisions, a whole run when its lines,
// the runs before it at its origin or its history up to the origin changed, every
// run when that cannot be told; otherwise queries read the cells as they are. All
// the arithmetic is SQL.
//
// Two splits beyond the slice dimensions keep every count honest:
// - lines with an actual above 0 and lines with a MASE scale sit in cells of
//   their own, so a metric's counts (n, improved, worsened) can be taken over
//   exactly the lines it scores (metrics.ts scoredSum);
// - bench_once says which lines carry their point's benchmarks, so a point
//   forecast by several models counts once in the naive and seasonal naive.
import { SEASON_LENGTH, bucketKeyOf, type Grain } from '../../../shared/period';
import { SIZE_BUCKET_EDGES } from '../../../shared/accuracy';
import { IMPORTED_PLANNER_PREFIX } from '../../../shared/decision-provenance';
import type { WritableDb } from '../db/handles';
import { bringCurrent, derivedTable, metaStampRecord, need, type SourceChange } from '../derived/registry';
import { movedSources } from '../derived/sources';
import { cubeChangeSince, touchedPeriods } from './cube-change';
import { LINE_ERROR_TERMS } from './metrics';

/** Items are spread over this many fixed groups; the bootstrap resamples groups of items. */
export const ITEM_GROUPS = 32;

/** An item's group: a fixed multiplicative hash of its key, so groups do not follow the order items were imported in. */
export const itemGroupSql = (itemKey: string) => `((${itemKey} * 2654435761) % 4294967296) % ${ITEM_GROUPS}`;

interface RunRow {
  run_id: number;
  origin: number;
  grain: Grain;
  model_name: string;
}

/** Bumped when the cells' layout or meaning changes, so every run's cells are rebuilt once. */
const CUBE_FORMAT = 4;

/** Runs with a lower id at the same origin bucket (and grain): of the same model, and of other models. */
interface EarlierRuns {
  sameModel: number[];
  otherModels: number[];
}

function earlierRunsAtOrigin(runs: RunRow[]): Map<number, EarlierRuns> {
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
function benchOnceSql(earlier: EarlierRuns | undefined): string {
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

/** Seasons to go back for a line of lag `lag` so the bucket is at or before the origin (at least one). */
function seasonsForLagSql(lag: string, grain: Grain): string {
  const s = SEASON_LENGTH[grain];
  return `max(1, (${lag} + ${s - 1}) / ${s})`;
}

function sizeBucketSql(model: string, final: string): string {
  const last = SIZE_BUCKET_EDGES.length - 1;
  const steps = SIZE_BUCKET_EDGES.slice(1)
    .map((edge, i) => ({ edge, bucket: i + 1 }))
    .reverse()
    .map(({ edge, bucket }) => `WHEN abs(${final} - ${model}) * 100.0 / ${model} >= ${edge} THEN ${bucket}`)
    .join(' ');
  return `CASE WHEN ${model} <= 0 THEN ${last} ${steps} ELSE 0 END`;
}

/** The six sums of one source's errors (NULL forecast → NULL sums). */
function sourceSums(prefix: string, f: string): string {
  return Object.entries(LINE_ERROR_TERMS)
    .map(([suffix, term]) => `sum(${term(f)}) AS ${prefix}_${suffix}`)
    .join(',\n       ');
}

const better = (p: string, s: string) => `sum(abs(${s} - act) < abs(${p} - act))`;
const worse = (p: string, s: string) => `sum(abs(${s} - act) > abs(${p} - act))`;

/**
 * Whom the planner slice credits decision `d` to: its person, or for imported
 * history 'imported:<the name the file recorded>' (shared/decision-provenance.ts),
 * so history never counts as the person of the workbook who has that name.
 */
const plannerKeySql = (d: string) => `CASE WHEN ${d}.batch_id IS NOT NULL THEN '${IMPORTED_PLANNER_PREFIX}' || coalesce(${d}.recorded_by, ${d}.decided_by, '') ELSE ${d}.decided_by END`;

/** The run's lines with an actual, each with every forecast and its override: a temp table both cell tables are grouped from. */
function runLinesSql(grain: Grain, earlier: EarlierRuns | undefined, somePeriods: boolean): string {
  const snaivePeriod = seasonsBackSql('fl.period', seasonsForLagSql('fl.lag', grain), grain);
  return `
CREATE TEMP TABLE accuracy_lines AS
WITH base AS (
  SELECT fl.line_id, fl.item_key, fl.period, fl.lag, fl.quantity AS m, fl.lower, fl.upper, a.quantity AS act,
         coalesce(ls.final_quantity, fl.quantity) AS f, ls.status, ls.reason_code AS ls_reason, ${plannerKeySql('ld')} AS ls_by,
         nv.quantity AS nv0, sn.quantity AS sn0, si.quantity AS si, sc.scale,
         i.category, i.abc_class, i.owner_id, ${benchOnceSql(earlier)} AS bench_once
    FROM forecast_lines fl
    JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
    JOIN items i ON i.item_key = fl.item_key
    LEFT JOIN line_state ls ON ls.line_id = fl.line_id
    LEFT JOIN decisions ld ON ld.decision_id = ls.decision_id
    LEFT JOIN actuals nv ON nv.item_key = fl.item_key AND nv.location_key = fl.location_key AND nv.period = @originBucket AND nv.superseded_at IS NULL
    LEFT JOIN actuals sn ON sn.item_key = fl.item_key AND sn.location_key = fl.location_key AND sn.period = ${snaivePeriod} AND sn.superseded_at IS NULL
    LEFT JOIN sales_inputs si ON si.item_key = fl.item_key AND si.location_key = fl.location_key AND si.period = fl.period AND si.superseded_at IS NULL
    LEFT JOIN temp.accuracy_scale sc ON sc.item_key = fl.item_key AND sc.location_key = fl.location_key
   WHERE fl.run_id = @runId${somePeriods ? ' AND fl.period IN (SELECT value FROM json_each(@periods))' : ''}
),
l AS (
  SELECT base.*,
         (nv0 IS NOT NULL AND sn0 IS NOT NULL) AS hb,
         CASE WHEN nv0 IS NOT NULL AND sn0 IS NOT NULL THEN nv0 END AS nv,
         CASE WHEN nv0 IS NOT NULL AND sn0 IS NOT NULL THEN sn0 END AS sn,
         CASE WHEN f > m THEN 1 WHEN f < m THEN -1 ELSE 0 END AS dir
    FROM base
),
o AS (
  -- The override in force: its reason and author are the latest decision's when
  -- that one is in force, else (a later override pending or rejected) the one
  -- whose quantity the plan still carries.
  SELECT l.*,
         CASE WHEN dir = 0 THEN NULL ELSE ${sizeBucketSql('m', 'f')} END AS size_bucket,
         CASE WHEN dir = 0 THEN NULL WHEN status IN ('final', 'approved') THEN ls_reason
              ELSE (SELECT d.reason_code FROM decisions d WHERE d.line_id = l.line_id AND d.action = 'override' AND d.quantity = l.f ORDER BY d.decision_id DESC LIMIT 1) END AS reason_code,
         CASE WHEN dir = 0 THEN NULL WHEN status IN ('final', 'approved') THEN ls_by
              ELSE (SELECT ${plannerKeySql('d')} FROM decisions d WHERE d.line_id = l.line_id AND d.action = 'override' AND d.quantity = l.f ORDER BY d.decision_id DESC LIMIT 1) END AS decided_by,
         ${itemGroupSql('item_key')} AS item_group
    FROM l
)
SELECT * FROM o`;
}

const LINE_CELLS_SQL = `
INSERT INTO accuracy_cells
SELECT @runId, period, lag, category, abc_class, owner_id, hb, si IS NOT NULL, item_group,
       count(*), sum(act), sum(act > 0), sum(coalesce(scale > 0, 0)),
       ${sourceSums('m', 'm')},
       ${sourceSums('f', 'f')},
       ${sourceSums('nv', 'nv')},
       ${sourceSums('sn', 'sn')},
       ${sourceSums('si', 'si')},
       ${better('nv', 'sn')}, ${worse('nv', 'sn')},
       ${better('sn', 'm')}, ${worse('sn', 'm')},
       ${better('m', 'f')}, ${worse('m', 'f')},
       ${better('m', 'si')}, ${worse('m', 'si')},
       sum(lower IS NOT NULL AND upper IS NOT NULL),
       sum(lower IS NOT NULL AND upper IS NOT NULL AND act >= lower AND act <= upper),
       bench_once
  FROM temp.accuracy_lines
 GROUP BY period, lag, category, abc_class, owner_id, hb, si IS NOT NULL, item_group, act > 0, coalesce(scale > 0, 0), bench_once`;

const OVERRIDE_CELLS_SQL = `
INSERT INTO accuracy_override_cells
SELECT @runId, period, lag, category, abc_class, owner_id, dir, size_bucket, reason_code, decided_by, item_group,
       count(*), sum(act), sum(act > 0), sum(coalesce(scale > 0, 0)),
       ${sourceSums('m', 'm')},
       ${sourceSums('f', 'f')},
       ${better('m', 'f')}, ${worse('m', 'f')}
  FROM temp.accuracy_lines
 WHERE dir <> 0
 GROUP BY period, lag, category, abc_class, owner_id, dir, size_bucket, reason_code, decided_by, item_group, act > 0, coalesce(scale > 0, 0)`;

/**
 * MASE's scale per item and location for one origin: the mean absolute error of
 * the seasonal naive in-sample, on the item's history up to the origin's bucket.
 * Cumulative sums of the seasonal differences are made once per grain, so each
 * run only looks up the last one at or before its origin.
 */
function prepareSeasonalDiffs(db: WritableDb, grain: Grain, scoped: boolean): void {
  const prior = seasonsBackSql('a.period', '1', grain);
  // Only the items whose lines are rebuilt need a scale (temp.accuracy_scope), when that is not all of them.
  const scope = scoped ? 'AND (a.item_key, a.location_key) IN (SELECT item_key, location_key FROM temp.accuracy_scope)' : '';
  db.exec(`
    DROP TABLE IF EXISTS temp.accuracy_diff_cum;
    CREATE TEMP TABLE accuracy_diff_cum AS
    SELECT item_key, location_key, period,
           sum(d) OVER w AS cum, count(*) OVER w AS cnt
      FROM (SELECT a.item_key, a.location_key, a.period, abs(a.quantity - b.quantity) AS d
              FROM actuals a
              JOIN actuals b ON b.item_key = a.item_key AND b.location_key = a.location_key AND b.period = ${prior} AND b.superseded_at IS NULL
             WHERE a.superseded_at IS NULL ${scope})
    WINDOW w AS (PARTITION BY item_key, location_key ORDER BY period);
    CREATE INDEX temp.accuracy_diff_cum_key ON accuracy_diff_cum (item_key, location_key, period);
    CREATE TEMP TABLE IF NOT EXISTS accuracy_scale (item_key INTEGER, location_key INTEGER, scale REAL, PRIMARY KEY (item_key, location_key)) WITHOUT ROWID;
  `);
}

function prepareScale(db: WritableDb, runId: number, originBucket: number, periods: number[] | null): void {
  db.prepare('DELETE FROM temp.accuracy_scale').run();
  const some = periods ? 'AND period IN (SELECT value FROM json_each(@periods))' : '';
  db.prepare(
    `INSERT INTO temp.accuracy_scale (item_key, location_key, scale)
     SELECT k.item_key, k.location_key,
            (SELECT c.cum / c.cnt FROM temp.accuracy_diff_cum c
              WHERE c.item_key = k.item_key AND c.location_key = k.location_key AND c.period <= @originBucket
              ORDER BY c.period DESC LIMIT 1)
       FROM (SELECT DISTINCT item_key, location_key FROM forecast_lines WHERE run_id = @runId ${some}) k`,
  ).run({ runId, originBucket, ...(periods ? { periods: JSON.stringify(periods) } : {}) });
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
  refresh: (db, _key, change) => rebuildChangedRuns(db, change),
});

/** Brings accuracy_cells up to date; returns how many runs had cells rewritten, wholly or in part. A read-only workbook is left as it is. */
export function ensureAccuracyCube(db: WritableDb): number {
  return bringCurrent(db, [need(accuracyCube)]);
}

/** The periods of each run's lines, kept beside the cells (workbook_meta) so a new month finds the runs it touches without reading their lines. */
const RUN_PERIODS_KEY = 'accuracy_run_periods';

function readRunPeriods(db: WritableDb): Record<string, number[]> {
  const text = db.prepare('SELECT value FROM workbook_meta WHERE key = ?').pluck().get(RUN_PERIODS_KEY) as string | undefined;
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

  // The seasonal differences, per grain (workbooks have one grain, so once): of
  // every item when a whole run is rebuilt, else only of the items rebuilt.
  const scoped = rebuilds.every((r) => r.periods !== null);
  if (scoped) collectScope(db, rebuilds);
  let diffsGrain: Grain | null = null;
  for (const { run, periods } of rebuilds) {
    if (diffsGrain !== run.grain) {
      prepareSeasonalDiffs(db, run.grain, scoped);
      diffsGrain = run.grain;
    }
    buildRunCells(db, run, earlier.get(run.run_id), periods);
    db.prepare('INSERT OR REPLACE INTO accuracy_runs (run_id, signature) VALUES (?, ?)').run(run.run_id, wanted.get(run.run_id) ?? 'empty');
    if (periods === null) runPeriods[run.run_id] = db.prepare('SELECT DISTINCT period FROM forecast_lines WHERE run_id = ? ORDER BY period').pluck().all(run.run_id) as number[];
  }
  const live = Object.fromEntries(allRuns.filter((r) => runPeriods[r.run_id]).map((r) => [r.run_id, runPeriods[r.run_id]]));
  db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)').run(RUN_PERIODS_KEY, JSON.stringify(live));
  db.exec('DROP TABLE IF EXISTS temp.accuracy_diff_cum; DROP TABLE IF EXISTS temp.accuracy_lines; DROP TABLE IF EXISTS temp.accuracy_scope');
  return rebuilds.length;
}

/** The items and locations of the lines a partial rebuild recomputes (temp.accuracy_scope). */
function collectScope(db: WritableDb, rebuilds: RunRebuild[]): void {
  db.exec('DROP TABLE IF EXISTS temp.accuracy_scope; CREATE TEMP TABLE accuracy_scope (item_key INTEGER, location_key INTEGER, PRIMARY KEY (item_key, location_key)) WITHOUT ROWID');
  const add = db.prepare(
    'INSERT OR IGNORE INTO temp.accuracy_scope SELECT item_key, location_key FROM forecast_lines WHERE run_id = @runId AND period IN (SELECT value FROM json_each(@periods))',
  );
  for (const { run, periods } of rebuilds) add.run({ runId: run.run_id, periods: JSON.stringify(periods) });
}

/** Rewrites a run's cells: all of them (periods null) or those of some periods, from its lines there. */
function buildRunCells(db: WritableDb, run: RunRow, earlier: EarlierRuns | undefined, periods: number[] | null): void {
  const originBucket = bucketKeyOf(run.origin, run.grain);
  const params = { runId: run.run_id, ...(periods ? { periods: JSON.stringify(periods) } : {}) };
  const some = periods ? ' AND period IN (SELECT value FROM json_each(@periods))' : '';
  prepareScale(db, run.run_id, originBucket, periods);
  db.prepare(`DELETE FROM accuracy_cells WHERE run_id = @runId${some}`).run(params);
  db.prepare(`DELETE FROM accuracy_override_cells WHERE run_id = @runId${some}`).run(params);
  db.exec('DROP TABLE IF EXISTS temp.accuracy_lines');
  db.prepare(runLinesSql(run.grain, earlier, periods !== null)).run({ ...params, originBucket });
  db.prepare(LINE_CELLS_SQL).run({ runId: run.run_id });
  db.prepare(OVERRIDE_CELLS_SQL).run({ runId: run.run_id });
}
