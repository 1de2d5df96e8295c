// A big run's overview computed on another thread while the run's scores are
// written (queries/run-overview-thread.ts, issue 14) is the overview computed in
// place, number for number; one read at another state of the file is never kept.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { readMeta } from '../../electron/backend/db/meta';
import { generateDemo } from '../../electron/backend/demo/generate';
import { bringCurrent } from '../../electron/backend/derived/registry';
import { newestRunExceptions } from '../../electron/backend/exceptions/cache';
import { readSourceStamp } from '../../electron/backend/derived/sources';
import { newestRunOverview, overviewOfRun, runOverviews } from '../../electron/backend/queries/run-overview';
import { overviewThreadFrom, startOverviewThread, takeOverviewFromThread } from '../../electron/backend/queries/run-overview-thread';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('a run overview computed on another thread', () => {
  let t: ReturnType<typeof tempDir>;
  let db: WritableDb;
  let runId: number;
  beforeEach(async () => {
    t = tempDir('fwb-overview-thread-');
    ({ db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW }));
    generateDemo(db, { items: 40, seed: 3 });
    runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number;
    overviewThreadFrom(1);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    overviewThreadFrom(100_000);
    db.close();
    t.cleanup();
  });

  /** The statements prepared on this connection while `f` runs. */
  function prepared(f: () => void): string[] {
    const seen: string[] = [];
    const original = db.prepare.bind(db);
    vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
      seen.push(sql);
      return original(sql);
    }) as typeof db.prepare);
    f();
    vi.restoreAllMocks();
    return seen;
  }
  // The overview's cells: its one pass over every line of the run.
  const readsCells = (sql: string) => sql.includes('GROUP BY l.period, l.lag');

  it('is the overview computed in place, and is what an import’s warm-up keeps', () => {
    const all = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
    const runs = [all[0]!, all[1]!, all.at(-1)!];
    let closed = 0;
    for (const run of runs) {
      const inPlace = overviewOfRun(db, run);
      expect(inPlace!.forecast.length).toBeGreaterThan(0);
      expect(inPlace!.history.length).toBeGreaterThan(0);
      closed += inPlace!.forecast.reduce((n, c) => n + c[4], 0);
      startOverviewThread(db, run, runOverviews.sources);
      const fromThread = takeOverviewFromThread(db, run, readSourceStamp(db, runOverviews.sources));
      expect(fromThread).not.toBeNull();
      expect(fromThread).toEqual(inPlace);
    }
    expect(closed).toBeGreaterThan(0); // lines whose actual is known were counted somewhere
    const inPlace = overviewOfRun(db, runId);
    // Through the registry, as an import's effects bring it current (the scores beside it): kept as computed in place,
    // and not computed on this connection.
    db.prepare("DELETE FROM workbook_meta WHERE key LIKE 'run_overview%'").run();
    db.prepare('DELETE FROM exception_runs').run();
    let sql = prepared(() => expect(bringCurrent(db, [...newestRunExceptions(db), ...newestRunOverview(db)])).toBeGreaterThanOrEqual(2));
    expect(sql.some(readsCells)).toBe(false);
    expect(JSON.parse(readMeta(db, `run_overview:${runId}`)!)).toEqual(inPlace);
    // Wanted alone (a run opened), there is nothing to do beside it: computed here.
    db.prepare("DELETE FROM workbook_meta WHERE key LIKE 'run_overview%'").run();
    sql = prepared(() => expect(bringCurrent(db, newestRunOverview(db))).toBe(1));
    expect(sql.some(readsCells)).toBe(true);
    expect(JSON.parse(readMeta(db, `run_overview:${runId}`)!)).toEqual(inPlace);
  });

  it('is not taken when it was read at another state of the workbook, nor for another run', () => {
    startOverviewThread(db, runId, runOverviews.sources);
    const before = readSourceStamp(db, runOverviews.sources);
    // New actuals of the run's items after the thread started (it may have read before or after them).
    db.prepare('UPDATE actuals SET superseded_at = ? WHERE actual_id = (SELECT max(actual_id) FROM actuals)').run(FIXED_NOW().toISOString());
    db.prepare(
      'INSERT INTO actuals (item_key, location_key, period, quantity, recorded_at) SELECT item_key, location_key, period, quantity + 1000, recorded_at FROM actuals WHERE actual_id = (SELECT max(actual_id) FROM actuals)',
    ).run();
    const now = readSourceStamp(db, runOverviews.sources);
    expect(now).not.toEqual(before);
    const got = takeOverviewFromThread(db, runId, now);
    // Either the thread read after the write (then it is today's overview) or it is not taken.
    if (got !== null) expect(got).toEqual(overviewOfRun(db, runId));
    // Taken once: a second time there is nothing to take.
    expect(takeOverviewFromThread(db, runId, now)).toBeNull();
    // Asked for a run it was not started for: nothing, and the run's own is still there to take.
    startOverviewThread(db, runId, runOverviews.sources);
    expect(takeOverviewFromThread(db, runId - 1, now)).toBeNull();
    expect(takeOverviewFromThread(db, runId, now)).toEqual(overviewOfRun(db, runId));
  });
});
