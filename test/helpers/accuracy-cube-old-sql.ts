// The accuracy cube as it was built before issue 14's cold-build work: per run,
// a temp table of the run's lines joined to actuals, benchmarks and decisions,
// grouped into cells by SQL. Kept here only as the oracle the build in the
// backend (accuracy/cube-build.ts) is compared with, cell for cell.
import { SEASON_LENGTH, bucketKeyOf, type Grain } from '../../shared/period';
import { SIZE_BUCKET_EDGES } from '../../shared/accuracy';
import { IMPORTED_PLANNER_PREFIX } from '../../shared/decision-provenance';
import type { Db } from '../../electron/backend/db/open';
import { benchOnceSql, earlierRunsAtOrigin, itemGroupSql, seasonsBackSql, type EarlierRuns, type RunRow } from '../../electron/backend/accuracy/cube';
import { LINE_ERROR_TERMS } from '../../electron/backend/accuracy/metrics';

type WritableDb = Db;

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

/** Rewrites every run's cells the old way (a cold build), in the old code's order of runs. */
export function buildCubeTheOldWay(db: Db): void {
  const runs = db.prepare('SELECT run_id, origin, grain, model_name FROM forecast_runs').all() as RunRow[];
  const earlier = earlierRunsAtOrigin(runs);
  db.transaction(() => {
    let diffsGrain: Grain | null = null;
    for (const run of runs) {
      if (diffsGrain !== run.grain) {
        prepareSeasonalDiffs(db, run.grain, false);
        diffsGrain = run.grain;
      }
      buildRunCells(db, run, earlier.get(run.run_id), null);
    }
    db.exec('DROP TABLE IF EXISTS temp.accuracy_diff_cum; DROP TABLE IF EXISTS temp.accuracy_lines');
  })();
}
