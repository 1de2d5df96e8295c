// Rescoring a run that outweighs every other run's kept scores builds the
// (run_id, score) index again after its rows are in, instead of filling it line
// by line (exceptions/cache.ts, issue 14): the index comes back exactly as
// migration 001 made it, complete, used by the worklist's order, and the scores
// are the per-line oracle's on both paths (a first run, then runs the rest outweigh).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exceptionScores } from '../../electron/backend/exceptions/cache';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import type { SourceChange } from '../../electron/backend/derived/registry';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const indexSql = (db: WritableDb) => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'line_exceptions_run'").pluck().get() as string | undefined;

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

describe('the exception score index on a bulk rescoring', () => {
  it('is built again as the migration made it, complete and used, with the oracle’s scores whether it was rebuilt or filled', async () => {
    const t = tempDir('fwb-exc-index-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 40, seed: 5 });
      const migrated = indexSql(db);
      expect(migrated).toBe('CREATE INDEX line_exceptions_run ON line_exceptions (run_id, score)');
      const runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
      expect(runs.length).toBeGreaterThan(2);
      db.prepare('DELETE FROM line_exceptions').run();
      // The first run outweighs the (empty) rest: rebuilt; each later one is outweighed by those before it: filled.
      for (const runId of runs) {
        rescore(db, runId);
        expect(indexSql(db)).toBe(migrated);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      }
      // Rescoring the first run again once the others outweigh it, and a run rescored twice in a row.
      rescore(db, runs[0]!);
      rescore(db, runs.at(-1)!);
      for (const runId of runs) expect(kept(db, runId)).toEqual(oracle(db, runId));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT line_id FROM line_exceptions WHERE run_id = ? ORDER BY score DESC LIMIT 50')
        .all(runs[0]) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('line_exceptions_run');
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('keeps the index when the rescoring fails half-way: the drop is taken back with the rows', async () => {
    const t = tempDir('fwb-exc-index-');
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 20, seed: 9 });
      const runId = db.prepare('SELECT max(run_id) FROM forecast_runs').pluck().get() as number;
      db.prepare('DELETE FROM line_exceptions').run();
      // The eleventh row fails, after the index was dropped and ten rows went in.
      db.exec("CREATE TEMP TRIGGER fail_scoring BEFORE INSERT ON main.line_exceptions WHEN (SELECT count(*) FROM main.line_exceptions) >= 10 BEGIN SELECT RAISE(ABORT, 'scoring failed'); END");
      expect(() => rescore(db, runId)).toThrow(/scoring failed/);
      expect(indexSql(db)).toBe('CREATE INDEX line_exceptions_run ON line_exceptions (run_id, score)');
      expect(db.prepare('SELECT count(*) FROM line_exceptions').pluck().get()).toBe(0);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
