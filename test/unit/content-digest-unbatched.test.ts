// The seal fingerprints the lines of runs of no batch by reading those runs first
// (content-digest.ts): it must find exactly the rows the full pass over every
// batch finds, in the same order, and none of the lines of batched or not yet
// created runs (an import's staged lines).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openWorkbook } from '../../electron/backend/db/open';
import { allBatchContents, batchContent } from '../../electron/backend/audit/content-digest';
import { fillSmallWorkbook, tempDir } from '../helpers/workbook';

describe('the content of rows of no batch', () => {
  it('holds the lines of runs of no batch, in insertion order, and no staged or batched line', async () => {
    const t = tempDir();
    const { db } = await openWorkbook(join(t.dir, 'unbatched.sqlite'));
    try {
      fillSmallWorkbook(db); // a batched run
      const at = '2026-10-31T18:00:00.000Z';
      const run = (origin: number) =>
        db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, interval_level, batch_id, created_at) VALUES ('Hand', '1', ?, 'month', NULL, NULL, ?)").run(origin, at).lastInsertRowid as number;
      const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, NULL, NULL)');
      const early = run(20260501);
      const late = run(20260601);
      db.pragma('foreign_keys = OFF');
      // Interleaved across the two runs, so insertion order is not run order; and lines under a run id that does not exist (staged).
      line.run(late, 1, 20260701, 1, 5);
      line.run(early, 2, 20260601, 1, 6);
      line.run(9999, 1, 20260701, 1, 7);
      line.run(late, 3, 20260801, 2, 8);
      line.run(early, 1, 20260701, 2, 9);
      db.pragma('foreign_keys = ON');

      const unbatched = batchContent(db, null).lines;
      expect(unbatched.rows).toBe(4);
      expect(unbatched).toEqual(allBatchContents(db).get(null)!.lines);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
