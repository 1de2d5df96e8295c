// A metric's n counts only the lines it could score, everywhere (issue 11.2):
// MAPE scores lines with an actual above 0, MASE lines whose item has an
// in-sample scale; every table, slice, ranking row, stairstep step, JSON answer
// and export says how many lines the metric left out (11.3). And benchmarks
// (naive, seasonal naive) count each (item, location, period, origin) once,
// however many models forecast it (11.5).
//
// The workbook, monthly, origin June 2026, lags 1 and 2 (July, August):
//   item  category  July actual  August actual  history
//   X     C1        30           0              10 a month, Jul 2025 12, Aug 2025 8, Jun 2026 20
//   Y     C2        0            2              a flat 2: no MASE scale
//   Z     C1        12           9              9 + (month number mod 5)
// Model A forecasts X, Y and Z; model B, at the same origin, X and Z only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { MIGRATIONS } from '../../electron/backend/db/migrations/index';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { fvaStairstep } from '../../electron/backend/accuracy/stairstep';
import { accuracySlice, directionSizeTable, sourceRanking } from '../../electron/backend/accuracy/slices';
import { attributeSlice } from '../../electron/backend/accuracy/attribute-slice';
import { accuracyTrend } from '../../electron/backend/accuracy/trend';
import { trustMap } from '../../electron/backend/accuracy/trust';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { exportToFile } from '../../electron/backend/exports/export-file';
import { runCli } from '../../electron/cli/main';
import type { AccuracyFilter, Metric, SliceTable, SourceRanking, Stairstep } from '../../shared/accuracy';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const at = FIXED_NOW().toISOString();
const month = (i: number) => (2025 + Math.floor((i - 1) / 12)) * 10000 + (((i - 1) % 12) + 1) * 100 + 1; // 1 = Jan 2025
const JUL = 20260701;
const AUG = 20260801;

/** The lines of model A with their actuals: [item, period, actual, model quantity]. */
const LINES_A: [string, number, number, number][] = [
  ['X', JUL, 30, 25],
  ['X', AUG, 0, 5],
  ['Y', JUL, 0, 0],
  ['Y', AUG, 2, 4],
  ['Z', JUL, 12, 10],
  ['Z', AUG, 9, 11],
];
const LINES_B: [string, number, number, number][] = [
  ['X', JUL, 30, 29],
  ['X', AUG, 0, 2],
  ['Z', JUL, 12, 14],
  ['Z', AUG, 9, 9],
];

let t: { dir: string; cleanup: () => void };
let db: Db;
let path: string;

function fill(): void {
  db.transaction(() => {
    db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('ana', 'Ana', 'planner', ?)").run(at);
    db.prepare("INSERT INTO items (item_key, item_id, name, category, brand, owner_id) VALUES (1, 'X', 'Item X', 'C1', 'b1', 'ana'), (2, 'Y', 'Item Y', 'C2', 'b2', 'ana'), (3, 'Z', 'Item Z', 'C1', 'b1', 'ana')").run();
    const actual = db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= 18; i++) {
      actual.run(1, month(i), i === 7 ? 12 : i === 8 ? 8 : i === 18 ? 20 : 10, at);
      actual.run(2, month(i), 2, at);
      actual.run(3, month(i), 9 + (i % 5), at);
    }
    const key = { X: 1, Y: 2, Z: 3 } as Record<string, number>;
    for (const [item, period, a] of LINES_A) actual.run(key[item], period, a, at);
    db.prepare("INSERT INTO forecast_runs (run_id, model_name, model_version, origin, grain, created_at) VALUES (1, 'A', '1', 20260601, 'month', ?)").run(at);
    const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) VALUES (?, ?, ?, ?, ?)');
    for (const [item, period, , q] of LINES_A) line.run(1, key[item], period, period === JUL ? 1 : 2, q);
    // An override in force on X July (25 → 28, up 12 %) and a sales input there.
    const x = db.prepare('SELECT line_id FROM forecast_lines WHERE run_id = 1 AND item_key = 1 AND period = ?').pluck().get(JUL) as number;
    db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) VALUES (?, 'override', 28, 'override', 'promotion', 'ana', ?, 'final')").run(x, at);
    db.prepare('INSERT INTO sales_inputs (item_key, period, quantity, recorded_at) VALUES (1, ?, 35, ?)').run(JUL, at);
  })();
  rebuildLineState(db);
}

