// The facts the policy lab replays, one entry per forecast line with a known
// actual, in typed arrays, so applying levers is a tight loop over numbers. The
// figures the accuracy engine keeps in its cube are sums of exactly these
// per-line facts (the same lines as the attribute slice: current actual, final
// plan from line_state; whether both benchmarks exist, found as cube-build.ts
// finds them), so a replay with no lever reproduces today's figures. Read as
// the cube reads: each table in one scan, joined in memory.
import { bucketKeyOf, type Grain } from '../../../shared/period';
import type { AccuracyFilter, Metric } from '../../../shared/accuracy';
import type { ReadableDb } from '../db/handles';
import { workbookGrain } from '../db/open';
import { dimensionSql } from './segment-sql';
import { itemGroupSql } from '../accuracy/cube';
import { seasonsBack, seasonsForLag } from '../accuracy/series';
import { OVERRIDE_PLANNER_SQL, OVERRIDE_REASON_SQL } from '../accuracy/cube-build';
import { scaleCte } from '../accuracy/attribute-slice';
import { lineWhere } from '../accuracy/filter';
import { policyResolver } from '../decisions/policy';
import { DerivedMemo } from '../derived/registry';

/** The item dimensions a segment can name: 'category', 'abc_class' or 'attr:<name>'. */
export type SegmentBy = 'category' | 'abc_class' | `attr:${string}`;

export interface LineFacts {
  count: number;
  lineId: Float64Array;
  runId: Int32Array;
  period: Int32Array;
  /** The bucket of the line's run's origin (yyyymmdd): what was known when the line was planned. */
  originBucket: Int32Array;
  model: Float64Array;
  final: Float64Array;
  /**
   * What the planner asked for: the final plan, except where an adopted policy changed the
   * override in force (decisions.asked_quantity). A replay starts from it, so the policy in
   * force is not applied on top of itself.
   */
  asked: Float64Array;
  actual: Float64Array;
  /** NaN where the line has no sales input. */
  sales: Float64Array;
  /** MASE's in-sample scale; NaN where there is none (only read for MASE). */
  scale: Float64Array;
  /** The bootstrap's item group (accuracy_cells.item_group). */
  group: Uint8Array;
  /** Both benchmarks exist: the stairstep's lines. */
  hasBench: Uint8Array;
  /** The workbook's approval thresholds for the line's item (NaN: none). */
  approvalPct: Float64Array;
  approvalUnits: Float64Array;
  /** Per dimension asked for: each line's value as an index into `values` (-1: none). */
  dims: Map<SegmentBy, Dictionary>;
  /** Of lines off the model today: who overrode (the cube's planner key) and why; -1 elsewhere. */
  planner: Dictionary;
  reason: Dictionary;
}

/** Text values of one column, each line's as a number. */
export interface Dictionary {
  codes: Int32Array;
  values: string[];
}

function dictionaryColumn(count: number): Dictionary & { code(i: number, raw: unknown): void } {
  const index = new Map<string, number>();
  const column = {
    codes: new Int32Array(count),
    values: [] as string[],
    code(i: number, raw: unknown) {
      if (raw === null || raw === undefined) {
        column.codes[i] = -1;
        return;
      }
      const text = String(raw);
      let code = index.get(text);
      if (code === undefined) {
        index.set(text, (code = column.values.length));
        column.values.push(text);
      }
      column.codes[i] = code;
    },
  };
  return column;
}

/** Empty columns for `count` lines, with the dictionary columns that code their text as they are filled. */
export function lineFactsColumns(count: number, dims: SegmentBy[]) {
  const planner = dictionaryColumn(count);
  const reason = dictionaryColumn(count);
  const dimColumns = dims.map(() => dictionaryColumn(count));
  const facts: LineFacts = {
    count,
    lineId: new Float64Array(count),
    runId: new Int32Array(count),
    period: new Int32Array(count),
    originBucket: new Int32Array(count),
    model: new Float64Array(count),
    final: new Float64Array(count),
    asked: new Float64Array(count),
    actual: new Float64Array(count),
    sales: new Float64Array(count),
    scale: new Float64Array(count),
    group: new Uint8Array(count),
    hasBench: new Uint8Array(count),
    approvalPct: new Float64Array(count),
    approvalUnits: new Float64Array(count),
    dims: new Map(dims.map((d, n) => [d, dimColumns[n]!])),
    planner,
    reason,
  };
  return { facts, planner, reason, dimColumns };
}

