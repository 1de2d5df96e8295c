// A run's scores are kept twice, each written at its table's end (exceptions/cache.ts,
// migration 017, issue 14): by line (line_exceptions) and in the worklist's order
// (line_exception_order, keyed (run_id, score, line_id)), with no (run_id, score) index
// left to build after a big run's scores. The ordered rows are exactly the scores by
// line, in SQLite's own order, on every rescoring (a first run, runs beside others, a
// run rescored twice); the first page walks them; the scores are the per-line oracle's;
// a rescoring that fails half-way leaves both tables as they were.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exceptionScores, exceptionScoresOf } from '../../electron/backend/exceptions/cache';
import { bringCurrent } from '../../electron/backend/derived/registry';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import type { SourceChange } from '../../electron/backend/derived/registry';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

function rescore(db: WritableDb, runId: number): void {
  db.transaction(() => exceptionScores.refresh(db, runId, { built: null, now: {} } as unknown as SourceChange))();
}

// Read as every reader reads them: the kept score, the reasons worked out from the kept inputs (exceptions/reasons.ts).
const kept = (db: WritableDb, runId: number) =>
  keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));
const oracle = (db: WritableDb, runId: number) =>
  oracleRunExceptions(db, runId)
    .map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }))
    .sort((a, b) => a.lineId - b.lineId);

/** The ordered rows as stored (the table's key order), and the scores by line ordered by SQLite. */
const storedOrder = (db: WritableDb) => db.prepare('SELECT run_id, score, line_id FROM line_exception_order').raw().all();
const sqliteOrder = (db: WritableDb) => db.prepare('SELECT run_id, score, line_id FROM line_exceptions ORDER BY run_id, score, line_id').raw().all();

describe('the exception scores in the worklist’s order', () => {
  it('are kept in line_exception_order as the scores by line in SQLite’s order, on every rescoring, with no index left to build', async () => {
    const t = tempDir('fwb-exc-order-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 40, seed: 5 });
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'line_exceptions' AND sql IS NOT NULL").pluck().all();
      expect(indexes).toEqual([]);
      const runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
      expect(runs.length).toBeGreaterThan(2);
      expect(storedOrder(db)).toEqual(sqliteOrder(db));
      db.prepare('DELETE FROM line_exceptions').run();
      db.prepare('DELETE FROM line_exception_order').run();
      for (const runId of runs) {
        rescore(db, runId);
        expect(storedOrder(db)).toEqual(sqliteOrder(db));
      }
      // A run rescored again beside the others, and one rescored twice in a row.
      rescore(db, runs[0]!);
      rescore(db, runs.at(-1)!);
      rescore(db, runs.at(-1)!);
      const order = storedOrder(db);
      expect(order).toEqual(sqliteOrder(db));
      expect(order.length).toBe(db.prepare('SELECT count(*) FROM forecast_lines').pluck().get());
      for (const runId of runs) expect(kept(db, runId)).toEqual(oracle(db, runId));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The first page's walk (review/worklist.ts: topByScore) reads the run's rows in key order, backwards, with no sort of the run.
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT line_id FROM line_exception_order e WHERE e.run_id = ? ORDER BY e.score DESC LIMIT 50')
        .all(runs[0]) as { detail: string }[];
      const detail = plan.map((p) => p.detail).join(' ');
      expect(detail).toContain('SEARCH e USING PRIMARY KEY (run_id=?)');
      expect(detail).not.toContain('TEMP B-TREE');
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('leaves both tables as they were when the rescoring fails half-way', async () => {
    const t = tempDir('fwb-exc-order-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 20, seed: 9 });
      const runId = db.prepare('SELECT max(run_id) FROM forecast_runs').pluck().get() as number;
      const before = [storedOrder(db), sqliteOrder(db)];
      // The run's ordered rows fail after ten went in, once its rows by line were all written.
      db.exec(
        `CREATE TEMP TRIGGER fail_scoring BEFORE INSERT ON main.line_exception_order
           WHEN (SELECT count(*) FROM main.line_exception_order WHERE run_id = ${runId}) >= 10 BEGIN SELECT RAISE(ABORT, 'scoring failed'); END`,
      );
      expect(() => rescore(db, runId)).toThrow(/scoring failed/);
      expect([storedOrder(db), sqliteOrder(db)]).toEqual(before);
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('are written with the connection’s foreign-key probes off, and the probes back on after, unless inside a caller’s transaction', async () => {
    const t = tempDir('fwb-exc-order-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 20, seed: 9 });
      const runId = db.prepare('SELECT max(run_id) FROM forecast_runs').pluck().get() as number;
      // What the setting was while the scores went in, as each ordered row was written.
      db.exec(`CREATE TEMP TABLE seen (fk INTEGER);
               CREATE TEMP TRIGGER see_fk AFTER INSERT ON main.line_exception_order BEGIN INSERT INTO seen SELECT foreign_keys FROM pragma_foreign_keys; END`);
      const stale = () => db.prepare('DELETE FROM exception_runs WHERE run_id = ?').run(runId);
      stale();
      expect(bringCurrent(db, [exceptionScoresOf(runId)])).toBe(1);
      expect(db.prepare('SELECT DISTINCT fk FROM seen').pluck().all()).toEqual([0]);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      for (const id of [runId]) expect(kept(db, id)).toEqual(oracle(db, id));
      expect(db.prepare('SELECT count(*) FROM pragma_foreign_key_check').pluck().get()).toBe(0);
      // Inside a caller's transaction the setting cannot change: the probes run.
      db.exec('DELETE FROM seen');
      stale();
      db.transaction(() => bringCurrent(db, [exceptionScoresOf(runId)]))();
      expect(db.prepare('SELECT DISTINCT fk FROM seen').pluck().all()).toEqual([1]);
      expect(kept(db, runId)).toEqual(oracle(db, runId));
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
