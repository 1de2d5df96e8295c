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

/**
 * The facts of the last few questions, kept until anything is written: moving a
 * lever replays them (a loop over typed arrays) instead of reading them again,
 * which is most of an answer's time. Keyed by what the query reads: the filter,
 * whether MASE's scale is needed, the dimensions.
 */
const memo = new DerivedMemo<LineFacts>('policy lab line facts', 2);

/** A period key (yyyymmdd) as a number below 2^21 (years up to 5000; a year spans 416 > 12 × 31 + 31), so series × 2^21 + it names one (series, period) exactly. */
const PERIOD_KEY_SPAN = 2 ** 21;
const periodDay = (key: number) => Math.floor(key / 10_000) * 416 + (Math.floor(key / 100) % 100) * 31 + (key % 100);

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
  const n = db.prepare('SELECT count(*) FROM line_state').pluck().get() as number;
  const states: LineStates = { count: 0, lineId: new Float64Array(n), final: new Float64Array(n), asked: new Float64Array(n), planner: new Array<Text>(n), reason: new Array<Text>(n) };
  // CROSS JOIN keeps line_state as the outer loop: one pass in line order, each line found by its key.
  const sql = `
SELECT ls.line_id, ls.final_quantity,
       CASE WHEN ld.asked_quantity IS NOT NULL AND ls.final_quantity = ld.quantity THEN ld.asked_quantity END,
       CASE WHEN ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_PLANNER_SQL} END,
       CASE WHEN ls.final_quantity = fl.quantity THEN NULL ELSE ${OVERRIDE_REASON_SQL} END
  FROM line_state ls
  CROSS JOIN forecast_lines fl ON fl.line_id = ls.line_id
  LEFT JOIN decisions ld ON ld.decision_id = ls.decision_id
 ORDER BY ls.line_id`;
  let i = 0;
  for (const r of db.prepare(sql).raw().iterate() as Iterable<[number, number, number | null, Text, Text]>) {
    states.lineId[i] = r[0];
    states.final[i] = r[1];
    states.asked[i] = r[2] === null ? NaN : r[2];
    states.planner[i] = r[3];
    states.reason[i] = r[4];
    i++;
  }
  states.count = i;
  return states;
}

/** The current quantity of each (series, period) of a table of actuals or sales inputs, keyed as `seriesPeriodKey`. */
function currentQuantities(db: ReadableDb, table: 'actuals' | 'sales_inputs', seriesBase: number): Map<number, number> {
  const out = new Map<number, number>();
  const select = db.prepare(`SELECT item_key * ? + location_key, period, quantity FROM ${table} WHERE superseded_at IS NULL`).raw();
  for (const [series, period, quantity] of select.iterate(seriesBase) as Iterable<[number, number, number]>) out.set(seriesPeriodKey(series, period), quantity);
  return out;
}

const seriesPeriodKey = (series: number, period: number) => series * PERIOD_KEY_SPAN + periodDay(period);

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
  const actuals = currentQuantities(db, 'actuals', seriesBase);
  const sales = currentQuantities(db, 'sales_inputs', seriesBase);
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
  // scanned alone, in line order. CROSS JOIN keeps the lines the outer loop (in order, no sort).
  const joins = [
    ...(filter.model === undefined ? [] : ['CROSS JOIN forecast_runs r ON r.run_id = fl.run_id']),
    ...(filter.category === undefined && filter.abcClass === undefined && filter.owner === undefined ? [] : ['CROSS JOIN items i ON i.item_key = fl.item_key']),
  ];
  const sql = `
SELECT fl.line_id, fl.run_id, fl.period, fl.quantity, fl.item_key, fl.item_key * @seriesBase + fl.location_key, fl.lag
  FROM forecast_lines fl ${joins.join(' ')}
 ${where.sql}
 ORDER BY fl.line_id`;
  // Rows are read one at a time into columns sized for every line, then trimmed to those read.
  const capacity = db.prepare('SELECT count(*) FROM forecast_lines').pluck().get() as number;
  const count = capacity;
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
    dims: new Map(),
    planner: dictionaryColumn(count),
    reason: dictionaryColumn(count),
  };
  const planner = facts.planner as ReturnType<typeof dictionaryColumn>;
  const reason = facts.reason as ReturnType<typeof dictionaryColumn>;
  const dimColumns = dims.map((d) => {
    const column = dictionaryColumn(count);
    facts.dims.set(d, column);
    return column;
  });
  const resolve = policyResolver(db);
  const thresholds = new Map<string, [number, number]>();
  let i = 0;
  let s = 0; // the next line state, in line order with the lines
  for (const r of db.prepare(sql).raw().iterate({ ...where.params, seriesBase }) as Iterable<[number, number, number, number, number, number, number]>) {
    const [lineId, runId, period, model, itemKey, series, lag] = r;
    const actual = actuals.get(seriesPeriodKey(series, period));
    // Only lines with a current actual are replayed.
    if (actual === undefined) continue;
    while (s < states.count && states.lineId[s]! < lineId) s++;
    const stated = s < states.count && states.lineId[s] === lineId;
    facts.lineId[i] = lineId;
    facts.runId[i] = runId;
    facts.period[i] = period;
    facts.originBucket[i] = originBucketOf.get(runId)!;
    facts.model[i] = model;
    facts.final[i] = stated ? states.final[s]! : model;
    facts.asked[i] = stated && !Number.isNaN(states.asked[s]!) ? states.asked[s]! : facts.final[i]!;
    facts.actual[i] = actual;
    facts.sales[i] = sales.get(seriesPeriodKey(series, period)) ?? NaN;
    facts.scale[i] = needsScale ? (scaleOf.get(runId)?.get(series) ?? NaN) : NaN;
    const item = items.get(itemKey)!;
    facts.group[i] = item.grp;
    // Both benchmarks, as the cube has them: the actual of the origin's bucket, and of the period whole seasons back.
    facts.hasBench[i] =
      actuals.has(seriesPeriodKey(series, facts.originBucket[i]!)) && actuals.has(seriesPeriodKey(series, seasonsBack(period, seasonsForLag(lag, grain), grain))) ? 1 : 0;
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
  return i === capacity ? facts : trimmed(facts, i);
}

/** The facts of the first `count` lines (the columns were sized for every line; fewer had a current actual). */
function trimmed(f: LineFacts, count: number): LineFacts {
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
