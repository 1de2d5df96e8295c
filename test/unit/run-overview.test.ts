// The run overview (Review's first call when a run opens) at scale: its totals
// are kept while the run's lines, the history and the items stand still, so a
// decision, which changes none of them, costs no second read of a 1M-line run;
// and whatever does change them shows at once, on every path into the file.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import type { RunOverview } from '../../shared/domain';
import { smallWorkbook, tempDir } from '../helpers/workbook';

describe('the run overview', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  beforeEach(async () => {
    t = tempDir();
    ({ ctx, runId } = await smallWorkbook(t.dir));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    ctx.db.close();
    t.cleanup();
  });

  const overview = async (): Promise<RunOverview> => {
    const r = await dispatch(ctx, 'getRunOverview', { runId, historyBuckets: 6 });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as RunOverview;
  };

  /** The statements prepared while `f` runs that read the run's forecast lines or the actuals. */
  async function readsDuring(f: () => Promise<unknown>): Promise<string[]> {
    const prepared: string[] = [];
    const original = ctx.db.prepare.bind(ctx.db);
    const spy = vi.spyOn(ctx.db, 'prepare').mockImplementation(((sql: string) => {
      prepared.push(sql);
      return original(sql);
    }) as typeof ctx.db.prepare);
    await f();
    spy.mockRestore();
    return prepared.filter((sql) => /\b(forecast_lines|actuals)\b/.test(sql));
  }

  it('after a decision answers without reading the run’s lines or the history again, with the same figures', async () => {
    const first = await overview();
    await dispatch(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const line = ctx.db.prepare('SELECT min(line_id) FROM forecast_lines WHERE run_id = ?').pluck().get(runId) as number;
    expect(await dispatch(ctx, 'decideLine', { lineId: line, action: 'override', quantity: 5, reasonCode: 'promotion', comment: 'promo' })).toMatchObject({ ok: true });
    let again: RunOverview | undefined;
    expect(await readsDuring(async () => void (again = await overview()))).toEqual([]);
    expect(again).toEqual(first);
  });

  it('shows an actual another program adds, and a new import’s run lines, at once', async () => {
    const before = await overview();
    const june = before.history.at(-1)!;
    // Another program (the sqlite3 shell, a script) supersedes SKU-1's June actual with 1000 more.
    ctx.db.exec(`UPDATE actuals SET superseded_at = 'now' WHERE superseded_at IS NULL AND period = 20260601 AND item_key = (SELECT item_key FROM items WHERE item_id = 'SKU-1');
      INSERT INTO actuals (item_key, period, quantity, recorded_at)
        SELECT a.item_key, a.period, a.quantity + 1000, 'now' FROM actuals a JOIN items i USING (item_key) WHERE i.item_id = 'SKU-1' AND a.period = 20260601 AND a.superseded_at = 'now';`);
    const after = await overview();
    expect(after.history.at(-1)).toEqual({ ...june, actual: june.actual + 1000 });
    // A line a month further out added to the run moves the forecast totals too.
    ctx.db
      .prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) SELECT run_id, item_key, period + 100, 4, 7 FROM forecast_lines WHERE run_id = ? ORDER BY period DESC LIMIT 1')
      .run(runId);
    // And one more in the same month at another lag (two lags in one period: the lowest is the period's).
    ctx.db
      .prepare(
        `INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity)
         SELECT run_id, (SELECT min(item_key) FROM items WHERE item_key <> l.item_key), period, 5, 9 FROM forecast_lines l WHERE run_id = ? AND lag = 4`,
      )
      .run(runId);
    const moved = await overview();
    expect(moved.lags).toEqual([...before.lags, 4, 5]);
    expect(moved.forecast.slice(0, -1)).toEqual(before.forecast);
    expect(moved.forecast.at(-1)).toMatchObject({ lag: 4, quantity: 7 + 9, lines: 2 });
  });
});
