// The default grouped layout laid out from the run's items as its scoring just left
// them (review/group-layout.ts, issue 14) is the layout the SQL over the run's lines
// and kept scores gives (the oracle), item for item: several locations per item,
// ties in score, lines scored 0; and it is not used when anything it is made of
// moved after the scoring, nor when the scoring was taken back.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { bringCurrent } from '../../electron/backend/derived/registry';
import { exceptionScores, exceptionScoresOf } from '../../electron/backend/exceptions/cache';
import { DEFAULT_GROUP_SORT, defaultGroupLayoutOf, groupLayout, keptDefaultLayout } from '../../electron/backend/review/group-layout';
import type { SourceChange } from '../../electron/backend/derived/registry';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const oracle = (db: WritableDb, runId: number) =>
  groupLayout(db, DEFAULT_GROUP_SORT, { where: 'l.run_id = @runId', params: { runId }, readsItem: false, readsState: false });

describe('the default grouped layout from the scoring', () => {
  let t: ReturnType<typeof tempDir>;
  let db: WritableDb;
  let runs: number[];
  beforeEach(async () => {
    t = tempDir('fwb-layout-scored-');
    ({ db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW }));
    generateDemo(db, { items: 50, seed: 4 });
    runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
    // Every third item also at a second location, its lines there a copy at another quantity.
    db.prepare("INSERT INTO locations (location_id, name) VALUES ('DC-2', 'Second')").run();
    db.prepare(
      `INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper)
       SELECT run_id, item_key, (SELECT max(location_key) FROM locations), period, lag, quantity * 3, lower, upper FROM forecast_lines WHERE item_key % 3 = 0`,
    ).run();
    db.prepare('DELETE FROM line_exceptions').run();
    db.prepare('DELETE FROM exception_runs').run();
    db.prepare("DELETE FROM workbook_meta WHERE key LIKE 'group_layout%'").run();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    db.close();
    t.cleanup();
  });

  /** The statements prepared while `f` runs. */
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
  const readsLinesForLayout = (sql: string[]) => sql.some((s) => s.includes('max(coalesce(e.score, 0))'));

  it('is the layout the SQL over the lines gives, for every run, without reading the lines again', () => {
    let [multi, ties] = [0, 0];
    for (const runId of runs) {
      const sql = prepared(() => bringCurrent(db, [exceptionScoresOf(runId), defaultGroupLayoutOf(runId)]));
      expect(readsLinesForLayout(sql)).toBe(false);
      const want = oracle(db, runId);
      expect(want.length).toBeGreaterThan(10);
      expect(keptDefaultLayout(db, runId)).toEqual(want);
      multi += db.prepare('SELECT count(DISTINCT item_key) FROM forecast_lines WHERE run_id = ? AND location_key > 1').pluck().get(runId) as number;
      const maxima = want.map((s) => s.maxExceptionScore);
      ties += maxima.length - new Set(maxima).size;
    }
    // Items at a second location, and ties in the highest score (ordered by item id, as in SQL), were laid out.
    expect(multi).toBeGreaterThan(0);
    expect(ties).toBeGreaterThan(0);
  });

  it('lays out from the lines when a line moved after the scoring, or the scoring was taken back', () => {
    const runId = runs.at(-1)!;
    // Scored, then another program adds a line of the run before the layout is brought current.
    bringCurrent(db, [exceptionScoresOf(runId)]);
    db.prepare(
      'INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity) SELECT run_id, item_key, location_key, period + 10000, lag + 12, quantity FROM forecast_lines WHERE run_id = ? LIMIT 1',
    ).run(runId);
    let sql = prepared(() => bringCurrent(db, [defaultGroupLayoutOf(runId)]));
    expect(readsLinesForLayout(sql)).toBe(true);
    expect(keptDefaultLayout(db, runId)).toEqual(oracle(db, runId));
    // A scoring whose transaction is rolled back leaves nothing to lay out from.
    db.prepare("DELETE FROM workbook_meta WHERE key LIKE 'group_layout%'").run();
    const change = { built: null, now: {} } as unknown as SourceChange;
    expect(() =>
      db.transaction(() => {
        db.prepare('UPDATE line_exceptions SET score = 99 WHERE run_id = ?').run(runId);
        exceptionScores.refresh(db, runId, change);
        throw new Error('taken back');
      })(),
    ).toThrow('taken back');
    sql = prepared(() => bringCurrent(db, [defaultGroupLayoutOf(runId)]));
    expect(readsLinesForLayout(sql)).toBe(true);
    expect(keptDefaultLayout(db, runId)).toEqual(oracle(db, runId));
  });
});