/** Model B at the same origin, on X and Z only. */
function addModelB(): void {
  db.prepare("INSERT INTO forecast_runs (run_id, model_name, model_version, origin, grain, created_at) VALUES (2, 'B', '1', 20260601, 'month', ?)").run(at);
  const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) VALUES (2, ?, ?, ?, ?)');
  for (const [item, period, , q] of LINES_B) line.run(item === 'X' ? 1 : 3, period, period === JUL ? 1 : 2, q);
}

beforeEach(async () => {
  t = tempDir('fwb-acc-counts-');
  path = join(t.dir, 'counts.sqlite');
  db = (await openWorkbook(path, { now: FIXED_NOW })).db;
  fill();
  ensureAccuracyCube(db);
});
afterEach(() => {
  db.close();
  t.cleanup();
});

/** How many of `lines` a metric scores: MAPE those with an actual above 0, MASE those of items with a scale (X and Z). */
const scored = (metric: Metric, lines: [string, number, number, number][]) => lines.filter(([item, , a]) => (metric === 'mape' ? a > 0 : metric === 'mase' ? item !== 'Y' : true)).length;

describe('a metric’s n counts only the lines it scored, and says how many it left out', () => {
  for (const metric of ['wape', 'mape', 'mase'] as const) {
    const n = scored(metric, LINES_A);
    const out = LINES_A.length - n;

    it(`${metric}: the stairstep’s steps, the sales input row and the source ranking`, () => {
      const s = fvaStairstep(db, {}, metric);
      expect(s.n).toBe(6); // lines with an actual and both benchmarks, whatever the metric
      for (const step of s.steps) {
        expect([step.source, step.n, step.excluded]).toEqual([step.source, n, out]);
        if (step.improved !== null) expect(step.improved + step.worsened! + step.unchanged!).toBe(step.n);
      }
      // The override (X July, actual 30) is the only line the final plan changed: scored by every one of these metrics.
      expect(s.steps[3]).toMatchObject({ improved: 1, worsened: 0, unchanged: n - 1 });
      expect(s.salesInput).toMatchObject({ n: 1, excluded: 0 });
      const ranking = sourceRanking(db, {}, metric).rows;
      for (const key of ['A', 'final', 'naive', 'seasonal_naive']) expect(ranking.find((r) => r.key === key), key).toMatchObject({ n, excluded: out });
    });

    it(`${metric}: slices, direction × size, trend, an attribute slice`, () => {
      const byCategory = accuracySlice(db, {}, metric, 'category').rows;
      const c1 = LINES_A.filter(([item]) => item !== 'Y');
      const c2 = LINES_A.filter(([item]) => item === 'Y');
      expect(byCategory.find((r) => r.key === 'C1')).toMatchObject({ n: scored(metric, c1), excluded: c1.length - scored(metric, c1) });
      expect(byCategory.find((r) => r.key === 'C2')).toMatchObject({ n: scored(metric, c2), excluded: c2.length - scored(metric, c2) });
      for (const r of byCategory) expect(r.improved + r.worsened + r.unchanged).toBe(r.n);
      const byBrand = attributeSlice(db, {}, metric, 'brand').rows;
      expect(byBrand.map((r) => [r.key, r.n, r.excluded])).toEqual(
        expect.arrayContaining([
          ['b1', scored(metric, c1), c1.length - scored(metric, c1)],
          ['b2', scored(metric, c2), c2.length - scored(metric, c2)],
        ]),
      );
      for (const r of byBrand) expect(r.improved + r.worsened + r.unchanged).toBe(r.n);
      const cell = directionSizeTable(db, {}, metric).cells.find((c) => c.n > 0)!;
      expect(cell).toMatchObject({ direction: 'up', sizeBucket: 2, n: 1, excluded: 0, improvedShare: 1 });
      const july = LINES_A.filter(([, p]) => p === JUL);
      const trend = accuracyTrend(db, {}, metric);
      expect(trend.find((p) => p.period === '2026-07-01')).toMatchObject({ n: scored(metric, july), excluded: july.length - scored(metric, july), naiveN: scored(metric, july) });
    });
  }

  it('the API, fwb accuracy --json and the text tables carry the left-out count; the exports a column of it', async () => {
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    const api = (await ok(ctx, 'getAccuracySlice', { by: 'category', metric: 'mape', filter: {} })) as SliceTable;
    expect(api.rows.map((r) => [r.key, r.n, r.excluded])).toEqual([
      ['C1', 3, 1],
      ['C2', 1, 1],
    ]);
    const run = async (...args: string[]) => {
      let stdout = '';
      const status = await runCli(['accuracy', '--db', path, ...args], { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true } });
      expect(status).toBe(0);
      return stdout;
    };
    const slice = JSON.parse(await run('--by', 'category', '--metric', 'mape', '--json')) as { rows: { key: string; n: number; excluded: number }[] };
    expect(slice.rows.map((r) => [r.key, r.n, r.excluded])).toEqual([
      ['C1', 3, 1],
      ['C2', 1, 1],
    ]);
    const stairstep = JSON.parse(await run('--stairstep', '--metric', 'mase', '--json')) as { steps: { n: number; excluded: number }[] };
    expect(stairstep.steps.map((s) => [s.n, s.excluded])).toEqual(Array(4).fill([4, 2]));
    const ranking = JSON.parse(await run('--by', 'model', '--metric', 'mape', '--json')) as { rows: { key: string; n: number; excluded: number }[] };
    expect(ranking.rows.find((r) => r.key === 'A')).toMatchObject({ n: 4, excluded: 2 });
    expect(await run('--by', 'category', '--metric', 'mape')).toMatch(/MAPE leaves out 2 lines whose actual is 0/);
    expect(await run('--by', 'model', '--metric', 'mape')).toMatch(/MAPE leaves out/);
    expect(await run('--stairstep', '--metric', 'mase')).toMatch(/MASE leaves out 2 lines/);

    for (const by of ['category', 'stairstep', 'model', 'direction_size', 'attr:brand']) {
      const done = await exportToFile(db, { what: 'accuracy', by, metric: 'mape', filter: {} }, 'csv', join(t.dir, `${by.replace(':', '-')}.csv`));
      const [header, ...rows] = Papa.parse<string[]>(readFileSync(done.path, 'utf8'), { skipEmptyLines: true }).data;
      const n = header!.indexOf('n');
      const left = header!.indexOf('left_out');
      expect(left, by).toBe(n + 1);
      const total = rows.reduce((s, r) => s + Number(r[left]), 0);
      expect(total, by).toBe(by === 'direction_size' ? 0 : by === 'model' ? 2 * 4 : by === 'stairstep' ? 2 * 4 : 2);
    }
    // WAPE scores every line: no column of lines left out.
    const wape = await exportToFile(db, { what: 'accuracy', by: 'category', metric: 'wape', filter: {} }, 'csv', join(t.dir, 'wape.csv'));
    expect(readFileSync(wape.path, 'utf8').split('\r\n')[0]).not.toContain('left_out');
  });
});

