import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { scoreSignals } from '../../electron/backend/exceptions/score';
import { getRunLines } from '../../electron/backend/queries/runs';
import { getRunLinesRequest } from '../../shared/contract';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

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

    expect(scoreSignals({ ...quiet, history: 2, run_rate: null }).reasons).toEqual([{ kind: 'new_item', value: 2, contribution: 10 }]);
    // A forecast below the sales input counts as much as one above it.
    expect(scoreSignals({ ...quiet, si: 60 }).score).toBeCloseTo(scoreSignals({ ...quiet, si: 140 }).score);
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
    const page = (req: object) => getRunLines(ctx, getRunLinesRequest.parse({ runId, ...req }));

    it('lists the worklist highest exception first by default', () => {
      const rows = page({ limit: 2000 }).rows;
      const scores = rows.map((r) => r.exceptionScore);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(scores[0]).toBeGreaterThan(scores.at(-1)!);
      expect(rows[0]!.exceptionReasons.length).toBeGreaterThan(0);
    });

    it('flags lines whose sales input disagrees, and recomputes when a new sales input arrives', () => {
      const line = page({ sort: { column: 'exception', direction: 'asc' }, limit: 1 }).rows[0]!;
      expect(line.exceptionReasons.some((r) => r.kind === 'sales_input')).toBe(false);
      const before = line.exceptionScore;
      const key = ctx.db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck().get(line.itemId);
      const period = Number(line.period.replaceAll('-', ''));
      ctx.db.prepare('UPDATE sales_inputs SET superseded_at = ? WHERE item_key = ? AND period = ? AND superseded_at IS NULL').run('2026-11-01', key, period);
      ctx.db
        .prepare("INSERT INTO sales_inputs (item_key, period, quantity, source, recorded_at) VALUES (?, ?, ?, 'rep:test', '2026-11-01')")
        .run(key, period, line.quantity * 3 + 10);
      const after = page({ filter: { text: line.itemId }, limit: 50 }).rows.find((r) => r.lineId === line.lineId)!;
      expect(after.exceptionScore).toBeGreaterThan(before);
      expect(after.exceptionReasons[0]).toMatchObject({ kind: 'sales_input' });
    });
  });
});
