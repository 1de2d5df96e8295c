// The value of planning in business terms (issue 16 item 4): a hand-built
// workbook with known timestamps (decisions made through the API on a clock the
// test sets), each measure recomputed here by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import type { ValueReport } from '../../shared/value';
import { ok } from '../helpers/api';
import { valueWorkbook } from '../helpers/value-workbook';
import { tempDir } from '../helpers/workbook';

describe('value measures (getValueMeasures)', () => {
  const t = tempDir('fwb-value-');
  let ctx: BackendContext;
  let byRun: ValueReport;
  let byPlanner: ValueReport;

  beforeAll(async () => {
    ({ ctx } = await valueWorkbook(t.dir));
    byRun = await ok(ctx, 'getValueMeasures', { by: 'run' });
    byPlanner = await ok(ctx, 'getValueMeasures', { by: 'planner' });
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('cycle time: first import to first release; the open run counts the hours so far', () => {
    const [r1, r2] = byRun.rows;
    expect(r1).toMatchObject({ runId: 1, origin: '2026-06-01' });
    // Imported 2026-10-31 18:00, released 2026-11-02 12:00.
    expect(r1!.cycle).toEqual({ startedAt: '2026-10-31T18:00:00.000Z', releasedAt: '2026-11-02T12:00:00.000Z', hours: 42, open: false });
    // Imported 08:00, not released, the clock at 14:00.
    expect(r2!.cycle).toMatchObject({ releasedAt: null, hours: 6, open: true });
    expect(byRun.overall.cycle).toMatchObject({ hours: 42, open: true });
    expect(byPlanner.rows[0]!.cycle).toBeNull();
  });

  it('touch rate: lines whose standing decision is an override (the undone one is not)', () => {
    expect(byRun.rows.map((r) => r.touch)).toEqual([
      { lines: 9, overridden: 6, rate: 6 / 9 },
      { lines: 3, overridden: 1, rate: 1 / 3 },
    ]);
    expect(byRun.overall.touch).toEqual({ lines: 12, overridden: 7, rate: 7 / 12 });
    // Ana's standing decisions: three overrides and an accept; Ben's: four overrides.
    expect(byPlanner.rows.map((r) => [r.userId, r.touch])).toEqual([
      ['ana', { lines: 4, overridden: 3, rate: 0.75 }],
      ['ben', { lines: 4, overridden: 4, rate: 1 }],
    ]);
  });

  it('escalation: overrides that waited for approval, and the rejected ones', () => {
    // Eight overrides made (the undone one too), Ben's +35 % waited and was rejected.
    expect(byRun.overall.escalation).toEqual({ overrides: 8, needingApproval: 1, rejected: 1, rate: 1 / 8, rejectedRate: 1 });
    expect(byPlanner.rows.map((r) => r.escalation.needingApproval)).toEqual([0, 1]);
    expect(byRun.rows.map((r) => r.escalation.overrides)).toEqual([7, 1]);
  });

  it('value per hour: error units avoided over the capped gaps between a planner’s decisions', () => {
    // |model − actual| − |override − actual|: 121→130 (128): 7 − 2; 321→300 (310): 11 − 10; 221→240 (235): 14 − 5;
    // 222→300 (240): 18 − 60; 123→110 (115): 8 − 5; 223→230 (220): 3 − 10; run 2 127→120 (118): 9 − 2.
    const units = { ana: 5 + 1 + 7, ben: 9 - 42 + 3 - 7 };
    // Ana 09:00, 09:05, 10:00 (55 min, capped at 15), 10:02, 10:03 (undo), 10:10 (run 2): 5 + 15 + 2 + 1 + 7 min; Ben 09:02, 09:10, 09:12, 09:13: 8 + 2 + 1 min.
    const hours = { ana: 30 / 60, ben: 11 / 60 };
    expect(byRun.overall.valuePerHour.unitsAvoided).toBe(units.ana + units.ben);
    expect(byRun.overall.valuePerHour.hours).toBeCloseTo(hours.ana + hours.ben, 10);
    expect(byRun.overall.valuePerHour.perHour).toBeCloseTo((units.ana + units.ben) / (hours.ana + hours.ben), 10);
    expect(byRun.overall.valuePerHour).toMatchObject({ decisions: 10, known: 7 });
    const [ana, ben] = byPlanner.rows;
    expect(ana!.valuePerHour.perHour).toBeCloseTo(units.ana / hours.ana, 10);
    expect(ben!.valuePerHour.perHour).toBeCloseTo(units.ben / hours.ben, 10);
    expect(byRun.rows[0]!.valuePerHour.hours).toBeCloseTo(34 / 60, 10);
    expect(byRun.rows[1]!.valuePerHour.hours).toBeCloseTo(7 / 60, 10);
  });

  it('exception hit rate: the run’s top 10 % by score (rounded up), overridden, and how often that helped', () => {
    const scores = ctx.db.prepare('SELECT run_id, line_id, score FROM line_exceptions ORDER BY run_id, score DESC, line_id').all() as { run_id: number; line_id: number; score: number }[];
    const plan = ctx.db.prepare("SELECT s.line_id, d.action, d.quantity, l.quantity AS model, a.quantity AS actual FROM line_state s JOIN decisions d USING (decision_id) JOIN forecast_lines l ON l.line_id = s.line_id JOIN items i USING (item_key) LEFT JOIN actuals a ON a.item_key = l.item_key AND a.period = l.period").all() as { line_id: number; action: string; quantity: number; model: number; actual: number }[];
    const overridden = new Map(plan.filter((p) => p.action === 'override').map((p) => [p.line_id, p]));
    for (const [run, n] of [[1, 9], [2, 3]] as const) {
      // ceil(10 % of 9) = 1, ceil(10 % of 3) = 1: each run's single highest score.
      const top = scores.filter((s) => s.run_id === run && s.score > 0).slice(0, 1);
      const acted = top.filter((s) => overridden.has(s.line_id));
      const helped = acted.filter((s) => { const p = overridden.get(s.line_id)!; return Math.abs(p.quantity - p.actual) < Math.abs(p.model - p.actual); });
      const row = byRun.rows.find((r) => r.runId === run)!;
      expect(n).toBe(row.touch.lines);
      expect(row.exceptions).toEqual({ top: top.length, acted: acted.length, hitRate: top.length ? acted.length / top.length : null, known: acted.length, helped: helped.length, helpRate: acted.length ? helped.length / acted.length : null });
    }
    // Not vacuous: each run's top exception was overridden; run 2's override helped, run 1's (223→230, actual 220) did not.
    expect(byRun.overall.exceptions).toEqual({ top: 2, acted: 2, hitRate: 1, known: 2, helped: 1, helpRate: 0.5 });
    // Per planner, the top exceptions of the items they own: Ana SKU-1 (run 2's), Ben SKU-2 (run 1's).
    expect(byPlanner.rows.map((r) => [r.userId, r.exceptions.top, r.exceptions.helped])).toEqual([['ana', 1, 1], ['ben', 1, 0]]);
  });

  it('decision consistency: the interquartile range of the signed override % among planners facing similar exceptions', () => {
    // The lines here carry no exception signal and score under 25, so "similar" is the category alone (checked first).
    const runIds = ctx.db.prepare('SELECT run_id FROM forecast_runs').pluck().all() as number[];
    const scored = runIds.flatMap((runId) => keptRunExceptions(ctx.db, runId));
    expect(scored.length).toBeGreaterThan(0);
    expect(Math.max(...scored.map((l) => l.score))).toBeLessThan(25);
    expect(scored.every((l) => l.reasons.length === 0)).toBe(true);
    // Only Beverages was overridden by two planners: Ana 121→130 and (run 2) 127→120, Ben 123→110. Snacks (Ben) and Household (Ana) have one each.
    const pct = (model: number, o: number) => ((o - model) / model) * 100;
    const [a1, b1, a2] = [pct(121, 130), pct(123, 110), pct(127, 120)];
    const sorted = [a1, b1, a2].sort((x, y) => x - y);
    // Linear interpolation: q25 halfway between the 1st and 2nd, q75 halfway between the 2nd and 3rd.
    const iqr3 = (sorted[1]! + sorted[2]!) / 2 - (sorted[0]! + sorted[1]!) / 2;
    expect(byRun.overall.consistency.groups).toBe(1);
    expect(byRun.overall.consistency.overrides).toBe(3);
    expect(byRun.overall.consistency.iqrPct).toBeCloseTo(iqr3, 10);
    // Run 1 alone: Ana's +7.4 % and Ben's −10.6 %: q25 and q75 a quarter in from either end.
    expect(byRun.rows[0]!.consistency.iqrPct).toBeCloseTo((a1 - b1) / 2, 10);
    expect(byRun.rows[1]!.consistency).toEqual({ groups: 0, overrides: 0, iqrPct: null, medianDistancePct: null });
    // Per planner: the median distance from the group's median (Ana's run-2 override is that median).
    expect(byPlanner.rows[0]!.consistency.medianDistancePct).toBeCloseTo((Math.abs(a1 - a2) + 0) / 2, 10);
    expect(byPlanner.rows[1]!.consistency.medianDistancePct).toBeCloseTo(Math.abs(b1 - a2), 10);
  });
});
