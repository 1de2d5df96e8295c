import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { ItemDetail } from '../../shared/domain';
import { periodFromKey } from '../../shared/period';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('item detail', () => {
  const t = tempDir('fwb-item-');
  let ctx: BackendContext;
  let runId: number;
  beforeAll(async () => {
    const { db } = await openWorkbook(join(t.dir, 'demo.sqlite'), { now: FIXED_NOW });
    runId = generateDemo(db, { items: 40, seed: 5 }).currentRunId;
    ctx = { db, path: join(t.dir, 'demo.sqlite'), now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  const detail = async (itemId: string) => (await dispatch(ctx, 'getItemDetail', { runId, itemId })) as { ok: boolean; value: ItemDetail; error?: { code: string } };

  it('brings history, the run’s forecast, earlier runs against actuals, and key figures that add up', async () => {
    const itemId = ctx.db.prepare("SELECT i.item_id FROM items i WHERE i.introduced_period IS NULL ORDER BY i.item_id LIMIT 1").pluck().get() as string;
    const { value: d } = await detail(itemId);
    expect(d.item.itemId).toBe(itemId);
    expect(d.origin).toBe('2026-10-01');
    expect(d.history.length).toBe(42);
    expect(d.history.at(-1)!.period).toBe('2026-10-01');
    expect(d.forecast.map((f) => f.lag)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.forecast.every((f) => f.lower! <= f.quantity && f.quantity <= f.upper!)).toBe(true);
    expect(d.earlierRuns).toHaveLength(6);
    expect(d.earlierRuns[0]!.origin).toBe('2026-09-01');

    const sum = (n: number, skip = 0) => d.history.slice(-n - skip, d.history.length - skip).reduce((s, h) => s + h.actual, 0);
    expect(d.figures.last3).toBeCloseTo(sum(3));
    expect(d.figures.last12).toBeCloseTo(sum(12));
    expect(d.figures.prior12).toBeCloseTo(sum(12, 12));

    // The model's recent error, recomputed by hand from the earlier runs' lines.
    const known = d.earlierRuns.flatMap((r) => r.lines).filter((l) => l.actual !== null);
    const wape = (100 * known.reduce((s, l) => s + Math.abs(l.quantity - l.actual!), 0)) / known.reduce((s, l) => s + l.actual!, 0);
    expect(d.figures.modelRecentLines).toBe(known.length);
    expect(d.figures.modelRecentWape).toBeCloseTo(wape);
    // Overridden lines show a final plan different from the model.
    for (const l of d.earlierRuns.flatMap((r) => r.lines)) expect(l.overridden).toBe(l.final !== l.quantity);
  });

  it('shows earlier runs’ final plans as the journal made them: effective overrides, not pending or rejected ones', async () => {
    // An item with an effective override on an earlier run, and the quantity that override set.
    const effective = ctx.db
      .prepare(
        `SELECT i.item_id AS itemId, l.period, d.quantity FROM decisions d JOIN forecast_lines l ON l.line_id = d.line_id JOIN items i ON i.item_key = l.item_key
          WHERE d.action = 'override' AND d.status = 'final' AND l.run_id <> ?
            AND NOT EXISTS (SELECT 1 FROM decisions later WHERE later.line_id = d.line_id AND later.decision_id > d.decision_id)
          ORDER BY d.decision_id DESC LIMIT 1`,
      )
      .get(runId) as { itemId: string; period: number; quantity: number };
    const { value: d } = await detail(effective.itemId);
    const shown = d.earlierRuns.flatMap((r) => r.lines).filter((l) => l.period === periodFromKey(effective.period) && l.overridden);
    expect(shown.map((l) => l.final)).toContain(effective.quantity);
  });

  it('answers NOT_FOUND for an unknown item or run', async () => {
    expect((await detail('NOPE')).error?.code).toBe('NOT_FOUND');
    expect(await dispatch(ctx, 'getItemDetail', { runId: 999, itemId: 'SKU-10001' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
