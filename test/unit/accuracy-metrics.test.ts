// The accuracy engine against figures computed by hand (SPEC §3): four lines of
// two items, with a zero actual (MAPE leaves it out), a line where forecast and
// actual are both 0 (sMAPE scores 0), a constant history (MASE has no scale),
// an override, a superseded actual, and a pending override that must not count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { ensureAccuracyCube, seasonsBackSql } from '../../electron/backend/accuracy/cube';
import { fvaStairstep } from '../../electron/backend/accuracy/stairstep';
import { accuracySlice, directionSizeTable, sourceRanking } from '../../electron/backend/accuracy/slices';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { sizeBucketOf } from '../../shared/accuracy';
import { tempDir, FIXED_NOW } from '../helpers/workbook';

let cleanup: () => void;
let db: Db;
const at = FIXED_NOW().toISOString();

/** yyyymmdd of a month in 2025–2026, month 1 = Jan 2025. */
const month = (i: number) => (2025 + Math.floor((i - 1) / 12)) * 10000 + (((i - 1) % 12) + 1) * 100 + 1;

async function handMadeWorkbook(): Promise<Db> {
  const t = tempDir('fwb-acc-');
  cleanup = t.cleanup;
  const { db } = await openWorkbook(`${t.dir}/acc.sqlite`, { now: FIXED_NOW });
  db.transaction(() => {
    db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('ana', 'Ana', 'planner', ?), ('max', 'Max', 'manager', ?)").run(at, at);
    db.prepare("INSERT INTO items (item_key, item_id, name, category, abc_class, owner_id) VALUES (1, 'X', 'Item X', 'C1', 'A', 'ana'), (2, 'Y', 'Item Y', 'C2', 'B', 'ana')").run();
    const actual = db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?)');
    // X: 10 a month, but Jul 2025 = 12, Aug 2025 = 8 and the origin's month (Jun 2026) = 20.
    for (let i = 1; i <= 18; i++) actual.run(1, month(i), i === 7 ? 12 : i === 8 ? 8 : i === 18 ? 20 : 10, at, null);
    actual.run(1, 20260701, 99, at, at); // superseded by the 30 below
    actual.run(1, 20260701, 30, at, null);
    actual.run(1, 20260801, 0, at, null);
    // Y: a flat 2 (the seasonal naive's in-sample error is 0: no MASE scale).
    for (let i = 1; i <= 18; i++) actual.run(2, month(i), 2, at, null);
    actual.run(2, 20260701, 0, at, null);
    actual.run(2, 20260801, 2, at, null);

    db.prepare("INSERT INTO forecast_runs (run_id, model_name, model_version, origin, grain, interval_level, created_at) VALUES (1, 'M', '1', 20260615, 'month', 80, ?)").run(at);
    const line = db.prepare('INSERT INTO forecast_lines (line_id, run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, 1, ?, ?, ?, ?, ?, ?)');
    line.run(1, 1, 20260701, 1, 25, 20, 30); // actual 30: inside, on the bound
    line.run(2, 1, 20260801, 2, 5, 1, 9); // actual 0: outside
    line.run(3, 2, 20260701, 1, 0, null, null);
    line.run(4, 2, 20260801, 2, 4, 3, 6); // actual 2: outside
    db.prepare("INSERT INTO sales_inputs (item_key, period, quantity, recorded_at) VALUES (1, 20260701, 35, ?)").run(at);
    const decide = db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) VALUES (?, ?, ?, ?, ?, 'ana', ?, ?)");
    decide.run(1, 'override', 28, 'override', 'promotion', at, 'final'); // up 12 %: the 10–20 % bucket
    decide.run(2, 'accept', null, 'model', null, at, 'final');
    decide.run(4, 'override', 40, 'override', 'promotion', at, 'pending_approval'); // not in force: the plan stays 4
  })();
  rebuildLineState(db);
  return db;
}

beforeEach(async () => {
  db = await handMadeWorkbook();
  ensureAccuracyCube(db);
});
afterEach(() => {
  db.close();
  cleanup();
});

