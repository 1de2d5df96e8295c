// The override slices rolled up (migration 012, accuracy/override-rollup.ts,
// issue 14): planner, reason, direction, size and the direction × size table
// answer from the rollup exactly what they answer from the override cells
// themselves (the oracle), for every metric and filter, intervals included; and
// the rollup kept in the same incremental refresh as the cells equals the one a
// cold build makes, after decisions, an undo, an actuals import, a new run and
// an import undone. On the demo workbook and on the bench's generated one.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { accuracySlice, directionSizeTable } from '../../electron/backend/accuracy/slices';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import { METRICS, type AccuracyFilter } from '../../shared/accuracy';
import { periodFromKey } from '../../shared/period';
import { writeLines } from '../fixtures/import/v_harness';
import { ok } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { coldCubeOf, generatedAccuracyWorkbook } from '../helpers/accuracy-cold';

const OVERRIDE_SLICES = ['planner', 'reason', 'direction', 'size'] as const;

/** Fractional numbers to 10 significant digits: a cold build may add a cell's lines in another order. */
const rounded = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v));

/**
 * The paths where two answers differ: counts and text exactly, fractions to 1e-9
 * relative (the rollup adds the same cells, in partial sums first).
 */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b ? [] : [`${path}: ${a} ≠ ${b}`];
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}

/** Filters the rollup serves (run, model, lag, periods) and one it leaves to the cells (category). */
function filtersOf(db: Db): AccuracyFilter[] {
  const run = db.prepare('SELECT run_id, model_name FROM forecast_runs WHERE run_id IN (SELECT run_id FROM accuracy_override_cells) ORDER BY run_id DESC LIMIT 1').get() as { run_id: number; model_name: string };
  const span = db.prepare('SELECT min(period) AS lo, max(period) AS hi FROM accuracy_override_cells').get() as { lo: number; hi: number };
  const category = db.prepare('SELECT category FROM accuracy_override_cells WHERE category IS NOT NULL LIMIT 1').pluck().get() as string;
  return [{}, { lag: 1 }, { runId: run.run_id }, { model: run.model_name, fromPeriod: periodFromKey(span.lo), toPeriod: periodFromKey(span.hi - 100) }, { category }];
}

/** Every override slice and the direction × size table, from the rollup and from the cells, side by side. */
function expectRollupAnswersAsCells(db: Db, everyMetric: boolean): void {
  expect(db.prepare('SELECT count(*) FROM accuracy_override_rollup').pluck().get()).toBeGreaterThan(0);
  for (const [f, filter] of filtersOf(db).entries()) {
    // Every metric over everything once; else one of each kind of count (every line, actual above 0, a MASE scale), under the filters WAPE.
    for (const metric of f === 0 ? (everyMetric ? METRICS : (['wape', 'mape', 'mase'] as const)) : (['wape'] as const)) {
      for (const by of OVERRIDE_SLICES) {
        const where = `${by} ${metric} ${JSON.stringify(filter)}`;
        expect(differences(accuracySlice(db, filter, metric, by, undefined, 'rollup'), accuracySlice(db, filter, metric, by, undefined, 'cells'), where)).toEqual([]);
      }
      expect(differences(directionSizeTable(db, filter, metric, undefined, 'rollup'), directionSizeTable(db, filter, metric, undefined, 'cells'), `direction × size ${metric}`)).toEqual([]);
    }
  }
  // Intervals and both kinds of row are really there to compare.
  const planner = accuracySlice(db, {}, 'wape', 'planner');
  expect(planner.rows.length).toBeGreaterThan(1);
  expect(planner.rows.some((r) => r.ci !== null)).toBe(true);
}

/** The rollup's rows and its totals over every run, period and lag (migration 019), as sorted text. */
const rollupRows = (db: Db) =>
  ['accuracy_override_rollup', 'accuracy_override_totals'].flatMap((table) => (rounded(db.prepare(`SELECT '${table}', * FROM ${table}`).raw().all()) as unknown[][]).map((r) => JSON.stringify(r))).sort();

