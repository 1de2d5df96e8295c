// runItemSignals (exceptions/run-signals.ts) reads each item's history and run-rate through the actuals' index per
// item, and its recent error driven by the run's own index in key order. Its answer is held equal, number for number,
// to the formulation it replaced (kept below as the oracle: a GROUP BY over every current actual of the run's items
// and one over every line of the model's recent runs), for every run of a workbook with several runs and models,
// two locations, superseded actuals, fractional quantities, items without history or without earlier lines, line ids
// out of key order, drift and sales inputs; with the run's items counted in SQL and handed over as an import does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadableDb, WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { runItemSignals, type RunItemSignals, type RunItems } from '../../electron/backend/exceptions/run-signals';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../shared/period';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

/** The signals as the previous query computed them (the oracle), in the same shape. */
function oldRunItemSignals(db: ReadableDb, runId: number, known?: RunItems): RunItemSignals | null {
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
       hist AS (
         SELECT a.item_key, a.location_key, count(*) AS history,
                avg(CASE WHEN a.period >= @rateFrom THEN a.quantity END) AS run_rate
           FROM actuals a JOIN run_items USING (item_key, location_key)
          WHERE a.superseded_at IS NULL AND a.period <= @origin
          GROUP BY a.item_key, a.location_key),
       err AS (
         SELECT l.item_key, l.location_key, sum(abs(l.quantity - a.quantity)) AS err_abs, sum(a.quantity) AS err_act
           FROM forecast_runs r
           JOIN forecast_lines l ON l.run_id = r.run_id
           JOIN actuals a ON a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL
          WHERE r.model_name = @model AND r.origin < @origin AND r.origin >= @errFrom AND l.period <= @origin
            AND (l.item_key, l.location_key) IN (SELECT item_key, location_key FROM run_items)
          GROUP BY l.item_key, l.location_key),
       drifting AS (
         SELECT i.item_key FROM items i JOIN drift_alerts d
             ON d.resolved_at IS NULL AND ((d.segment_type = 'category' AND d.segment_value = i.category)
                                        OR (d.segment_type = 'abc_class' AND d.segment_value = i.abc_class)
                                        OR d.segment_type = 'all'))
       SELECT ri.item_key, ri.location_key, ri.lines, ri.first_line, ri.last_line, h.run_rate, coalesce(h.history, 0), e.err_abs, e.err_act, (ri.item_key IN (SELECT item_key FROM drifting))
         FROM run_items ri
         LEFT JOIN hist h ON h.item_key = ri.item_key AND h.location_key = ri.location_key
         LEFT JOIN err e ON e.item_key = ri.item_key AND e.location_key = ri.location_key
        ORDER BY ri.item_key, ri.location_key`,
    )
    .raw()
    .all(params) as [number, number, number, number, number, number | null, number, number | null, number | null, number][];
  const count = rows.length;
  const s: RunItemSignals = {
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
    s.itemKey[i] = itemKey;
    s.locationKey[i] = locationKey;
    s.lines[i] = lines;
    if (i === 0 || firstLine < s.firstLine) s.firstLine = firstLine;
    if (lastLine > s.lastLine) s.lastLine = lastLine;
    s.runRate[i] = runRate ?? NaN;
    s.history[i] = history;
    s.errAbs[i] = errAbs ?? NaN;
    s.errAct[i] = errAct ?? NaN;
    s.drift[i] = drift;
  });
  return s;
}

/** Every field as plain numbers (NaN kept), so equality is exact, -0 and NaN included. */
const plain = (s: RunItemSignals | null) =>
  s && Object.fromEntries(Object.entries(s).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));

/** The run's items as an import hands them over: in the order its lines were written, not in key order. */
function itemsAsWritten(db: ReadableDb, runId: number): RunItems {
  return db
    .prepare('SELECT item_key, location_key, count(*), min(line_id), max(line_id) FROM forecast_lines WHERE run_id = ? GROUP BY item_key, location_key ORDER BY min(line_id)')
    .raw()
    .all(runId) as RunItems;
}

const month = (m: number) => 20240101 + 10000 * Math.floor(m / 12) + 100 * (m % 12); // m months after January 2024

/** Items at one or two locations with 30 months of actuals (some superseded, some items none), 9 monthly runs of Gen and 3 of Other. */
function fill(db: WritableDb, withSalesInputs: boolean): number[] {
  const at = FIXED_NOW().toISOString();
  let seed = 11;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return db.transaction(() => {
    db.prepare("INSERT INTO locations (location_id, name) VALUES ('DC-N', 'North'), ('DC-S', 'South')").run();
    const locations = db.prepare('SELECT location_key FROM locations ORDER BY location_key').pluck().all() as number[];
    const item = db.prepare('INSERT INTO items (item_id, name, category, abc_class) VALUES (?, ?, ?, ?)');
    const actual = db.prepare('INSERT INTO actuals (item_key, location_key, period, quantity, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?)');
    const salesInput = db.prepare('INSERT OR IGNORE INTO sales_inputs (item_key, location_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?, ?)');
    const run = db.prepare("INSERT INTO forecast_runs (model_name, origin, grain, created_at) VALUES (?, ?, 'month', ?)");
    const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    db.prepare("INSERT INTO drift_alerts (segment_type, segment_value, metric, baseline, current, raised_at) VALUES ('category', 'Drifting', 'wape', 0.2, 0.4, ?)").run(at);
    const keys: number[] = [];
    for (let i = 0; i < 240; i++) {
      const key = Number(item.run(`SIG-${i}`, `Signal ${i}`, i % 13 === 0 ? 'Drifting' : 'Steady', 'B').lastInsertRowid);
      keys.push(key);
      // Every 7th item: no actuals; every 11th: a few months only; every 5th at both extra locations too.
      const months = i % 7 === 0 ? 0 : i % 11 === 0 ? 1 + (i % 5) : 30;
      for (const loc of i % 5 === 0 ? locations : [locations[i % 3]!]) {
        // Every 4th item at a second location has no history there.
        if (loc !== locations[0] && i % 4 === 0) continue;
        for (let m = 30 - months; m < 30; m++) {
          const q = Math.round(400 * rand() * 1000) / 1000 + 0.1;
          // Every third month of every 3rd item: a superseded value (its replacement is current), some far off.
          if (i % 3 === 0 && m % 3 === 0) actual.run(key, loc, month(m), q * 7.3, at, at);
          actual.run(key, loc, month(m), i % 17 === 0 ? 0 : q, at, null);
        }
      }
    }
    const runs: number[] = [];
    // Runs of Gen at months 20..28 and of Other at 24..26; each run's lines written in a shuffled item order.
    const origins = [...[20, 21, 22, 23, 24, 25, 26, 27, 28].map((m) => ['Gen', m] as const), ...[24, 25, 26].map((m) => ['Other', m] as const)];
    for (const [model, m] of origins) {
      const runId = Number(run.run(model, month(m), at).lastInsertRowid);
      runs.push(runId);
      const order = keys.map((k, i) => [k, i, rand()] as const).sort((a, b) => a[2] - b[2]);
      for (const [key, i, r] of order) {
        // Some items are missing from some runs (no earlier lines for the error).
        if (r < 0.08) continue;
        for (const loc of i % 5 === 0 ? locations : [locations[i % 3]!]) {
          for (let lag = 1; lag <= 4; lag++) {
            const q = Math.round(300 * rand() * 100) / 100 + 0.01;
            line.run(runId, key, loc, month(m + lag), lag, q, q * 0.7, q * 1.4);
            if (withSalesInputs && i % 4 === 0 && lag === 2) salesInput.run(key, loc, month(m + lag), Math.round(q * 10) / 10, at);
          }
        }
      }
    }
    return runs;
  })();
}

describe('run item signals query', () => {
  for (const withSalesInputs of [false, true]) {
    it(`gives the previous query's signals exactly for every run, counted and handed over${withSalesInputs ? ', with sales inputs' : ''}`, async () => {
      const t = tempDir('fwb-run-signals-');
      const { db } = await openWorkbook(join(t.dir, 'signals.sqlite'), { now: FIXED_NOW });
      try {
        const runs = fill(db, withSalesInputs);
        let withError = 0;
        let withoutError = 0;
        let withoutHistory = 0;
        for (const runId of runs) {
          const want = plain(oldRunItemSignals(db, runId));
          expect(want!.count).toBeGreaterThan(100);
          expect(plain(runItemSignals(db, runId))).toEqual(want);
          const known = itemsAsWritten(db, runId);
          expect(plain(runItemSignals(db, runId, known))).toEqual(plain(oldRunItemSignals(db, runId, known)));
          expect(plain(runItemSignals(db, runId, known))).toEqual(want);
          const s = runItemSignals(db, runId)!;
          for (let i = 0; i < s.count; i++) {
            if (Number.isNaN(s.errAbs[i]!)) withoutError++;
            else withError++;
            if (s.history[i] === 0) withoutHistory++;
          }
        }
        // The cases are there: items with and without a recent error, items without history, and drift.
        expect(withError).toBeGreaterThan(1000);
        expect(withoutError).toBeGreaterThan(100);
        expect(withoutHistory).toBeGreaterThan(100);
        expect(runItemSignals(db, runs[0]!)!.drift.some((d) => d === 1)).toBe(true);
        expect(runItemSignals(db, 9999)).toBeNull();
      } finally {
        db.close();
        t.cleanup();
      }
    });
  }
});
