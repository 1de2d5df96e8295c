// Small hand-made workbooks for tests that must not depend on the demo generator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import type { BackendContext } from '../../electron/backend/context';
import type { BackendEvent } from '../../shared/domain';
import { periodKey } from '../../shared/period';

export function tempDir(prefix = 'fwb-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const FIXED_NOW = () => new Date('2026-10-31T18:00:00.000Z');

/**
 * Three items in two categories, 18 months of actuals, one run at origin
 * 2026-06-01 with lags 1–3. Quantities follow a formula tests can recompute.
 */
export function fillSmallWorkbook(db: Db): { runId: number; lines: number } {
  const at = FIXED_NOW().toISOString();
  const items = [
    ['SKU-1', 'Sparkling Water 12x330ml', 'Beverages', 'A', 'ana'],
    ['SKU-2', 'Sea Salt Crisps 150g', 'Snacks', 'B', 'ben'],
    ['SKU-3', 'Lemon Dish Soap 500ml', 'Household', 'C', 'ana'],
  ] as const;
  db.transaction(() => {
    db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('ana', 'Ana', 'planner', ?), ('ben', 'Ben', 'planner', ?)").run(at, at);
    const batch = db
      .prepare("INSERT INTO import_batches (kind, file_name, rows_read, rows_accepted, imported_at) VALUES ('forecasts', 'fixture.csv', 9, 9, ?)")
      .run(at).lastInsertRowid;
    const item = db.prepare('INSERT INTO items (item_id, name, category, abc_class, owner_id) VALUES (?, ?, ?, ?, ?)');
    for (const i of items) item.run(...i);
    const key = (id: string) => (db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck().get(id) as number);
    const actual = db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)');
    items.forEach(([id], k) => {
      for (let m = 0; m < 18; m++) {
        const period = periodKey(new Date(Date.UTC(2025, m, 1)).toISOString().slice(0, 10));
        actual.run(key(id), period, 100 * (k + 1) + m, at);
      }
    });
    const run = db
      .prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, interval_level, batch_id, created_at) VALUES ('TestModel', '1.0', 20260601, 'month', 80, ?, ?)")
      .run(batch, at).lastInsertRowid;
    const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?)');
    items.forEach(([id], k) => {
      for (let lag = 1; lag <= 3; lag++) {
        const q = 100 * (k + 1) + 20 + lag;
        line.run(run, key(id), 20260601 + 100 * lag, lag, q, q * 0.8, q * 1.25);
      }
    });
  })();
  const runId = (db.prepare('SELECT max(run_id) AS id FROM forecast_runs').get() as { id: number }).id;
  return { runId, lines: 9 };
}

export async function smallWorkbook(dir: string, name = 'small.sqlite'): Promise<{ ctx: BackendContext; events: BackendEvent[]; runId: number; path: string }> {
  const path = join(dir, name);
  const { db } = await openWorkbook(path, { now: FIXED_NOW });
  const { runId } = fillSmallWorkbook(db);
  const events: BackendEvent[] = [];
  return { ctx: { db, path, now: FIXED_NOW, emit: (e) => events.push(e), stagingDir: join(dir, 'staging') }, events, runId, path };
}
