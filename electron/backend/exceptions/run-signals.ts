// What a run's exception scores are computed from, read column by column: the
// per-item signals (history, run-rate, recent error, drift) once, into typed
// arrays, then each line's inputs handed over by a SQL aggregate walking the
// run's line id range (a run's lines are written together, so the table is read
// in storage order, with no index look-up per line): no line becomes a row
// object, and a 10M-line run fits in memory.
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../../shared/period';
import type { ReadableDb, WritableDb } from '../db/handles';

/** Per item and location of the run, in (item_key, location_key) order; NaN where SQL has NULL. */
export interface RunItemSignals {
  count: number;
  /** The run's first and last line id (0, -1: no lines). */
  firstLine: number;
  lastLine: number;
  itemKey: Float64Array;
  locationKey: Float64Array;
  /** The run's lines of the item at the location. */
  lines: Float64Array;
  runRate: Float64Array;
  history: Float64Array;
  errAbs: Float64Array;
  errAct: Float64Array;
  drift: Uint8Array;
}


export const SALES_INPUT_JOIN =
  'LEFT JOIN sales_inputs s ON s.item_key = l.item_key AND s.location_key = l.location_key AND s.period = l.period AND s.superseded_at IS NULL';

/** A run's items, each as [item_key, location_key, its lines, its first and its last line id]. */
export type RunItems = [number, number, number, number, number][];

/**
 * The signals of each of the run's items; null when the run does not exist. `known`: the run's items, when the
 * caller has counted them (an import that kept the lines it wrote), instead of a pass over the run's lines.
 */
export function runItemSignals(db: ReadableDb, runId: number, known?: RunItems): RunItemSignals | null {
  const run = db.prepare('SELECT origin, grain, model_name FROM forecast_runs WHERE run_id = ?').get(runId) as
    | { origin: number; grain: Grain; model_name: string }
    | undefined;
  if (!run) return null;
  const origin = periodFromKey(run.origin);
  const params = {
    ...(known ? { known: JSON.stringify(known) } : {}),
    runId,
    origin: run.origin,
    rateFrom: periodKey(addBuckets(origin, -2, run.grain)),
    errFrom: periodKey(addBuckets(origin, -6, run.grain)),
    model: run.model_name,
  };
  const rows = db
    .prepare(
      `WITH run_items AS (${
        known
          ? "SELECT value ->> 0 AS item_key, value ->> 1 AS location_key, value ->> 2 AS lines, value ->> 3 AS first_line, value ->> 4 AS last_line FROM json_each(@known)"
          : 'SELECT item_key, location_key, count(*) AS lines, min(line_id) AS first_line, max(line_id) AS last_line FROM forecast_lines WHERE run_id = @runId GROUP BY item_key, location_key'
      }),
       -- An item's error over the model's runs of the last 6 origins, driven by the run's own index in (item_key,
       -- location_key) order, one entry per item (its first line), so the GROUP BY walks the items in its order
       -- instead of sorting every matched line of those runs in a temp B-tree (a third of the CTE's time at 1M
       -- lines); an item's lines are summed run by run (by origin), each run's by period.
       err AS (
         SELECT o.item_key, o.location_key, sum(abs(l.quantity - a.quantity)) AS err_abs, sum(a.quantity) AS err_act
           FROM forecast_lines o
           CROSS JOIN forecast_runs r
           CROSS JOIN forecast_lines l ON l.run_id = r.run_id AND l.item_key = o.item_key AND l.location_key = o.location_key AND l.period <= @origin
           CROSS JOIN actuals a ON a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL
          WHERE o.run_id = @runId AND o.line_id IN (SELECT first_line FROM run_items)
            AND r.model_name = @model AND r.origin < @origin AND r.origin >= @errFrom
          GROUP BY o.item_key, o.location_key),
       drifting AS (
         SELECT i.item_key FROM items i JOIN drift_alerts d
             ON d.resolved_at IS NULL AND ((d.segment_type = 'category' AND d.segment_value = i.category)
                                        OR (d.segment_type = 'abc_class' AND d.segment_value = i.abc_class)
                                        OR d.segment_type = 'all'))
       -- History and run-rate per item through the actuals' index: a count of the item's entries up to the origin
       -- (the index alone) and the quantities of its last 3 periods, instead of every actual's row and a GROUP BY.
       SELECT ri.item_key, ri.location_key, ri.lines, ri.first_line, ri.last_line,
              (SELECT avg(a.quantity) FROM actuals a
                WHERE a.item_key = ri.item_key AND a.location_key = ri.location_key AND a.superseded_at IS NULL AND a.period BETWEEN @rateFrom AND @origin),
              (SELECT count(*) FROM actuals a
                WHERE a.item_key = ri.item_key AND a.location_key = ri.location_key AND a.superseded_at IS NULL AND a.period <= @origin),
              e.err_abs, e.err_act, (ri.item_key IN (SELECT item_key FROM drifting))
         FROM run_items ri
         LEFT JOIN err e ON e.item_key = ri.item_key AND e.location_key = ri.location_key
        ORDER BY ri.item_key, ri.location_key`,
    )
    .raw()
    .all(params) as [number, number, number, number, number, number | null, number, number | null, number | null, number][];
  const count = rows.length;
  const signals: RunItemSignals = {
    count,
    firstLine: 0,
    lastLine: -1,
    itemKey: new Float64Array(count),
    locationKey: new Float64Array(count),
    lines: new Float64Array(count),
    runRate: new Float64Array(count),
    history: new Float64Array(count),
    errAbs: new Float64Array(count),
    errAct: new Float64Array(count),
    drift: new Uint8Array(count),
  };
  rows.forEach(([itemKey, locationKey, lines, firstLine, lastLine, runRate, history, errAbs, errAct, drift], i) => {
    signals.itemKey[i] = itemKey;
    signals.locationKey[i] = locationKey;
    signals.lines[i] = lines;
    if (i === 0 || firstLine < signals.firstLine) signals.firstLine = firstLine;
    if (lastLine > signals.lastLine) signals.lastLine = lastLine;
    signals.runRate[i] = runRate ?? NaN;
    signals.history[i] = history;
    signals.errAbs[i] = errAbs ?? NaN;
    signals.errAct[i] = errAct ?? NaN;
    signals.drift[i] = drift;
  });
  return signals;
}