describe('benchmarks count each (item, location, period, origin) once, however many models forecast it', () => {
  const bench = (s: Stairstep) => s.steps.slice(0, 2).map((x) => ({ source: x.source, n: x.n, value: x.value, fva: x.fva, improved: x.improved, worsened: x.worsened }));
  const rankRows = (r: SourceRanking) => r.rows.filter((x) => x.key === 'naive' || x.key === 'seasonal_naive');

  for (const metric of ['wape', 'mae', 'mape', 'mase', 'rmse'] as const) {
    it(`${metric}: a second model at the same origin leaves the benchmark rows as they were`, () => {
      const before = { stairstep: fvaStairstep(db, {}, metric), ranking: sourceRanking(db, {}, metric), trend: accuracyTrend(db, {}, metric), trust: trustMap(db) };
      addModelB();
      expect(ensureAccuracyCube(db)).toBeGreaterThan(0);
      const after = { stairstep: fvaStairstep(db, {}, metric), ranking: sourceRanking(db, {}, metric), trend: accuracyTrend(db, {}, metric), trust: trustMap(db) };
      const points = scored(metric, LINES_A);
      expect(bench(after.stairstep)).toEqual(bench(before.stairstep));
      expect(after.stairstep.steps.slice(0, 2).map((x) => x.n)).toEqual([points, points]);
      expect(rankRows(after.ranking)).toEqual(rankRows(before.ranking));
      expect(rankRows(after.ranking).map((x) => x.n)).toEqual([points, points]);
      expect(after.trend.map((p) => [p.period, p.naive, p.naiveN])).toEqual(before.trend.map((p) => [p.period, p.naive, p.naiveN]));
      expect(after.trust.segments.map((s) => [s.segment, s.naive])).toEqual(before.trust.segments.map((s) => [s.segment, s.naive]));
      // The models are scored on their own lines: A on 6, B on 4, the model step on all 10.
      expect(after.ranking.rows.find((r) => r.key === 'A')!.n).toBe(points);
      expect(after.ranking.rows.find((r) => r.key === 'B')!.n).toBe(scored(metric, LINES_B));
      expect(after.stairstep.n).toBe(10);
      expect(after.stairstep.points).toBe(6);
      expect(after.stairstep.steps[2]!.n).toBe(points + scored(metric, LINES_B));
    });
  }

  it('narrowed to one model or one run, the benchmarks are those of its own points', () => {
    addModelB();
    ensureAccuracyCube(db);
    const naiveN = (filter: AccuracyFilter) => fvaStairstep(db, filter, 'wape').steps[0]!.n;
    expect([naiveN({}), naiveN({ model: 'A' }), naiveN({ model: 'B' }), naiveN({ runId: 1 }), naiveN({ runId: 2 }), naiveN({ model: 'B', lag: 1 })]).toEqual([6, 6, 4, 6, 4, 2]);
    expect(sourceRanking(db, { runId: 2 }, 'wape').rows.find((r) => r.key === 'naive')!.n).toBe(4);
  });

  it('the stairstep stays like for like: each step against the one before on the same lines, the model against the seasonal naive of its own point', () => {
    addModelB();
    ensureAccuracyCube(db);
    const s = fvaStairstep(db, {}, 'mae');
    // Seasonal naive of each July / August line: the actual a year before (X 12 / 8, Y 2 / 2, Z 11 / 12).
    const snaive: Record<string, number> = { [`X${JUL}`]: 12, [`X${AUG}`]: 8, [`Y${JUL}`]: 2, [`Y${AUG}`]: 2, [`Z${JUL}`]: 11, [`Z${AUG}`]: 12 };
    const all = [...LINES_A, ...LINES_B];
    const snOnLines = all.reduce((sum, [item, p, a]) => sum + Math.abs(snaive[`${item}${p}`]! - a), 0) / all.length;
    const snOnPoints = LINES_A.reduce((sum, [item, p, a]) => sum + Math.abs(snaive[`${item}${p}`]! - a), 0) / LINES_A.length;
    const model = all.reduce((sum, [, , a, q]) => sum + Math.abs(q - a), 0) / all.length;
    const [naive, seasonal, modelStep, final] = s.steps;
    expect(seasonal!.value).toBeCloseTo(snOnPoints, 12);
    expect(seasonal!.baseline).toBe(naive!.value); // both benchmarks on the same points
    expect(modelStep!.value).toBeCloseTo(model, 12);
    expect(modelStep!.baseline).toBeCloseTo(snOnLines, 12); // B's lines against the seasonal naive of their own points
    expect(modelStep!.fva).toBeCloseTo(snOnLines - model, 12);
    expect(final!.baseline).toBe(modelStep!.value);
    for (const step of s.steps.slice(1)) expect(step.improved! + step.worsened! + step.unchanged!).toBe(step.n);
  });

  it('a workbook of schema 2 (benchmarks counted once per model) is migrated: its cube is rebuilt and counts each point once', async () => {
    db.close();
    const old = join(t.dir, 'schema2.sqlite');
    db = (await openWorkbook(old, { now: FIXED_NOW, migrations: MIGRATIONS.slice(0, 2) })).db;
    fill();
    addModelB();
    // As if its cube had been built by the app of schema 2.
    db.prepare("INSERT INTO accuracy_runs (run_id, signature) VALUES (1, 'built'), (2, 'built')").run();
    db.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('accuracy_signature', 'built')").run();
    db.close();
    const opened = await openWorkbook(old, { now: FIXED_NOW });
    db = opened.db;
    expect(opened.migratedFrom).toBe(2);
    expect(db.prepare('SELECT count(*) FROM accuracy_runs').pluck().get()).toBe(0);
    expect(ensureAccuracyCube(db)).toBe(2);
    expect(fvaStairstep(db, {}, 'wape').steps.map((x) => x.n)).toEqual([6, 6, 10, 10]);
  });

  it('fwb accuracy --json says the same', async () => {
    addModelB();
    let stdout = '';
    expect(await runCli(['accuracy', '--db', path, '--stairstep', '--json'], { stdout: { write: (x: string) => ((stdout += x), true) }, stderr: { write: () => true } })).toBe(0);
    const s = JSON.parse(stdout) as { n: number; points: number; steps: { source: string; n: number; baseline: number | null }[] };
    expect(s.steps.map((x) => [x.source, x.n])).toEqual([
      ['naive', 6],
      ['seasonal_naive', 6],
      ['model', 10],
      ['final', 10],
    ]);
    expect([s.n, s.points]).toEqual([10, 6]);
  });
});
