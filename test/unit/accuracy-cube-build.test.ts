// The cold build of the accuracy cube (accuracy/cube-build.ts, issue 14: a cold
// build of 1M lines in seconds) makes the cells the SQL build before it made,
// cell for cell, on a demo workbook widened to reach every branch: a second model
// and a re-run at one origin (bench_once 1 and 0), a weekly run at a second
// location (seasons of 364 days), sales inputs, intervals, overrides in force,
// pending and rejected, and imported decision history.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { seasonsBack } from '../../electron/backend/accuracy/series';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { periodFromKey } from '../../shared/period';
import { writeLines } from '../fixtures/import/v_harness';
import { buildCubeTheOldWay } from '../helpers/accuracy-cube-old-sql';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { cubeRows as cubeRowsTo } from '../helpers/cube-rows';

const EMPTY_CUBE = "DELETE FROM accuracy_cells; DELETE FROM accuracy_override_cells; DELETE FROM accuracy_runs; DELETE FROM workbook_meta WHERE key LIKE 'accuracy_%';";

const cubeRows = (db: Db) => cubeRowsTo(db, 12);

/** The cube `build` makes on a copy of the workbook as it is. */
async function cubeOfCopy(db: Db, path: string, build: (copy: Db) => void): Promise<{ rows: Record<string, string[]>; copy: Db }> {
  db.exec(`VACUUM INTO '${path}'`);
  const { db: copy } = await openWorkbook(path, { now: FIXED_NOW });
  copy.exec(EMPTY_CUBE);
  build(copy);
  return { rows: cubeRows(copy), copy };
}