describe('the override slices rolled up, on the demo workbook kept incrementally', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let ctx: BackendContext;
  let items: string[];
  const importLines = (name: string, lines: string[], options: Parameters<typeof importFile>[2]) => importFile(ctx, writeLines(t.dir, name, lines), options);
  const expectCurrent = async (everyMetric = false) => {
    ensureAccuracyCube(db);
    expectRollupAnswersAsCells(db, everyMetric);
    expect(rollupRows(db)).toEqual(await coldCubeOf(db, t.dir, rollupRows));
  };

  beforeAll(async () => {
    t = tempDir('fwb-acc-rollup-');
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

  it('answers as the cells do after the first build', async () => {
    await expectCurrent(true);
  }, 60_000);

  it('after a decision, its undo, the decision again, an actuals import that scores it, a new run, and the import undone', async () => {
    // A line whose actual is not known yet (a decision made later would be made with hindsight); its actual comes in below.
    const line = db
      .prepare(
        `SELECT fl.line_id AS lineId, fl.run_id AS runId, fl.quantity, i.item_id AS itemId, i.owner_id AS owner FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key
          WHERE fl.period = 20261201 AND fl.run_id = (SELECT max(run_id) FROM forecast_runs) AND i.owner_id IS NOT NULL ORDER BY fl.line_id LIMIT 1`,
      )
      .get() as { lineId: number; runId: number; quantity: number; itemId: string; owner: string };
    await signInAs(ctx, { userId: line.owner });
    const decide = () => ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity + 40, reasonCode: 'promotion', comment: 'Order in hand' });
    await decide();
    await expectCurrent();
    await ok(ctx, 'undoLastDecision', { runId: line.runId });
    await expectCurrent();
    await decide();
    const rollupOfLine = () => db.prepare("SELECT count(*) FROM accuracy_override_rollup WHERE run_id = ? AND period = 20261201 AND slice = 'reason' AND reason_code = 'promotion'").pluck().get(line.runId);
    expect(rollupOfLine()).toBe(0);

    const out = await importLines('next.csv', ['item_id,period,actual', ...items.map((id, i) => `${id},2026-11-01,${(i * 7) % 53}`), `${line.itemId},2026-12-01,77`], { kind: 'actuals', user: 'sam.taylor' });
    await expectCurrent();
    expect(rollupOfLine()).toBeGreaterThan(0);

    const run = await importLines('run.csv', ['item_id,period,forecast', ...items.slice(0, 50).flatMap((id, i) => [`${id},2026-11-01,${10 + i}`, `${id},2026-12-01,${11 + i}`])], {
      kind: 'forecasts',
      origin: '2026-10-01',
      model: 'Challenger',
      user: 'sam.taylor',
    });
    await expectCurrent();
    db.prepare('UPDATE drift_alerts SET resolved_at = ? WHERE resolved_at IS NULL').run(FIXED_NOW().toISOString());
    undoImportBatch(db, out.batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() });
    await expectCurrent();
    expect(rollupOfLine()).toBe(0);
    // A run undone takes its rollup rows (if any) with it by cascade, outside any refresh: the totals over every run are rewritten at the next.
    undoImportBatch(db, run.batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() });
    await expectCurrent();
  }, 180_000);
});

describe('the override slices rolled up, on the bench’s generated workbook', () => {
  const t = tempDir('fwb-acc-rollup-gen-');
  let db: Db;
  beforeAll(async () => {
    const path = join(t.dir, 'generated.sqlite');
    db = await generatedAccuracyWorkbook(path, 400);
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('answers as the cells do, imported history and pending overrides included', async () => {
    expect(db.prepare("SELECT count(DISTINCT decided_by) FROM accuracy_override_rollup WHERE slice = 'planner'").pluck().get()).toBeGreaterThan(1);
    expectRollupAnswersAsCells(db, true);
    expect(rollupRows(db)).toEqual(await coldCubeOf(db, t.dir, rollupRows));
  }, 60_000);

});
