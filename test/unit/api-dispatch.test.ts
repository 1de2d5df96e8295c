import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import type { ForecastLinePage, ForecastRunSummary, RunOverview, WorkbookInfo } from '../../shared/domain';
import { smallWorkbook, tempDir } from '../helpers/workbook';

describe('the API dispatcher', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  beforeEach(async () => {
    t = tempDir();
    ({ ctx, runId } = await smallWorkbook(t.dir));
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('answers an unknown method and malformed payloads with typed errors, never a throw', async () => {
    expect(await dispatch(ctx, 'dropAllTables', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await dispatch(ctx, { evil: true }, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const bad = await dispatch(ctx, 'getRunLines', { runId: 'x; DROP TABLE items', limit: 10 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', issues: [expect.objectContaining({ path: 'runId' })] } });
    expect(await dispatch(ctx, 'getRunLines', { runId, limit: 1_000_000 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await dispatch(ctx, 'getRunLines', { runId, sort: { column: 'quantity; DROP TABLE items', direction: 'asc' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await dispatch(ctx, 'getWorkbookInfo', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await dispatch(ctx, 'getRunLines', { runId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(ctx.db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(3);
  });

  it('refuses a malformed accuracy request field by field, in words, and fills in its defaults', async () => {
    // The accuracy requests have schemas of their own (shared/contract-accuracy.ts, zod's mini API): the same checks as every other method's.
    const issuesOf = async (payload: unknown) => {
      const r = await dispatch(ctx, 'getAccuracySlice', payload);
      expect(r.ok).toBe(false);
      return (r as { error: { code: string; issues: { path: string; message: string }[] } }).error;
    };
    const cases: [unknown, string, RegExp][] = [
      [{ by: 'lag', filter: { runId: 1.5 } }, 'filter.runId', /int/i],
      [{ by: 'lag', filter: { runId: 0 } }, 'filter.runId', />0|positive|too small/i],
      [{ by: 'lag', filter: { lag: -1 } }, 'filter.lag', />=0|too small/i],
      [{ by: 'lag', filter: { fromPeriod: '2026-02-30' } }, 'filter.fromPeriod', /expected a real date as YYYY-MM-DD/],
      [{ by: 'lag', filter: { model: '' } }, 'filter.model', /too small|>=1/i],
      [{ by: 'lag', filter: { abcClass: 'D' } }, 'filter.abcClass', /"A"\|"B"\|"C"|option/i],
      [{ by: 'lag', filter: { shop: 'x' } }, 'filter', /unrecognized key.*shop/i],
      [{ by: 'nonsense' }, 'by', /invalid/i],
      [{ by: 'attr:' }, 'by', /invalid/i],
      [{ by: 'lag', metric: 'accuracy' }, 'metric', /wape/],
      [{ by: 'lag', shop: 1 }, '(request)', /unrecognized key.*shop/i],
    ];
    for (const [payload, path, message] of cases) {
      const error = await issuesOf(payload);
      expect(error.code, JSON.stringify(payload)).toBe('INVALID_REQUEST');
      expect(error.issues, JSON.stringify(payload)).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
    }
    // Left out: every line, WAPE.
    const answered = await dispatch(ctx, 'getAccuracySlice', { by: 'lag' });
    expect(answered).toMatchObject({ ok: true, value: { metric: 'wape', by: 'lag' } });
    expect(await dispatch(ctx, 'getAccuracyOverview', {})).toMatchObject({ ok: true, value: { stairstep: { metric: 'wape' } } });
  });

  it('describes the workbook', async () => {
    const result = await dispatch(ctx, 'getWorkbookInfo', {});
    expect(result.ok).toBe(true);
    const info = (result as { value: WorkbookInfo }).value;
    expect(info).toMatchObject({ name: 'small', grain: 'month', currentRunId: runId, lastActualPeriod: '2026-06-01' });
    expect(info.counts).toMatchObject({ items: 3, runs: 1, forecastLines: 9, actuals: 54 });
  });

  it('lists runs newest origin first, with their size and horizon', async () => {
    const empty = ctx.db
      .prepare("INSERT INTO forecast_runs (model_name, origin, grain, created_at) VALUES ('Empty', 20250101, 'month', 'now')")
      .run().lastInsertRowid;
    const result = (await dispatch(ctx, 'listRuns', {})) as { value: { runs: ForecastRunSummary[] } };
    expect(result.value.runs).toEqual([
      expect.objectContaining({ runId, modelName: 'TestModel', modelVersion: '1.0', origin: '2026-06-01', lines: 9, items: 3, firstPeriod: '2026-07-01', lastPeriod: '2026-09-01', intervalLevel: 80 }),
      expect.objectContaining({ runId: Number(empty), origin: '2025-01-01', lines: 0, items: 0, firstPeriod: null, lastPeriod: null }),
    ]);
  });

  it('pages, sorts and filters a run’s lines in the backend', async () => {
    const page = async (req: object) => ((await dispatch(ctx, 'getRunLines', { runId, ...req })) as { value: ForecastLinePage }).value;
    // Exceptions first unless asked otherwise.
    const byDefault = await page({});
    expect(byDefault.rows.map((r) => r.exceptionScore)).toEqual([...byDefault.rows.map((r) => r.exceptionScore)].sort((a, b) => b - a));
    const all = await page({ sort: { column: 'item', direction: 'asc' } });
    expect(all.total).toBe(9);
    expect(all.rows.map((r) => `${r.itemId}@${r.lag}`).slice(0, 4)).toEqual(['SKU-1@1', 'SKU-1@2', 'SKU-1@3', 'SKU-2@1']);
    expect(all.rows[0]).toMatchObject({ itemName: 'Sparkling Water 12x330ml', category: 'Beverages', period: '2026-07-01', quantity: 121, lower: 121 * 0.8, upper: 121 * 1.25 });
    // Undecided lines carry the model quantity as their plan; the seeded policy freezes nothing.
    expect(all.rows[0]).toMatchObject({ status: 'undecided', finalQuantity: 121, planSource: 'model', frozen: false, freezeLags: 0, salesInput: null });
    expect((await page({ filter: { status: 'undecided' } })).total).toBe(9);
    expect((await page({ filter: { status: 'decided' } })).total).toBe(0);

    const byQuantityDesc = await page({ sort: { column: 'quantity', direction: 'desc' }, limit: 2, offset: 1 });
    expect(byQuantityDesc.rows.map((r) => r.quantity)).toEqual([322, 321]);
    expect(byQuantityDesc.total).toBe(9);

    expect((await page({ filter: { category: 'Snacks' } })).rows.every((r) => r.itemId === 'SKU-2')).toBe(true);
    expect((await page({ filter: { lag: 2 } })).total).toBe(3);
    expect((await page({ filter: { owner: 'ana' } })).total).toBe(6);
    expect((await page({ filter: { text: 'crisps' } })).total).toBe(3);
    expect((await page({ filter: { text: '%' } })).total).toBe(0); // LIKE wildcards are literal
  });

  it('gives a run overview of history and forecast totals', async () => {
    const result = (await dispatch(ctx, 'getRunOverview', { runId, historyBuckets: 6 })) as { value: RunOverview };
    expect(result.value.history.map((h) => h.period)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01']);
    // June 2026 is month 17 of the fixture: 100k + 17 for k = 1..3.
    expect(result.value.history.at(-1)).toEqual({ period: '2026-06-01', actual: 100 + 200 + 300 + 3 * 17, items: 3 });
    expect(result.value.forecast[0]).toEqual({ period: '2026-07-01', lag: 1, quantity: 121 + 221 + 321, lines: 3 });
    expect(result.value.categories).toEqual(['Beverages', 'Household', 'Snacks']);
    expect(result.value.lags).toEqual([1, 2, 3]);
  });
});
