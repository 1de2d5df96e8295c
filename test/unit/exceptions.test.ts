import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { scoreSignals, volumeReference } from '../../electron/backend/exceptions/score';
import { ok } from '../helpers/api';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

const quiet = { line_id: 1, f: 100, lower: 90, upper: 110, si: null, run_rate: 100, history: 24, err_abs: 5, err_act: 100, drift: 0 };

describe('exception scores', () => {
  it('score nothing for a quiet line and name each signal that fires', () => {
    expect(scoreSignals(quiet)).toEqual({ lineId: 1, score: expect.any(Number), reasons: [] });
    expect(scoreSignals(quiet).score).toBeLessThan(5);

    const loud = scoreSignals({ ...quiet, si: 160, run_rate: 50, lower: 20, upper: 250, err_abs: 70, drift: 1 });
    expect(loud.reasons.map((r) => r.kind).sort()).toEqual(['drift', 'interval_width', 'recent_error', 'run_rate_jump', 'sales_input']);
    expect(loud.reasons.find((r) => r.kind === 'sales_input')!.value).toBeCloseTo(0.6);
    expect(loud.reasons.find((r) => r.kind === 'run_rate_jump')!.value).toBeCloseTo(1);
    expect(loud.score).toBeGreaterThan(80);
    expect(loud.score).toBeLessThanOrEqual(100);
    // Reasons come strongest first.
    const contributions = loud.reasons.map((r) => r.contribution);
    expect([...contributions].sort((a, b) => b - a)).toEqual(contributions);

    expect(scoreSignals({ ...quiet, history: 2, run_rate: null }).reasons).toEqual([{ kind: 'new_item', value: 2, contribution: 9.1 }]); // 10 of 110 points
    // A forecast below the sales input counts as much as one above it.
    expect(scoreSignals({ ...quiet, si: 60 }).score).toBeCloseTo(scoreSignals({ ...quiet, si: 140 }).score);
  });

  it('ranks a tiny intermittent line with a big jump below a large line with a moderate one, and says why', () => {
    // 3 units against a run-rate of 1.25 (+140 %), a wide interval, a poor recent record: loud in percent, small in units.
    const tiny = { line_id: 2, f: 3, lower: 0, upper: 11, si: null, run_rate: 1.25, history: 24, err_abs: 14, err_act: 10, drift: 0 };
    // 1 300 units against 1 000 (+30 %): a moderate jump of 300 units.
    const large = { line_id: 3, f: 1300, lower: 1150, upper: 1450, si: null, run_rate: 1000, history: 24, err_abs: 15, err_act: 100, drift: 0 };
    const reference = volumeReference([3, 3, 40, 120, 180, 250, 400, 1300]);
    const t = scoreSignals(tiny, reference);
    const l = scoreSignals(large, reference);
    expect(l.score).toBeGreaterThan(t.score);
    // The reasons stay truthful: the jump is still named with its percent and units, and the damping is named first.
    expect(t.reasons[0]).toMatchObject({ kind: 'low_volume', units: 3 });
    expect(t.reasons[0]!.value).toBeCloseTo(3 / reference);
    expect(t.reasons.find((r) => r.kind === 'run_rate_jump')).toMatchObject({ value: 1.4, units: 1.75 });
    // Contributions are points of the score as it stands; the damping names the points it took off.
    expect(t.reasons.filter((r) => r.kind !== 'low_volume').reduce((s, r) => s + r.contribution, 0)).toBeLessThanOrEqual(t.score + 0.1);
    expect(scoreSignals(tiny).score + t.reasons[0]!.contribution).toBeCloseTo(t.score, 0);
    // At or above the run's typical volume nothing is damped.
    expect(scoreSignals(large, reference)).toEqual(scoreSignals(large));
  });

  it('puts big-unit disagreements first in a real run’s worklist', async () => {
    const t = tempDir('fwb-exc-damp-');
    const { ctx, runId } = await smallWorkbook(t.dir);
    try {
      const at = FIXED_NOW().toISOString();
      const item = ctx.db.prepare('INSERT INTO items (item_id, name, category, abc_class) VALUES (?, ?, ?, ?)');
      const actual = ctx.db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)');
      const line = ctx.db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const tiny = Number(item.run('SKU-TINY', 'Spare gasket', 'Household', 'C').lastInsertRowid);
      const big = Number(item.run('SKU-BIG', 'Mineral Water 6x1.5l', 'Beverages', 'A').lastInsertRowid);
      // 18 months to June 2026: the tiny item sells 0–2 now and then, the big one 1 000 a month.
      const intermittent = [0, 2, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 2, 0, 0, 1, 0, 2];
      for (let m = 0; m < 18; m++) {
        const period = 20250101 + 10000 * Math.floor(m / 12) + 100 * (m % 12);
        actual.run(tiny, period, intermittent[m], at);
        actual.run(big, period, 1000, at);
      }
      for (let lag = 1; lag <= 3; lag++) {
        line.run(runId, tiny, 20260601 + 100 * lag, lag, 3, 0, 11); // +200 % against a run-rate of 1: loud in percent, 2 units
        line.run(runId, big, 20260601 + 100 * lag, lag, 1350, 1200, 1500); // +35 %: 350 units
      }
      // Through dispatch, which brings the run's scores current before the page is read.
      const rows = (await ok(ctx, 'getRunLines', { runId, limit: 100 })).rows;
      const rank = (itemId: string) => rows.findIndex((r) => r.itemId === itemId);
      expect(rows[rank('SKU-TINY')]!.exceptionReasons.map((r) => r.kind)).toEqual(expect.arrayContaining(['low_volume', 'run_rate_jump']));
      expect(rank('SKU-BIG')).toBe(0);
      expect(rank('SKU-TINY')).toBeGreaterThan(rank('SKU-BIG'));
      const topTiny = rows.find((r) => r.itemId === 'SKU-TINY')!.exceptionScore;
      const bigs = rows.filter((r) => r.itemId === 'SKU-BIG').map((r) => r.exceptionScore);
      expect(Math.min(...bigs)).toBeGreaterThan(topTiny);
    } finally {
      ctx.db.close();
      t.cleanup();
    }
  });

  describe('on the demo workbook', () => {
    const t = tempDir('fwb-exc-');
    let ctx: BackendContext;
    let runId: number;
    beforeAll(async () => {
      const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
      runId = generateDemo(db, { items: 60, seed: 11 }).currentRunId;
      ctx = { db, path: join(t.dir, 'demo.sqlite'), now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    });
    afterAll(() => {
      ctx.db.close();
      t.cleanup();
    });
    const page = (req: object) => ok(ctx, 'getRunLines', { runId, ...req });

    it('lists the worklist highest exception first by default', async () => {
      const rows = (await page({ limit: 2000 })).rows;
      const scores = rows.map((r) => r.exceptionScore);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]).toBeGreaterThan(scores.at(-1)!);
      expect(rows[0]!.exceptionReasons.length).toBeGreaterThan(0);
    });

    it('flags lines whose sales input disagrees, and recomputes when a new sales input arrives', async () => {
      const line = (await page({ sort: { column: 'exception', direction: 'asc' }, limit: 1 })).rows[0]!;
      expect(line.exceptionReasons.some((r) => r.kind === 'sales_input')).toBe(false);
      const before = line.exceptionScore;
      const key = ctx.db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck().get(line.itemId);
      const period = Number(line.period.replaceAll('-', ''));
      ctx.db.prepare('UPDATE sales_inputs SET superseded_at = ? WHERE item_key = ? AND period = ? AND superseded_at IS NULL').run('2026-11-01', key, period);
      ctx.db
        .prepare("INSERT INTO sales_inputs (item_key, period, quantity, source, recorded_at) VALUES (?, ?, ?, 'rep:test', '2026-11-01')")
        .run(key, period, line.quantity * 3 + 10);
      const after = (await page({ filter: { text: line.itemId }, limit: 50 })).rows.find((r) => r.lineId === line.lineId)!;
      expect(after.exceptionScore).toBeGreaterThan(before);
      // The strongest signal now; a small line says first that its signals are damped.
      expect(after.exceptionReasons.find((r) => r.kind !== 'low_volume')).toMatchObject({ kind: 'sales_input' });
    });
  });
});