/** The index of the run's item at `itemKey`, `locationKey` (items are in key order). */
export function itemIndexOf(items: RunItemSignals, itemKey: number, locationKey: number): number {
  let [lo, hi] = [0, items.count];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [k, l] = [items.itemKey[mid]!, items.locationKey[mid]!];
    if (k < itemKey || (k === itemKey && l < locationKey)) lo = mid + 1;
    else hi = mid;
  }
  // The run's lines were counted per item in the same transaction: a line of no item there is a bug.
  if (lo < items.count && items.itemKey[lo] === itemKey && items.locationKey[lo] === locationKey) return lo;
  throw new Error(`Scoring found a line of item ${itemKey} at location ${locationKey} that the run's items lack.`);
}

/**
 * Receives each line of the run with what its score is computed from: its id, model quantity, interval
 * (null: none), sales input (null: none) and item.
 */
export type RunLineVisitor = (lineId: number, f: number, lower: number | null, upper: number | null, si: number | null, itemKey: number, locationKey: number) => void;
let visiting: RunLineVisitor | null = null;
const withLineAggregate = new WeakSet<WritableDb>();

/**
 * Hands `visit` each line of the run in line id order (the run's line id range read in storage order),
 * through a SQL aggregate: half the time of reading the lines as rows. Checks that every line came.
 */
export function forEachRunLine(db: WritableDb, runId: number, items: RunItemSignals, visit: RunLineVisitor): void {
  if (!withLineAggregate.has(db)) {
    db.aggregate('fwb_each_run_line', {
      start: 0,
      // Seven arguments after the running count (better-sqlite3 counts them from the function; its types know of one).
      step: ((lines: number, lineId: number, f: number, lower: number | null, upper: number | null, si: number | null, itemKey: number, locationKey: number) => {
        if (!visiting) throw new Error('A line was handed over outside the rescoring of a run.');
        visiting(lineId, f, lower, upper, si, itemKey, locationKey);
        return lines + 1;
      }) as (lines: number, lineId: number) => number,
    });
    withLineAggregate.add(db);
  }
  let expected = 0;
  for (let i = 0; i < items.count; i++) expected += items.lines[i]!;
  // A workbook without sales inputs (a first import, most workbooks) is read without a look-up per line for one.
  const salesInputs = db.prepare('SELECT EXISTS (SELECT 1 FROM sales_inputs WHERE superseded_at IS NULL)').pluck().get() === 1;
  visiting = visit;
  try {
    // `+l.run_id`: the run's line id range read in storage order rather than through the run's index.
    const seen = db
      .prepare(
        `SELECT fwb_each_run_line(l.line_id, l.quantity, l.lower, l.upper, ${salesInputs ? 's.quantity' : 'NULL'}, l.item_key, l.location_key)
           FROM forecast_lines l ${salesInputs ? SALES_INPUT_JOIN : ''} WHERE l.line_id BETWEEN ? AND ? AND +l.run_id = ?`,
      )
      .pluck()
      .get(items.firstLine, items.lastLine, runId) as number;
    // Counted in the same transaction: a mismatch is a bug, never the user's data.
    if (seen !== expected) throw new Error(`Scoring read ${seen} lines of run ${runId} where ${expected} were counted.`);
  } finally {
    visiting = null;
  }
}
