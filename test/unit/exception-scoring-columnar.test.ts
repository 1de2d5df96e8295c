// The column-by-column scoring of a run (exceptions/score.ts, run-signals.ts) writes, line
// for line, the score and reasons the previous per-line scoring computed
// (test/helpers/exception-oracle.ts), on the demo workbook and on a generated run
// with the edge cases: no actuals, zero history, ties in score, several locations,
// missing intervals, sales inputs, drift, damping, and line ids interleaved with another run's.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exceptionScores } from '../../electron/backend/exceptions/cache';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import type { SourceChange } from '../../electron/backend/derived/registry';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, fillSmallWorkbook, tempDir } from '../helpers/workbook';

/** Rescores the run as the derived table does and returns what it wrote, by line. */
function rescored(db: WritableDb, runId: number) {
  db.transaction(() => exceptionScores.refresh(db, runId, { built: null, now: {} } as unknown as SourceChange))();
  // Read as every reader reads them: the kept score, the reasons worked out from the kept inputs (exceptions/reasons.ts).
  return keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));
}

/** What the previous scoring wrote for the run, by line. */
function oracle(db: WritableDb, runId: number) {
  return oracleRunExceptions(db, runId)
    .map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }))
    .sort((a, b) => a.lineId - b.lineId);
}

describe('columnar exception scoring', () => {
  it('scores every run of the demo workbook exactly as the per-line scoring did', async () => {
    const t = tempDir('fwb-exc-columnar-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 60, seed: 11 });
      const runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
      expect(runs.length).toBeGreaterThan(3);
      let kinds = new Set<string>();
      for (const runId of runs) {
        const want = oracle(db, runId);
        expect(want.length).toBeGreaterThan(0);
        expect(rescored(db, runId)).toEqual(want);
        for (const w of want) for (const r of JSON.parse(w.reasons) as { kind: string }[]) kinds.add(r.kind);
      }
      // The demo exercises every signal, so each is compared somewhere.
      kinds = new Set([...kinds].sort());
      expect([...kinds]).toEqual(['drift', 'interval_width', 'low_volume', 'new_item', 'recent_error', 'run_rate_jump', 'sales_input']);
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('scores a generated run with every edge case exactly as the per-line scoring did, its line ids interleaved with another run’s', async () => {
    const t = tempDir('fwb-exc-columnar-');
    const { db } = await openWorkbook(join(t.dir, 'gen.sqlite'), { now: FIXED_NOW });
    try {
      fillSmallWorkbook(db); // three items with 18 months of actuals, a run of TestModel at 2026-06-01
      const at = FIXED_NOW().toISOString();
      let seed = 7;
      const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const runId = db.transaction(() => {
        db.prepare("INSERT INTO locations (location_id, name) VALUES ('DC-N', 'North'), ('DC-S', 'South')").run();
        const locations = db.prepare('SELECT location_key FROM locations ORDER BY location_key').pluck().all() as number[];
        const item = db.prepare('INSERT INTO items (item_id, name, category, abc_class) VALUES (?, ?, ?, ?)');
        const actual = db.prepare('INSERT INTO actuals (item_key, location_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?, ?)');
        const salesInput = db.prepare('INSERT INTO sales_inputs (item_key, location_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?, ?)');
        const run = db.prepare("INSERT INTO forecast_runs (model_name, origin, grain, created_at) VALUES ('Gen', ?, 'month', ?)");
        const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
        db.prepare("INSERT INTO drift_alerts (segment_type, segment_value, metric, baseline, current, raised_at) VALUES ('category', 'Drifting', 'wape', 0.2, 0.4, ?)").run(at);
        const month = (m: number) => 20240101 + 10000 * Math.floor(m / 12) + 100 * (m % 12); // m months after January 2024
        const earlier = Number(run.run(month(22), at).lastInsertRowid); // 2025-11: its lines with actuals make the recent error
        const current = Number(run.run(month(29), at).lastInsertRowid); // 2026-06
        for (let i = 0; i < 2000; i++) {
          // Every 7th item: no actuals; every 11th: a few months only; every 13th: drifting; every 5th at two locations.
          const key = Number(item.run(`GEN-${i}`, `Generated ${i}`, i % 13 === 0 ? 'Drifting' : 'Steady', 'B').lastInsertRowid);
          const size = i % 9 === 0 ? 2 : i % 4 === 0 ? 40 : 400;
          for (const loc of i % 5 === 0 ? locations : [1]) {
            const months = i % 7 === 0 ? 0 : i % 11 === 0 ? 1 + (i % 5) : 30;
            for (let m = 30 - months; m < 30; m++) actual.run(key, loc, month(m), Math.round(size * (0.5 + rand()) * (i % 17 === 0 ? 0 : 1)), at);
            for (let lag = 0; lag < 24; lag++) {
              const period = month(23 + lag);
              // Identical lines on every third item (ties in score), zeros now and then, no interval on some.
              const q = i % 3 === 0 ? size : Math.round(size * (0.3 + 1.8 * rand()) * 100) / 100;
              const quantity = i % 19 === 0 ? 0 : q;
              const interval = i % 6 === 0 ? [null, null] : [quantity * 0.7, quantity * (1.2 + rand())];
              line.run(earlier, key, loc, period, lag, quantity * (0.8 + 0.4 * rand()), null, null);
              if (period > month(29)) line.run(current, key, loc, period, lag - 6, quantity, ...interval);
              if (i % 8 === 0 && lag % 4 === 0) salesInput.run(key, loc, period, Math.round(quantity * (0.5 + rand())), at);
            }
          }
        }
        return current;
      })();
      const want = oracle(db, runId);
      expect(want.length).toBeGreaterThan(40_000);
      const got = rescored(db, runId);
      expect(got.length).toBe(want.length);
      const firstDifference = got.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(want[i]));
      expect(firstDifference === -1 ? null : { got: got[firstDifference], want: want[firstDifference] }).toBeNull();
      // The edge cases are there: ties, unscored-quiet lines, damping, new items with no history.
      const scores = want.map((w) => w.score);
      expect(new Set(scores).size).toBeLessThan(scores.length / 2);
      expect(want.some((w) => w.reasons === '[]')).toBe(true);
      expect(want.some((w) => w.reasons.includes('"low_volume"'))).toBe(true);
      expect(want.some((w) => w.reasons.includes('{"kind":"new_item","value":0,'))).toBe(true);
      expect(want.some((w) => w.reasons.includes('"drift"') && w.reasons.includes('"sales_input"'))).toBe(true);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
