// A run's overview counts its closed lines (actual known) per period and lag. When no
// current actual reaches the run's first period it counts them without a look-up
// per line (queries/run-overview.ts, issue 14); the cells must be what the look-up
// per line gives (the query as it was, below), on runs that actuals reach, runs they
// do not, and a run with a line before its origin.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { overviewOfRun } from '../../electron/backend/queries/run-overview';
import { ACTUAL_KNOWN_SQL } from '../../electron/backend/review/line-filter';
import { addBuckets, periodFromKey, periodKey } from '../../shared/period';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

/** The cells as the overview counted them before, a look-up of an actual per line. */
const cellsByLookUp = (db: ReadableDb, runId: number) =>
  db
    .prepare(
      `SELECT l.period, l.lag, sum(l.quantity), count(*), sum(${ACTUAL_KNOWN_SQL})
         FROM forecast_lines l WHERE l.run_id = ? GROUP BY l.period, l.lag ORDER BY l.period, l.lag`,
    )
    .raw()
    .all(runId) as [number, number, number, number, number][];

describe('the closed lines of a run’s overview', () => {
  it('are counted as a look-up per line counts them, whether actuals reach the run or not', async () => {
    const t = tempDir('fwb-overview-closed-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 30, seed: 3 });
      const at = FIXED_NOW().toISOString();
      const lastActual = db.prepare('SELECT max(period) FROM actuals WHERE superseded_at IS NULL').pluck().get() as number;
      const month = (m: number) => periodKey(addBuckets(periodFromKey(lastActual), m, 'month'));
      const item = db.prepare('SELECT item_key FROM items ORDER BY item_key LIMIT 1').pluck().get() as number;
      // A run after every actual (none closed), and one whose origin is after them but with a line back among them.
      const run = db.prepare("INSERT INTO forecast_runs (model_name, origin, grain, created_at) VALUES (?, ?, 'month', ?)");
      const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity) VALUES (?, ?, 1, ?, ?, ?)');
      const after = Number(run.run('After', month(1), at).lastInsertRowid);
      const back = Number(run.run('Back', month(1), at).lastInsertRowid);
      for (let m = 2; m <= 4; m++) line.run(after, item, month(m), m - 1, 10 * m);
      line.run(back, item, month(2), 1, 5);
      line.run(back, item, lastActual, 0, 7);
      const runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
      const closedIn = (runId: number) => cellsByLookUp(db, runId).reduce((n, c) => n + c[4], 0);
      // Both kinds are there: runs with closed lines and runs without.
      expect(runs.some((r) => closedIn(r) > 0)).toBe(true);
      expect(closedIn(after)).toBe(0);
      expect(closedIn(back)).toBe(1);
      for (const runId of runs) expect(overviewOfRun(db, runId)!.forecast).toEqual(cellsByLookUp(db, runId));
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