/**
 * The facts of the last few questions, kept until anything is written: moving a
 * lever replays them (a loop over typed arrays) instead of reading them again,
 * which is most of an answer's time. Keyed by what the query reads: the filter,
 * whether MASE's scale is needed, the dimensions.
 */
const memo = new DerivedMemo<LineFacts>('policy lab line facts', 2);

/**
 * Read with every question: the segments the lab's editor offers first. They cost one value per item, and
 * without them the first category or ABC rule after an "all items" one read every line again (~4 s at 100 k lines).
 */
const ALWAYS_READ: SegmentBy[] = ['abc_class', 'category'];

export function readLineFacts(db: ReadableDb, filter: AccuracyFilter, metric: Metric, dimensions: SegmentBy[]): LineFacts {
  const dims = [...new Set([...ALWAYS_READ, ...dimensions])].sort();
  return memo.get(db, JSON.stringify([filter, metric === 'mase', dims]), () => queryLineFacts(db, filter, metric, dims));
}

/** Text values read per row, as the dictionary columns take them. */
type Text = string | null;

/**
 * The final plan, asked figure, overrider and reason of every line with a line_state, in line order
 * (line_state's key), so the lines' scan finds a line's in step with it rather than by a probe.
 */
interface LineStates {
  count: number;
  lineId: Float64Array;
  final: Float64Array;
  /** NaN: the planner's figure is the plan (no adopted policy changed it). */
  asked: Float64Array;
  planner: Text[];
  reason: Text[];
}

function readLineStates(db: ReadableDb): LineStates {
  // CROSS JOIN keeps line_state as the outer loop: one pass in line order, each line found by its key.
  const [lineId, final, asked, planner, reason] = rowsInOrder(
    readColumns<number | Text>(
      db,
      [
        'ls.line_id',
        'ls.final_quantity',
        'CASE WHEN ld.asked_quantity IS NOT NULL AND ls.final_quantity = ld.quantity THEN ld.asked_quantity END',
        `CASE WHEN ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_PLANNER_SQL} END`,
        `CASE WHEN ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_REASON_SQL} END`,
      ],
      `FROM line_state ls
  CROSS JOIN forecast_lines fl ON fl.line_id = ls.line_id
  LEFT JOIN decisions ld ON ld.decision_id = ls.decision_id
 ORDER BY ls.line_id`,
      {},
    ),
    (c, i, j) => (c[0]![i] as number) - (c[0]![j] as number),
  );
  return {
    count: lineId!.length,
    lineId: Float64Array.from(lineId as number[]),
    final: Float64Array.from(final as number[]),
    asked: Float64Array.from(asked as (number | null)[], (v) => (v === null ? NaN : v)),
    planner: planner as Text[],
    reason: reason as Text[],
  };
}

/**
 * The current rows of actuals or sales inputs, series after series in period order (the
 * order of their index, so no sort), and where each series' rows are: a line finds its
 * period by a binary search among a few dozen, not in a map of every row (building that
 * map was seconds at 1 M rows).
 */
interface SeriesRows {
  rows: Map<number, { from: number; to: number }>;
  period: Int32Array;
  quantity: Float64Array;
}

function currentSeriesRows(db: ReadableDb, table: 'actuals' | 'sales_inputs', seriesBase: number): SeriesRows {
  const [series, period, quantity] = rowsInOrder(
    readColumns(db, ['item_key * @seriesBase + location_key', 'period', 'quantity'], `FROM ${table} WHERE superseded_at IS NULL ORDER BY item_key, location_key, period`, { seriesBase }),
    (c, i, j) => c[0]![i]! - c[0]![j]! || c[1]![i]! - c[1]![j]!,
  );
  const out: SeriesRows = { rows: new Map(), period: Int32Array.from(period!), quantity: Float64Array.from(quantity!) };
  let range: { from: number; to: number } | undefined;
  for (let i = 0; i < series!.length; i++) {
    if (i === 0 || series![i] !== series![i - 1]) out.rows.set(series![i]!, (range = { from: i, to: i }));
    range!.to = i + 1;
  }
  return out;
}

/**
 * The values of `expressions` over the rows of `rest` (FROM … ORDER BY …), a column each, each
 * read as one JSON array (json_group_array; SQLite renders a REAL so it parses back to the same
 * double): at 1 M rows, handing rows to JavaScript one at a time cost more than the scan.
 */
