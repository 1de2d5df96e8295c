// The policy lab's line facts as they were first read (issue 16): one SQL join of
// every forecast line to its current actual, sales input, line_state, decision and
// MASE scale. Kept here as the oracle the faster read (policy-lab/line-facts.ts:
// separate scans joined in memory) must equal, column by column.
import { bucketKeyOf, type Grain } from '../../shared/period';
import type { AccuracyFilter, Metric } from '../../shared/accuracy';
import type { ReadableDb } from '../../electron/backend/db/handles';
import { workbookGrain } from '../../electron/backend/db/open';
import { dimensionSql } from '../../electron/backend/policy-lab/segment-sql';
import { itemGroupSql } from '../../electron/backend/accuracy/cube';
import { seasonsBack, seasonsForLag } from '../../electron/backend/accuracy/series';
import { OVERRIDE_PLANNER_SQL, OVERRIDE_REASON_SQL } from '../../electron/backend/accuracy/cube-build';
import { scaleCte } from '../../electron/backend/accuracy/attribute-slice';
import { lineWhere } from '../../electron/backend/accuracy/filter';
import { policyResolver } from '../../electron/backend/decisions/policy';
import { expect } from 'vitest';
import { lineFactsColumns, trimmedLineFacts, type Dictionary, type LineFacts, type SegmentBy } from '../../electron/backend/policy-lab/line-facts';

const PERIOD_KEY_SPAN = 2 ** 21;
const periodDay = (key: number) => Math.floor(key / 10_000) * 416 + (Math.floor(key / 100) % 100) * 31 + (key % 100);