describe('metrics computed by hand', () => {
  // Lines (actual, model, final, naive, seasonal naive):
  //   X Jul (30, 25, 28, 20, 12)   X Aug (0, 5, 5, 20, 8)   Y Jul (0, 0, 0, 2, 2)   Y Aug (2, 4, 4, 2, 2)
  const expected = {
    mae: 3, // (5 + 5 + 0 + 2) / 4
    wape: 37.5, // 12 / 32
    bias: 6.25, // (−5 + 5 + 0 + 2) / 32
    mape: (500 / 30 + 100) / 2, // X Jul and Y Aug only: two zero actuals left out
    smape: ((200 * 5) / 55 + 200 + 0 + (200 * 2) / 6) / 4, // Y Jul: F = A = 0 scores 0
    mase: 3, // X only: scale = mean |A − A₋₁₂| up to Jun 2026 = 10 / 6; (5 + 5) / 2 / (10 / 6)
    rmse: Math.sqrt((25 + 25 + 0 + 4) / 4),
  } as const;

  for (const [metric, value] of Object.entries(expected)) {
    it(`${metric} of the model`, () => {
      const model = sourceRanking(db, {}, metric as keyof typeof expected).rows.find((r) => r.key === 'M');
      // n counts the lines the metric scored: MAPE leaves out the two zero actuals, MASE Y's two lines (no scale).
      expect(model?.n).toBe(metric === 'mape' || metric === 'mase' ? 2 : 4);
      expect(model?.excluded).toBe(metric === 'mape' || metric === 'mase' ? 2 : 0);
      expect(model?.value).toBeCloseTo(value, 9);
    });
  }

  it('reports how many zero actuals MAPE left out', () => {
    expect(fvaStairstep(db, {}, 'mape').excludedZeroActuals).toBe(2);
  });

  it('the stairstep: naive → seasonal naive → model → final, with FVA and line counts', () => {
    const s = fvaStairstep(db, {}, 'wape');
    expect(s.n).toBe(4);
    expect(s.steps.map((x) => x.source)).toEqual(['naive', 'seasonal_naive', 'model', 'final']);
    expect(s.steps.map((x) => x.value)).toEqual([100, 87.5, 37.5, 28.125]); // |e| sums 32, 28, 12, 9 over ΣA 32
    expect(s.steps.map((x) => x.fva)).toEqual([null, 12.5, 50, 9.375]);
    // Seasonal naive against naive: better on X Aug, worse on X Jul, the same on Y.
    expect([s.steps[1]!.improved, s.steps[1]!.worsened, s.steps[1]!.unchanged]).toEqual([1, 1, 2]);
    // The final plan differs from the model on X Jul only (Y Aug's override is pending).
    expect([s.steps[3]!.improved, s.steps[3]!.worsened, s.steps[3]!.unchanged]).toEqual([1, 0, 3]);
    // The sales input (X Jul only: 35 against 30) is as far off as the model (25).
    expect(s.salesInput).toMatchObject({ source: 'sales_input', n: 1, value: expect.closeTo((5 / 30) * 100, 9), fva: 0, improved: 0, worsened: 0, unchanged: 1 });
  });

  it('FVA of bias compares distance from zero', () => {
    const s = fvaStairstep(db, {}, 'bias');
    const model = s.steps[2]!;
    const final = s.steps[3]!;
    expect(model.value).toBeCloseTo(6.25, 9);
    expect(final.value).toBeCloseTo(((-2 + 5 + 0 + 2) / 32) * 100, 9);
    expect(final.fva).toBeCloseTo(Math.abs(model.value!) - Math.abs(final.value!), 9);
  });

  it('slices: only the override in force counts, in its direction and size bucket', () => {
    const bySize = accuracySlice(db, {}, 'wape', 'size');
    expect(bySize.overridesOnly).toBe(true);
    expect(bySize.rows).toEqual([expect.objectContaining({ key: '2', label: '10–20 %', n: 1, model: expect.closeTo((5 / 30) * 100, 9), final: expect.closeTo((2 / 30) * 100, 9), improved: 1 })]);
    expect(bySize.rows[0]!.fva).toBeCloseTo(10, 9);
    const cells = directionSizeTable(db, {}, 'wape').cells;
    expect(cells).toHaveLength(10);
    expect(cells.filter((c) => c.n > 0)).toEqual([expect.objectContaining({ direction: 'up', sizeBucket: 2, n: 1, improvedShare: 1 })]);
    const byPlanner = accuracySlice(db, {}, 'wape', 'planner');
    expect(byPlanner.rows.map((r) => [r.label, r.n])).toEqual([['Ana', 1]]);
    const byCategory = accuracySlice(db, {}, 'mae', 'category');
    expect(byCategory.rows.map((r) => [r.key, r.n, r.model, r.final])).toEqual([
      ['C1', 2, 5, 3.5],
      ['C2', 2, 1, 1],
    ]);
  });

  it('filters by lag and period', () => {
    expect(sourceRanking(db, { lag: 1 }, 'mae').rows.find((r) => r.key === 'M')).toMatchObject({ n: 2, value: 2.5 });
    expect(sourceRanking(db, { fromPeriod: '2026-08-01', toPeriod: '2026-08-01' }, 'mae').rows.find((r) => r.key === 'M')).toMatchObject({ n: 2, value: 3.5 });
  });

  it('ranks every forecast source, best first', () => {
    const keys = sourceRanking(db, {}, 'wape').rows.map((r) => [r.key, r.n]);
    // The sales input only has X Jul (16.7 %): a ranking says n beside every value for that reason.
    expect(keys).toEqual([
      ['sales_input', 1],
      ['final', 4],
      ['M', 4],
      ['seasonal_naive', 4],
      ['naive', 4],
    ]);
  });

  it('rebuilds a run when a decision changes its plan, and only then', () => {
    expect(ensureAccuracyCube(db)).toBe(0);
    db.prepare("INSERT INTO approvals (decision_id, verdict, note, decided_by, decided_at) VALUES (3, 'approved', 'ok', 'max', ?)").run(at);
    rebuildLineState(db);
    expect(ensureAccuracyCube(db)).toBe(1);
    // Y Aug's override to 40 is in force now: final |e| = 2 + 5 + 0 + 38.
    expect(fvaStairstep(db, {}, 'wape').steps[3]!.value).toBeCloseTo((45 / 32) * 100, 9);
  });
});

describe('benchmarks and buckets', () => {
  it('a week is moved back 52 weeks, to the same weekday', () => {
    expect(db.prepare(`SELECT ${seasonsBackSql('20260706', '1', 'week')}`).pluck().get()).toBe(20250707);
    expect(db.prepare(`SELECT ${seasonsBackSql('20260301', '2', 'month')}`).pluck().get()).toBe(20240301);
  });

  it('size buckets are half-open: 5 % is in 5–10 %, and a change from 0 is the largest', () => {
    expect([sizeBucketOf(100, 104.9), sizeBucketOf(100, 95), sizeBucketOf(100, 110), sizeBucketOf(100, 150), sizeBucketOf(0, 3)]).toEqual([0, 1, 2, 4, 4]);
  });
});
