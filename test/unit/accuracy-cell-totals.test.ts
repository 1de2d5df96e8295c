// The cells' totals (migration 021, accuracy/cell-totals.ts, issue 14): the stairstep and
// the slices by category, lag and period over everything answer from the totals exactly
// what they answer from the cells themselves (the oracle), for every metric, intervals
// included, number for number; the totals kept by the incremental refresh equal those a
// cold build writes, after a decision, its undo, an actuals import, a new run and an
// import undone (a run leaving by cascade, outside any refresh); and migration 021's fill
// equals the refresh's writer. On the demo workbook and on the bench's generated one.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCellTotals } from '../../electron/backend/accuracy/cell-totals';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { accuracySlice } from '../../electron/backend/accuracy/slices';
import { fvaStairstep } from '../../electron/backend/accuracy/stairstep';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import { METRICS, type Metric } from '../../shared/accuracy';
import { writeLines } from '../fixtures/import/v_harness';
import { ok } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { coldCubeOf, generatedAccuracyWorkbook } from '../helpers/accuracy-cold';

const TOTALLED = ['category', 'lag', 'period'] as const;

/** Every answer the totals serve, from the totals (the default) or from the cells. */
function answers(db: Db, metric: Metric, source: 'totals' | 'cells') {
  return {
    stairstep: fvaStairstep(db, {}, metric, undefined, source),
    ...Object.fromEntries(TOTALLED.map((by) => [by, accuracySlice(db, {}, metric, by, undefined, source === 'cells' ? 'cells' : undefined)])),
  };
}

/** The totals answer every metric exactly as the cells do: the same sums per item group, so the same figures and intervals to the last digit. */
function expectTotalsAnswerAsCells(db: Db, metrics: readonly Metric[] = METRICS): void {
  expect(db.prepare('SELECT count(*) FROM accuracy_cell_totals').pluck().get()).toBeGreaterThan(0);
  for (const metric of metrics) expect(answers(db, metric, 'totals'), metric).toEqual(answers(db, metric, 'cells'));
  // Intervals and several rows are really there to compare.
  const s = fvaStairstep(db, {}, 'wape');
  expect(s.steps).toHaveLength(4);
  expect(s.steps[3]!.ci).not.toBeNull();
  expect(accuracySlice(db, {}, 'wape', 'period').rows.length).toBeGreaterThan(1);
}

/** Fractional numbers to 10 significant digits: a cold build may write a run's cells in another order, and so add them in another. */
const rounded = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v));
const totalsRows = (db: Db, round = true) => {
  const rows = db.prepare('SELECT * FROM accuracy_cell_totals').raw().all();
  return (round ? (rounded(rows) as unknown[][]) : rows).map((r) => JSON.stringify(r)).sort();
};