describe('the cold build of the accuracy cube', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  const at = FIXED_NOW().toISOString();

  beforeAll(async () => {
    t = tempDir('fwb-cube-build-');
    const path = join(t.dir, 'demo.sqlite');
    db = (await openWorkbook(path, { now: FIXED_NOW })).db;
    generateDemo(db, { items: 60, seed: 11 });
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: join(t.dir, 'staging') };

    // Imported history on a closed line of the oldest run that has no decisions.
    const analyst = db.prepare("SELECT user_id FROM users WHERE role IN ('analyst', 'manager') ORDER BY user_id LIMIT 1").pluck().get() as string;
    const closed = db
      .prepare(
        `SELECT i.item_id AS item, fl.period, fl.quantity, r.model_name AS model, r.origin FROM forecast_lines fl JOIN forecast_runs r USING (run_id) JOIN items i USING (item_key)
          WHERE r.run_id = (SELECT min(run_id) FROM forecast_runs) AND fl.line_id NOT IN (SELECT line_id FROM line_state)
            AND EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = fl.item_key AND a.period = fl.period) ORDER BY fl.line_id LIMIT 2`,
      )
      .all() as { item: string; period: number; quantity: number; model: string; origin: number }[];
    const history = closed.map((l, i) => `${l.item},${periodFromKey(l.period)},${l.quantity + 7 + i},promotion,,Ana Silva,2024-01-20T09:00:00Z,${l.model},${periodFromKey(l.origin)}`);
    await importFile(ctx, writeLines(t.dir, 'history.csv', ['item,period,final,reason,comment,decided_by,decided_at,model,origin', ...history]), { kind: 'decisions', user: analyst });

    db.transaction(() => {
      // A rival model and a re-run of the model at the origin of a run with actuals known.
      const earlier = db.prepare('SELECT run_id, model_name, origin FROM forecast_runs ORDER BY run_id DESC LIMIT 1 OFFSET 4').get() as { run_id: number; model_name: string; origin: number };
      const copyRun = (model: string, quantity: string, bounds: string) => {
        const runId = db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, created_at) VALUES (?, '1', ?, 'month', ?)").run(model, earlier.origin, at).lastInsertRowid;
        db.prepare(`INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper) SELECT ?, item_key, location_key, period, lag, ${quantity}, ${bounds} FROM forecast_lines WHERE run_id = ? AND item_key % 3 <> 0`).run(runId, earlier.run_id);
      };
      copyRun('Rival', 'round(quantity * 1.1, 1)', 'NULL, NULL');
      copyRun(earlier.model_name, 'quantity + 1', 'lower, upper');

      // A weekly run at a second location, on two years of weekly actuals there.
      db.prepare("INSERT INTO locations (location_key, location_id, name) VALUES (2, 'NORTH', 'North')").run();
      const items = db.prepare('SELECT item_key FROM items ORDER BY item_key LIMIT 4').pluck().all() as number[];
      const actual = db.prepare('INSERT INTO actuals (item_key, location_key, period, quantity, recorded_at, superseded_at) VALUES (?, 2, ?, ?, ?, ?)');
      const weeks = Array.from({ length: 110 }, (_, w) => {
        const d = new Date(Date.UTC(2024, 0, 1 + 7 * w)); // Mondays from 2024-01-01
        return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
      });
      items.forEach((item, i) => weeks.forEach((week, w) => actual.run(item, week, i === 3 && w % 9 === 0 ? 0 : 10 + ((i * 7 + w * 3) % 17) + w / 4, at, null)));
      actual.run(items[0], weeks[100], 999, at, at); // superseded
      const origin = weeks[96]!;
      const runId = db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, interval_level, created_at) VALUES ('WeeklyAI', '1', ?, 'week', 80, ?)").run(origin, at).lastInsertRowid;
      const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper) VALUES (?, ?, 2, ?, ?, ?, ?, ?)');
      items.forEach((item, i) => {
        for (let lag = 1; lag <= 10; lag++) line.run(runId, item, weeks[96 + lag], lag, 12 + i + lag / 3, lag % 4 === 0 ? null : 8, 20 + i);
      });
      db.prepare('INSERT INTO sales_inputs (item_key, location_key, period, quantity, recorded_at) VALUES (?, 2, ?, 15, ?), (?, 2, ?, 30, ?)').run(items[0], weeks[97], at, items[1], weeks[98], at);
    })();
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('makes every cell the SQL build made, and the workbook reaches every branch of it', async () => {
    const fresh = await cubeOfCopy(db, join(t.dir, 'new.sqlite'), (copy) => ensureAccuracyCube(copy));
    const old = await cubeOfCopy(db, join(t.dir, 'old.sqlite'), (copy) => buildCubeTheOldWay(copy));
    try {
      expect(fresh.rows.accuracy_cells!.length).toBeGreaterThan(100);
      expect(fresh.rows.accuracy_override_cells!.length).toBeGreaterThan(20);
      expect(fresh.rows).toEqual(old.rows);

      const cells = fresh.copy;
      const count = (sql: string) => cells.prepare(sql).pluck().get() as number;
      expect(cells.prepare('SELECT DISTINCT bench_once FROM accuracy_cells ORDER BY 1').pluck().all()).toEqual([0, 1, 2]);
      expect(count("SELECT count(*) FROM accuracy_cells c JOIN forecast_runs r USING (run_id) WHERE r.grain = 'week' AND c.n_scaled > 0 AND c.has_bench = 1 AND c.has_sales = 1")).toBeGreaterThan(0);
      expect(count('SELECT count(*) FROM accuracy_cells WHERE n_scaled = 0')).toBeGreaterThan(0);
      expect(count('SELECT count(*) FROM accuracy_cells WHERE n_pos = 0')).toBeGreaterThan(0);
      expect(count('SELECT count(*) FROM accuracy_cells WHERE n_inside > 0 AND n_bounded > n_inside')).toBeGreaterThan(0);
      expect(count("SELECT count(*) FROM accuracy_override_cells WHERE decided_by LIKE 'imported:%'")).toBeGreaterThan(0);
      expect(count('SELECT count(DISTINCT size_bucket) FROM accuracy_override_cells')).toBeGreaterThan(2);
      expect(count("SELECT count(*) FROM line_state ls JOIN forecast_lines fl USING (line_id) WHERE ls.status IN ('pending_approval', 'rejected') AND ls.final_quantity <> fl.quantity")).toBeGreaterThan(0);
    } finally {
      fresh.copy.close();
      old.copy.close();
    }
  }, 120_000);

  it('moves a weekly period back whole seasons of 364 days, across a year end', () => {
    expect(seasonsBack(20260706, 1, 'week')).toBe(20250707);
    expect(seasonsBack(20250106, 1, 'week')).toBe(20240108);
    expect(seasonsBack(20260301, 2, 'month')).toBe(20240301);
  });
});