function readColumns<V = number>(db: ReadableDb, expressions: string[], rest: string, params: Record<string, unknown>): V[][] {
  const row = db
    .prepare(`SELECT ${expressions.map((_e, c) => `json_group_array(c${c})`).join(', ')} FROM (SELECT ${expressions.map((e, c) => `${e} AS c${c}`).join(', ')} ${rest})`)
    .raw()
    .get(params) as string[];
  return row.map((text) => JSON.parse(text) as V[]);
}

/**
 * The columns in the order of their query's ORDER BY: SQLite hands an aggregate its
 * subquery's rows in that order, but does not promise it, so it is checked (one pass)
 * and the rows sorted here when it does not hold.
 */
export function rowsInOrder<V>(columns: V[][], compare: (c: V[][], i: number, j: number) => number): V[][] {
  const n = columns[0]?.length ?? 0;
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) ordered = compare(columns, i - 1, i) <= 0;
  if (ordered) return columns;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => compare(columns, i, j));
  return columns.map((c) => order.map((i) => c[i]!));
}

/** The row of `period` in a series' rows, or -1. */
function rowAt(table: SeriesRows, range: { from: number; to: number } | undefined, period: number): number {
  if (!range) return -1;
  let lo = range.from;
  let hi = range.to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = table.period[mid]!;
    if (p === period) return mid;
    if (p < period) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A run and a lag as one number read per line (a lag is below 2^20 buckets). */
const RUN_LAG = 1_048_576;

/**
 * The lines, their actuals, sales inputs, line states and MASE scales each read in one
 * scan and joined here, as accuracy/cube-build.ts does: one SQL join of all of them
 * made SQLite probe three indexes per line, 10–26 s at 1 M lines
 * (test/helpers/line-facts-oracle.ts keeps that query; the unit tests compare the two).
 */
function queryLineFacts(db: ReadableDb, filter: AccuracyFilter, metric: Metric, dimensions: SegmentBy[]): LineFacts {
  const grain: Grain = workbookGrain(db);
  const runs = db.prepare('SELECT run_id, origin, grain FROM forecast_runs').all() as { run_id: number; origin: number; grain: Grain }[];
  const where = lineWhere(filter);
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
  // An item and location as one number (as the cube builds them).
  const seriesBase = ((db.prepare('SELECT max(location_key) FROM locations').pluck().get() as number | null) ?? 0) + 1;
  const actuals = currentSeriesRows(db, 'actuals', seriesBase);
  const sales = currentSeriesRows(db, 'sales_inputs', seriesBase);
  const states = readLineStates(db);
  // MASE's scale per run and series, from the same CTE the attribute slice joins.
  const scaleOf = new Map<number, Map<number, number | null>>();
  if (needsScale) {
    const params = { seriesBase, ...(filter.runId === undefined ? {} : { runId: filter.runId }) };
    for (const [run, series, scale] of db.prepare(`WITH ${scaleCte(db, filter)} SELECT run_id, item_key * @seriesBase + location_key, scale FROM scale`).raw().iterate(params) as Iterable<[number, number, number | null]>) {
      let ofRun = scaleOf.get(run);
      if (!ofRun) scaleOf.set(run, (ofRun = new Map()));
      ofRun.set(series, scale);
    }
  }
  // The runs and items are joined only when the filter names their columns; otherwise the lines are
  // scanned alone, in line order. CROSS JOIN keeps the lines the outer loop (in line order, no sort).
  const joins = [
    ...(filter.model === undefined ? [] : ['CROSS JOIN forecast_runs r ON r.run_id = fl.run_id']),
    ...(filter.category === undefined && filter.abcClass === undefined && filter.owner === undefined ? [] : ['CROSS JOIN items i ON i.item_key = fl.item_key']),
  ];
  const lineColumns = ['fl.line_id', `fl.run_id * ${RUN_LAG} + fl.lag`, 'fl.period', 'fl.quantity', 'fl.item_key * @seriesBase + fl.location_key'];
  const lineRows = `FROM forecast_lines fl ${joins.join(' ')} ${where.sql} ORDER BY fl.line_id`;
  // Few values per line (a run and its lag, an item and its location, packed): each value read costs more than the SQL that makes it.
  const [lineIds, runLags, periods, models, seriesOf] = rowsInOrder(readColumns(db, lineColumns, lineRows, { ...where.params, seriesBase }), (c, i, j) => c[0]![i]! - c[0]![j]!);
  // Columns sized for every line read, then trimmed to those with a current actual.
  const capacity = lineIds!.length;
  const count = capacity;
  const { facts, planner, reason, dimColumns } = lineFactsColumns(count, dims);
  const resolve = policyResolver(db);
  const thresholds = new Map<string, [number, number]>();
  let i = 0;
  let s = 0; // the next line state, in line order with the lines
  // Consecutive lines are mostly of one series: its rows are looked up once for them.
  let lastSeries = NaN;
  let actualRows: { from: number; to: number } | undefined;
  let salesRows: { from: number; to: number } | undefined;
  for (let row = 0; row < lineIds!.length; row++) {
    const lineId = lineIds![row]!;
    const runLag = runLags![row]!;
    const period = periods![row]!;
    const model = models![row]!;
    const series = seriesOf![row]!;
    if (series !== lastSeries) {
      lastSeries = series;
      actualRows = actuals.rows.get(series);
      salesRows = sales.rows.get(series);
    }
    const actualRow = rowAt(actuals, actualRows, period);
    // Only lines with a current actual are replayed.
    if (actualRow < 0) continue;
    const runId = Math.floor(runLag / RUN_LAG);
    const lag = runLag - runId * RUN_LAG;
    while (s < states.count && states.lineId[s]! < lineId) s++;
    const stated = s < states.count && states.lineId[s] === lineId;
    facts.lineId[i] = lineId;
    facts.runId[i] = runId;
    facts.period[i] = period;
    const originBucket = originBucketOf.get(runId)!;
    facts.originBucket[i] = originBucket;
    facts.model[i] = model;
    facts.final[i] = stated ? states.final[s]! : model;
    facts.asked[i] = stated && !Number.isNaN(states.asked[s]!) ? states.asked[s]! : facts.final[i]!;
    facts.actual[i] = actuals.quantity[actualRow]!;
    const salesRow = rowAt(sales, salesRows, period);
    facts.sales[i] = salesRow < 0 ? NaN : sales.quantity[salesRow]!;
    facts.scale[i] = needsScale ? (scaleOf.get(runId)?.get(series) ?? NaN) : NaN;
    const item = items.get(Math.floor(series / seriesBase))!;
    facts.group[i] = item.grp;
    // Both benchmarks, as the cube has them: the actual of the origin's bucket, and of the period whole seasons back.
    facts.hasBench[i] = rowAt(actuals, actualRows, originBucket) >= 0 && rowAt(actuals, actualRows, seasonsBack(period, seasonsForLag(lag, grain), grain)) >= 0 ? 1 : 0;
    planner.code(i, stated ? states.planner[s] : null);
    reason.code(i, stated ? states.reason[s] : null);
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

/** The facts of the first `count` lines (the columns were sized for every line; fewer had a current actual). */
export function trimmedLineFacts(f: LineFacts, count: number): LineFacts {
  const codes = (d: Dictionary): Dictionary => ({ ...d, codes: d.codes.slice(0, count) });
  return {
    ...f,
    count,
    lineId: f.lineId.slice(0, count),
    runId: f.runId.slice(0, count),
    period: f.period.slice(0, count),
    originBucket: f.originBucket.slice(0, count),
    model: f.model.slice(0, count),
    final: f.final.slice(0, count),
    asked: f.asked.slice(0, count),
    actual: f.actual.slice(0, count),
    sales: f.sales.slice(0, count),
    scale: f.scale.slice(0, count),
    group: f.group.slice(0, count),
    hasBench: f.hasBench.slice(0, count),
    approvalPct: f.approvalPct.slice(0, count),
    approvalUnits: f.approvalUnits.slice(0, count),
    dims: new Map([...f.dims].map(([k, d]) => [k, codes(d)])),
    planner: codes(f.planner),
    reason: codes(f.reason),
  };
}

/** The item id of some lines (for the flipped lines the answer names). */
export function itemIdsOfLines(db: ReadableDb, lineIds: number[]): Map<number, string> {
  if (lineIds.length === 0) return new Map();
  const rows = db
    .prepare('SELECT fl.line_id, i.item_id FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key WHERE fl.line_id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify(lineIds)) as [number, string][];
  return new Map(rows);
}