export function lineFactsByOneJoin(db: ReadableDb, filter: AccuracyFilter, metric: Metric, dimensions: SegmentBy[]): LineFacts {
  const grain: Grain = workbookGrain(db);
  const runs = db.prepare('SELECT run_id, origin, grain FROM forecast_runs').all() as { run_id: number; origin: number; grain: Grain }[];
  const where = lineWhere(filter);
  const params: Record<string, unknown> = { ...where.params };
  const dims = [...new Set(dimensions)];
  const dimParams: Record<string, unknown> = {};
  const dimSql = dims.map((d, n) => `${dimensionSql(db, d, dimParams, n)} AS d${n}`);
  const needsScale = metric === 'mase';
  // Each run's origin bucket, looked up here: joined in SQL, it led the plan to scan lines per run and sort them all by line id after.
  const originBucketOf = new Map(runs.map((r) => [r.run_id, bucketKeyOf(r.origin, r.grain)]));
  // Per item first, in memory: its group, category, ABC class and dimensions, once per item. Read per line,
  // they were four strings a row, most of the read's time at 1 M lines.
  type ItemFacts = { grp: number; category: string | null; abc: string | null; dims: unknown[]; thresholds?: [number, number] };
  const items = new Map<number, ItemFacts>();
  for (const row of db
    .prepare(`SELECT i.item_key, ${itemGroupSql('i.item_key')}, i.category, i.abc_class${dimSql.map((x) => `, ${x}`).join('')} FROM items i`)
    .raw()
    .iterate(dimParams) as Iterable<unknown[]>) {
    items.set(row[0] as number, { grp: row[1] as number, category: row[2] as string | null, abc: row[3] as string | null, dims: row.slice(4) });
  }
  const sql = `
${needsScale ? `WITH ${scaleCte(db, filter)}` : ''}
SELECT fl.line_id, fl.run_id, fl.period, NULL, fl.quantity, coalesce(ls.final_quantity, fl.quantity), a.quantity, si.quantity,
       ${needsScale ? 'sc.scale' : 'NULL'}, fl.item_key,
       fl.item_key * @seriesBase + fl.location_key, fl.lag,
       CASE WHEN ls.line_id IS NULL OR ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_PLANNER_SQL} END,
       CASE WHEN ls.line_id IS NULL OR ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_REASON_SQL} END,
       CASE WHEN ld.asked_quantity IS NOT NULL AND ls.final_quantity = ld.quantity THEN ld.asked_quantity END
  FROM forecast_lines fl
  JOIN forecast_runs r ON r.run_id = fl.run_id
  JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
  JOIN items i ON i.item_key = fl.item_key
  LEFT JOIN line_state ls ON ls.line_id = fl.line_id
  LEFT JOIN decisions ld ON ld.decision_id = ls.decision_id
  LEFT JOIN sales_inputs si ON si.item_key = fl.item_key AND si.location_key = fl.location_key AND si.period = fl.period AND si.superseded_at IS NULL
  ${needsScale ? 'LEFT JOIN scale sc ON sc.run_id = fl.run_id AND sc.item_key = fl.item_key AND sc.location_key = fl.location_key' : ''}
 ${where.sql}
 ORDER BY fl.line_id`;
  // An item and location as one number (as the cube builds them), and the periods of its current actuals.
  params.seriesBase = ((db.prepare('SELECT max(location_key) FROM locations').pluck().get() as number | null) ?? 0) + 1;
  // One set of (series, period) keys rather than a set per series.
  // At 1 M lines the sets per series and the rows held at once were a third of the read, in garbage collection.
  const actualKeys = new Set<number>();
  for (const [series, period] of db.prepare('SELECT item_key * ? + location_key, period FROM actuals WHERE superseded_at IS NULL').raw().iterate(params.seriesBase) as Iterable<[number, number]>) {
    actualKeys.add(series * PERIOD_KEY_SPAN + periodDay(period));
  }
  const hasActual = (series: number, period: number) => actualKeys.has(series * PERIOD_KEY_SPAN + periodDay(period));
  // Rows are read one at a time into columns sized for every line, then trimmed to those read.
  const capacity = db.prepare('SELECT count(*) FROM forecast_lines').pluck().get() as number;
  const count = capacity;
  const { facts, planner, reason, dimColumns } = lineFactsColumns(count, dims);
  const resolve = policyResolver(db);
  const thresholds = new Map<string, [number, number]>();
  let i = 0;
  for (const r of db.prepare(sql).raw().iterate(params) as Iterable<(number | string | null)[]>) {
    facts.lineId[i] = r[0] as number;
    facts.runId[i] = r[1] as number;
    facts.period[i] = r[2] as number;
    facts.originBucket[i] = originBucketOf.get(r[1] as number)!;
    facts.model[i] = r[4] as number;
    facts.final[i] = r[5] as number;
    facts.asked[i] = r[14] === null ? facts.final[i]! : (r[14] as number);
    facts.actual[i] = r[6] as number;
    facts.sales[i] = r[7] === null ? NaN : (r[7] as number);
    facts.scale[i] = r[8] === null ? NaN : (r[8] as number);
    const item = items.get(r[9] as number)!;
    facts.group[i] = item.grp;
    // Both benchmarks, as the cube has them: the actual of the origin's bucket, and of the period whole seasons back.
    const series = r[10] as number;
    facts.hasBench[i] = hasActual(series, facts.originBucket[i]!) && hasActual(series, seasonsBack(facts.period[i]!, seasonsForLag(r[11] as number, grain), grain)) ? 1 : 0;
    planner.code(i, r[12]);
    reason.code(i, r[13]);
    let t = item.thresholds;
    if (!t) {
      const key = `${item.category}\u0000${item.abc}`;
      t = thresholds.get(key);
      if (!t) {
        const p = resolve({ category: item.category, abcClass: item.abc });
        thresholds.set(key, (t = [p.approvalPct ?? NaN, p.approvalUnits ?? NaN]));
      }
      item.thresholds = t;
    }
    facts.approvalPct[i] = t[0];
    facts.approvalUnits[i] = t[1];
    for (let d = 0; d < dimColumns.length; d++) dimColumns[d]!.code(i, item.dims[d]);
    i++;
  }
  return i === capacity ? facts : trimmedLineFacts(facts, i);
}

/** Every column of two line facts equal (NaN equal to NaN), with the column named when not. */
export function expectSameLineFacts(actual: LineFacts, expected: LineFacts): void {
  expect(actual.count).toBe(expected.count);
  const columns = ['lineId', 'runId', 'period', 'originBucket', 'model', 'final', 'asked', 'actual', 'sales', 'scale', 'group', 'hasBench', 'approvalPct', 'approvalUnits'] as const;
  for (const c of columns) expect(Array.from(actual[c]), c).toEqual(Array.from(expected[c]));
  const text = (d: Dictionary) => Array.from(d.codes, (code) => (code < 0 ? null : d.values[code]));
  expect(text(actual.planner), 'planner').toEqual(text(expected.planner));
  expect(text(actual.reason), 'reason').toEqual(text(expected.reason));
  expect([...actual.dims.keys()].sort()).toEqual([...expected.dims.keys()].sort());
  for (const [d, column] of expected.dims) expect(text(actual.dims.get(d)!), d).toEqual(text(column));
}
