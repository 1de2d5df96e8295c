// A hand-built workbook for the value measures (issue 16 item 4): decisions made
// through the API on a clock the test sets, so every timestamp is known.
import type { BackendContext } from '../../electron/backend/context';
import { ok } from './api';
import { signInAs } from './people';
import { smallWorkbook } from './workbook';

/** Builds the workbook: run 1 (9 lines, released), run 2 (3 lines, open); returns the ctx. */
export async function valueWorkbook(dir: string): Promise<{ ctx: BackendContext; path: string; clock: { at: string } }> {
  const built = await smallWorkbook(dir);
  const clock = { at: '2026-11-02T08:00:00.000Z' };
  const ctx: BackendContext = { ...built.ctx, now: () => new Date(clock.at) };
  const db = ctx.db;
  const key = (id: string) => db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck().get(id) as number;
  // A second run imported at 08:00 on 2 November.
  const batch = db.prepare("INSERT INTO import_batches (kind, file_name, rows_read, rows_accepted, imported_at) VALUES ('forecasts', 'run2.csv', 3, 3, '2026-11-02T08:00:00.000Z')").run().lastInsertRowid;
  const run2 = db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, interval_level, batch_id, created_at) VALUES ('TestModel', '1.0', 20260701, 'month', 80, ?, '2026-11-02T08:00:00.000Z')").run(batch).lastInsertRowid;
  const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?)');
  [124, 126, 127].forEach((q, i) => line.run(run2, key('SKU-1'), 20260801 + 100 * i, i + 1, q, q * 0.8, q * 1.25));

  const lineOf = (run: number, item: string, lag: number) =>
    db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND i.item_id = ? AND l.lag = ?').pluck().get(run, item, lag) as number;
  const at = (hhmm: string) => (clock.at = `2026-11-02T${hhmm}:00.000Z`);
  const override = (run: number, item: string, lag: number, quantity: number) =>
    ok(ctx, 'decideLine', { lineId: lineOf(run, item, lag), action: 'override', quantity, reasonCode: 'promotion', comment: 'planted for the value test' });
  const ana = () => signInAs(ctx, { userId: 'ana', displayName: 'Ana', role: 'planner' });
  const ben = () => signInAs(ctx, { userId: 'ben', displayName: 'Ben', role: 'planner' });

  await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
  await ana();
  at('09:00'); await override(1, 'SKU-1', 1, 130);
  await ben();
  at('09:02'); await override(1, 'SKU-2', 1, 240);
  await ana();
  at('09:05'); await override(1, 'SKU-3', 1, 300);
  await ben();
  at('09:10'); const waited = await override(1, 'SKU-2', 2, 300); // +35 %: over the 25 % approval threshold
  at('09:12'); await override(1, 'SKU-1', 3, 110);
  at('09:13'); await override(1, 'SKU-2', 3, 230);
  await ana();
  at('10:00'); await ok(ctx, 'decideLine', { lineId: lineOf(1, 'SKU-1', 2), action: 'accept' });
  at('10:02'); await override(1, 'SKU-3', 2, 350);
  at('10:03'); await ok(ctx, 'undoLastDecision', { runId: 1 });
  at('10:10'); await override(Number(run2), 'SKU-1', 3, 120);
  // The actuals arrive after the decisions (a decision on a line whose actual is known is refused).
  const actual = db.prepare("INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, '2026-10-31T18:00:00.000Z')");
  const known: [string, number, number][] = [
    ['SKU-1', 20260701, 128], ['SKU-1', 20260801, 125], ['SKU-1', 20260901, 115],
    ['SKU-2', 20260701, 235], ['SKU-2', 20260801, 240], ['SKU-2', 20260901, 220],
    ['SKU-3', 20260701, 310], ['SKU-3', 20260801, 330], ['SKU-3', 20260901, 320], ['SKU-1', 20261001, 118],
  ];
  for (const [item, period, q] of known) actual.run(key(item), period, q);
  await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
  at('11:00'); await ok(ctx, 'reviewOverride', { decisionId: waited.decision.decisionId, verdict: 'rejected', note: 'no promotion planned' });
  at('12:00'); await ok(ctx, 'releaseRun', { runId: 1 });
  at('14:00');
  return { ctx, path: built.path, clock };
}

