// What an actuals import leaves kept for the newest run (issue 14, the monthly
// cycle): its exception scores, its default grouped layout and its overview. A run
// reads actuals only up to its origin, so next month's actuals keep the scores and
// the layout as they are (nothing rescored), while a restatement at or before the
// origin rescores; after each, and after the undo of each, everything kept equals
// a computation from scratch: the scores the per-line oracle gives, the layout and
// the overview built again with nothing kept.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { carryOut } from '../../electron/backend/declarations';
import { deleteMeta, readMeta } from '../../electron/backend/db/meta';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { bringCurrent, isCurrent, type DerivedNeed } from '../../electron/backend/derived/registry';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exceptionScoresOf } from '../../electron/backend/exceptions/cache';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import { IMPORT_EFFECTS, UNDO_EFFECTS } from '../../electron/backend/imports/effects';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import { runOverviewOf } from '../../electron/backend/queries/run-overview';
import { defaultGroupLayoutOf } from '../../electron/backend/review/group-layout';
import { addBuckets, periodFromKey, periodKey } from '../../shared/period';
import { writeLines } from '../fixtures/import/v_harness';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('what an actuals import leaves kept for the newest run', () => {
  const t = tempDir('fwb-kept-actuals-');
  const path = join(t.dir, 'demo.sqlite');
  let ctx: BackendContext;
  let db: Db;
  let runId: number;
  let origin: string;
  let items: string[];

  beforeAll(async () => {
    ({ db } = await openWorkbook(path, { now: FIXED_NOW }));
    generateDemo(db, { items: 60, seed: 11 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    const newest = db.prepare('SELECT run_id AS runId, origin FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').get() as { runId: number; origin: number };
    runId = newest.runId;
    origin = periodFromKey(newest.origin);
    items = db.prepare('SELECT DISTINCT i.item_id FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? ORDER BY 1').pluck().all(runId) as string[];
    bringCurrent(db, kept());
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const kept = (): DerivedNeed[] => [exceptionScoresOf(runId), defaultGroupLayoutOf(runId), runOverviewOf(runId)];
  // Read as every reader reads them: the kept score, the reasons worked out from the kept inputs (exceptions/reasons.ts).
  const scores = () => keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));

  /** A kept value of workbook_meta built again with nothing kept (its data and stamp gone), in a savepoint taken back after. */
  function fromScratch(key: string, need: DerivedNeed): unknown {
    db.exec('SAVEPOINT scratch');
    try {
      deleteMeta(db, `${key}:${runId}`, `${key}_stamp:${runId}`);
      bringCurrent(db, [need]);
      return JSON.parse(readMeta(db, `${key}:${runId}`)!);
    } finally {
      db.exec('ROLLBACK TO scratch; RELEASE scratch');
    }
  }

  /** The kept scores, layout and overview are current and equal a computation from scratch. */
  function expectSameAsFromScratch() {
    expect(isCurrent(db, kept())).toBe(true);
    const oracle = oracleRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));
    expect(scores()).toEqual(oracle.sort((a, b) => a.lineId - b.lineId));
    expect(JSON.parse(readMeta(db, `group_layout:${runId}`)!)).toEqual(fromScratch('group_layout', defaultGroupLayoutOf(runId)));
    expect(JSON.parse(readMeta(db, `run_overview:${runId}`)!)).toEqual(fromScratch('run_overview', runOverviewOf(runId)));
  }

  const actualOf = (itemId: string, period: string) =>
    db.prepare('SELECT a.quantity FROM actuals a JOIN items i USING (item_key) WHERE i.item_id = ? AND a.period = ? AND a.superseded_at IS NULL').pluck().get(itemId, periodKey(period)) as number;
  const importActuals = (name: string, rows: string[]) =>
    carryOut(ctx, IMPORT_EFFECTS, (c) => importFile(c, writeLines(t.dir, name, ['item_id,period,actual', ...rows]), { kind: 'actuals', user: 'sam.taylor' }), {});
  const undo = (batchId: number) => carryOut(ctx, UNDO_EFFECTS, (c) => undoImportBatch(c.db, batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() }), {});

  /**
   * Marks kept data no computation writes (a score of -1 on one line, an item named
   * so in the kept layout), runs `write`, and tells which marks are still there:
   * a mark survives only where nothing was computed again.
   */
  async function marksLeftBy(write: () => Promise<unknown>): Promise<{ scores: boolean; layout: boolean }> {
    const line = scores()[0]!;
    db.prepare('UPDATE line_exceptions SET score = -1 WHERE line_id = ?').run(line.lineId);
    const layout = readMeta(db, `group_layout:${runId}`)!;
    db.prepare('UPDATE workbook_meta SET value = ? WHERE key = ?').run(layout.replace(/"itemName":\["/, '"itemName":["MARK '), `group_layout:${runId}`);
    await write();
    const marks = {
      scores: db.prepare('SELECT score FROM line_exceptions WHERE line_id = ?').pluck().get(line.lineId) === -1,
      layout: readMeta(db, `group_layout:${runId}`)!.includes('"itemName":["MARK '),
    };
    // Taken back, so what is kept can be compared with a computation from scratch.
    if (marks.scores) db.prepare('UPDATE line_exceptions SET score = ? WHERE line_id = ?').run(line.score, line.lineId);
    if (marks.layout) db.prepare('UPDATE workbook_meta SET value = ? WHERE key = ?').run(layout, `group_layout:${runId}`);
    return marks;
  }

  it('starts from kept data equal to a computation from scratch', () => {
    expect(scores().length).toBeGreaterThan(100);
    expectSameAsFromScratch();
  });

  it('next month’s actuals rescore nothing and lay nothing out again; their undo leaves the same answers', async () => {
    const nextMonth = addBuckets(origin, 1, 'month');
    let batchId = 0;
    const marks = await marksLeftBy(async () => {
      // Each item's actual is the run's own forecast of it: no segment's error grows, so the drift guard raises nothing (that would rescore).
      const rows = db
        .prepare('SELECT i.item_id, sum(l.quantity) FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND l.period = ? GROUP BY i.item_id ORDER BY 1')
        .raw()
        .all(runId, periodKey(nextMonth)) as [string, number][];
      expect(rows.length).toBe(items.length);
      const out = await importActuals('next-month.csv', rows.map(([id, q]) => `${id},${nextMonth},${q}`));
      expect(out.rowsAccepted).toBe(items.length);
      batchId = out.batchId!;
    });
    expect(marks).toEqual({ scores: true, layout: true });
    // The month closes the run's first month: the overview counts its closed lines again.
    expect((JSON.parse(readMeta(db, `run_overview:${runId}`)!) as { forecast: number[][] }).forecast.some((c) => periodFromKey(c[0]!) === nextMonth && c[4]! > 0)).toBe(true);
    expectSameAsFromScratch();
    await undo(batchId);
    expectSameAsFromScratch();
  });

  it('a restatement at the origin rescores the run; its undo too', async () => {
    let batchId = 0;
    const marks = await marksLeftBy(async () => {
      // Restated by a unit each: a change of the run's history small enough that no drift alert is raised (the undo would wait for it).
      const restated = [items[0]!, items[1]!].map((id) => `${id},${origin},${actualOf(id, origin) + 1}`);
      const out = await importActuals('restated.csv', restated);
      expect(out.rowsAccepted).toBe(2);
      batchId = out.batchId!;
    });
    expect(marks).toEqual({ scores: false, layout: false });
    expectSameAsFromScratch();
    await undo(batchId);
    expectSameAsFromScratch();
  });

  it('actuals of both kinds in one file rescore the run', async () => {
    const before = addBuckets(origin, -1, 'month');
    const marks = await marksLeftBy(() => importActuals('both.csv', [`${items[2]},${addBuckets(origin, 2, 'month')},5`, `${items[2]},${before},${actualOf(items[2]!, before) + 1}`]));
    expect(marks).toEqual({ scores: false, layout: false });
    expectSameAsFromScratch();
  });
});