describe('the cells’ totals, on the demo workbook kept incrementally', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let ctx: BackendContext;
  let items: string[];
  const importLines = (name: string, lines: string[], options: Parameters<typeof importFile>[2]) => importFile(ctx, writeLines(t.dir, name, lines), options);
  const expectCurrent = async (metrics?: readonly Metric[]) => {
    ensureAccuracyCube(db);
    expectTotalsAnswerAsCells(db, metrics);
    expect(totalsRows(db)).toEqual(await coldCubeOf(db, t.dir, totalsRows));
  };

  beforeAll(async () => {
    t = tempDir('fwb-acc-cell-totals-');
    const path = join(t.dir, 'demo.sqlite');
    db = (await openWorkbook(path, { now: FIXED_NOW })).db;
    generateDemo(db, { items: 120, seed: 7 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: join(t.dir, 'staging') };
    items = db.prepare('SELECT item_id FROM items ORDER BY item_key').pluck().all() as string[];
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('answers as the cells do after the first build, and an unfiltered call reads no cell', async () => {
    await expectCurrent();
    const prepare = vi.spyOn(db, 'prepare');
    try {
      fvaStairstep(db, {}, 'mape');
      for (const by of TOTALLED) accuracySlice(db, {}, 'mase', by);
      const sql = prepare.mock.calls.map(([s]) => s);
      expect(sql.filter((s) => /\baccuracy_cells\b/.test(s))).toEqual([]);
      expect(sql.filter((s) => /\baccuracy_cell_totals\b/.test(s))).toHaveLength(6);
      // A filter reads the cells, as before.
      prepare.mockClear();
      fvaStairstep(db, { lag: 1 }, 'wape');
      accuracySlice(db, { lag: 1 }, 'wape', 'category');
      expect(prepare.mock.calls.map(([s]) => s).filter((s) => /\baccuracy_cell_totals\b/.test(s))).toEqual([]);
    } finally {
      prepare.mockRestore();
    }
  }, 60_000);

  it('after a decision, its undo, an actuals import that scores it, a new run, and both imports undone', async () => {
    const line = db
      .prepare(
        `SELECT fl.line_id AS lineId, fl.run_id AS runId, fl.quantity, i.item_id AS itemId, i.owner_id AS owner FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key
          WHERE fl.period = 20261201 AND fl.run_id = (SELECT max(run_id) FROM forecast_runs) AND i.owner_id IS NOT NULL ORDER BY fl.line_id LIMIT 1`,
      )
      .get() as { lineId: number; runId: number; quantity: number; itemId: string; owner: string };
    await signInAs(ctx, { userId: line.owner });
    const decide = () => ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity + 40, reasonCode: 'promotion', comment: 'Order in hand' });
    const some = ['wape', 'mape', 'mase'] as const;
    await decide();
    await expectCurrent(some);
    await ok(ctx, 'undoLastDecision', { runId: line.runId });
    await expectCurrent(some);
    await decide();

    const before = fvaStairstep(db, {}, 'wape');
    const out = await importLines('next.csv', ['item_id,period,actual', ...items.map((id, i) => `${id},2026-11-01,${(i * 7) % 53}`), `${line.itemId},2026-12-01,77`], { kind: 'actuals', user: 'sam.taylor' });
    await expectCurrent(some);
    // The new actuals moved the figures: the totals followed.
    expect(fvaStairstep(db, {}, 'wape').n).toBeGreaterThan(before.n);

    const run = await importLines('run.csv', ['item_id,period,forecast', ...items.slice(0, 50).flatMap((id, i) => [`${id},2026-11-01,${10 + i}`, `${id},2026-12-01,${11 + i}`])], {
      kind: 'forecasts',
      origin: '2026-10-01',
      model: 'Challenger',
      user: 'sam.taylor',
    });
    await expectCurrent(some);
    expect(db.prepare('SELECT count(*) FROM accuracy_cells WHERE run_id = (SELECT max(run_id) FROM forecast_runs)').pluck().get()).toBeGreaterThan(0);
    // A run undone takes its cells with it by cascade, outside any refresh: the totals are rewritten at the next.
    const withRun = totalsRows(db, false);
    db.prepare('UPDATE drift_alerts SET resolved_at = ? WHERE resolved_at IS NULL').run(FIXED_NOW().toISOString());
    undoImportBatch(db, run.batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() });
    await expectCurrent(some);
    expect(totalsRows(db, false)).not.toEqual(withRun);
    undoImportBatch(db, out.batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() });
    await expectCurrent(some);
  }, 180_000);
});

describe('the cells’ totals, on the bench’s generated workbook', () => {
  const t = tempDir('fwb-acc-cell-totals-gen-');
  const path = join(t.dir, 'generated.sqlite');
  let db: Db;
  beforeAll(async () => {
    db = await generatedAccuracyWorkbook(path, 400);
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('answers as the cells do, sales inputs and several models included', async () => {
    expect(db.prepare("SELECT count(*) FROM accuracy_cell_totals WHERE slice = 'sales'").pluck().get()).toBeGreaterThan(0);
    expectTotalsAnswerAsCells(db);
    expect(totalsRows(db)).toEqual(await coldCubeOf(db, t.dir, totalsRows));
  }, 60_000);

  it('is filled by migration 021, on a workbook of the schema before it with its cube current, exactly as the refresh writes it', async () => {
    const written = totalsRows(db, false);
    const answer = answers(db, 'wape', 'totals');
    // The workbook as schema 20 left it: no totals table.
    db.exec('DROP TABLE accuracy_cell_totals');
    db.pragma('user_version = 20');
    db.close();
    db = (await openWorkbook(path, { now: FIXED_NOW })).db;
    expect(db.pragma('user_version', { simple: true })).toBe(21);
    expect(totalsRows(db, false)).toEqual(written);
    // The cube was current and stays so: nothing rebuilt, the totals as the migration filled them, the answers the same.
    expect(ensureAccuracyCube(db)).toBe(0);
    expect(answers(db, 'wape', 'totals')).toEqual(answer);
    writeCellTotals(db);
    expect(totalsRows(db, false)).toEqual(written);
  });
});
