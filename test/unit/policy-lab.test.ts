// The policy lab's simulator and "suggest" (issue 16 items 1, 2) on a workbook
// with planted behaviour (test/helpers/planted-workbook.ts):
// - for each lever, the simulator's figures equal a recomputation written
//   here line by line from the tables (no cube, no engine code);
// - damping upward overrides improves WAPE with an interval above 0, damping
//   downward ones worsens it; "suggest" recovers an upward damping below 1 on
//   cycles it did not see, and says "too few to tell" for a small segment;
// - an empty policy reproduces today's figures (fwb accuracy --json, the API).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { refreshLineState } from '../../electron/backend/decisions/projection';
import { runCli } from '../../electron/cli/main';
import type { Metric, SliceTable, StairstepStep } from '../../shared/accuracy';
import type { PolicyLevers, PolicyRule, PolicySimulation } from '../../shared/policy-lab';
import { ok, refused } from '../helpers/api';
import { fillPlantedWorkbook } from '../helpers/planted-workbook';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

interface Line {
  lineId: number;
  origin: number;
  period: number;
  model: number;
  final: number;
  actual: number;
  sales: number | null;
  category: string;
  brand: string;
  reason: string | null;
}

/** Every forecast line with its current actual, today's plan and sales input, straight from the tables. */
function readLines(ctx: BackendContext): Line[] {
  return ctx.db
    .prepare(
      `SELECT fl.line_id AS lineId, r.origin, fl.period, fl.quantity AS model, coalesce(ls.final_quantity, fl.quantity) AS final, a.quantity AS actual,
              si.quantity AS sales, i.category, i.brand, ls.reason_code AS reason
         FROM forecast_lines fl
         JOIN forecast_runs r ON r.run_id = fl.run_id
         JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
         JOIN items i ON i.item_key = fl.item_key
         LEFT JOIN line_state ls ON ls.line_id = fl.line_id
         LEFT JOIN sales_inputs si ON si.item_key = fl.item_key AND si.period = fl.period AND si.superseded_at IS NULL`,
    )
    .all() as Line[];
}

/** The levers as the issue words them, applied to one line. */
function expectedPlan(l: Line, lv: PolicyLevers, proposed = l.final): number {
  if (lv.modelDecides) return l.model;
  const change = proposed - l.model;
  if (change === 0) return proposed;
  if (lv.minChangePct !== undefined && (100 * Math.abs(change)) / l.model < lv.minChangePct) return l.model;
  let applied = change * (change > 0 ? (lv.dampUp ?? 1) : (lv.dampDown ?? 1));
  if (lv.capPct !== undefined) applied = Math.sign(applied) * Math.min(Math.abs(applied), (lv.capPct / 100) * l.model);
  return Math.max(0, l.model + applied);
}

const wape = (lines: Line[], plan: (l: Line) => number) => (100 * lines.reduce((s, l) => s + Math.abs(plan(l) - l.actual), 0)) / lines.reduce((s, l) => s + l.actual, 0);
const mape = (lines: Line[], plan: (l: Line) => number) => {
  const scored = lines.filter((l) => l.actual > 0);
  return scored.reduce((s, l) => s + (100 * Math.abs(plan(l) - l.actual)) / l.actual, 0) / scored.length;
};

describe('policy lab: the simulator on a workbook with planted behaviour', () => {
  const t = tempDir('fwb-policy-lab-');
  let ctx: BackendContext;
  let path: string;
  let lines: Line[];

  beforeAll(async () => {
    path = join(t.dir, 'planted.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    const planted = fillPlantedWorkbook(db);
    expect(planted.blindUp).toBeGreaterThan(500);
    expect(planted.informedDown).toBeGreaterThan(200);
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    lines = readLines(ctx);
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  const simulate = (rules: PolicyRule[], metric: Metric = 'wape') => ok(ctx, 'simulatePolicy', { policy: { rules }, metric });
  const all = (levers: PolicyLevers): PolicyRule[] => [{ segment: { by: 'all', value: '*' }, levers }];

  /** The simulation's figures against the recomputation of `plan` over every line. */
  function expectRecomputed(sim: PolicySimulation, plan: (l: Line) => number) {
    expect(sim.lines).toBe(lines.length);
    expect(sim.change.n).toBe(lines.length);
    expect(sim.change.before).toBeCloseTo(wape(lines, (l) => l.final), 9);
    expect(sim.change.after).toBeCloseTo(wape(lines, plan), 9);
    const better = lines.filter((l) => Math.abs(plan(l) - l.actual) < Math.abs(l.final - l.actual)).length;
    const worse = lines.filter((l) => Math.abs(plan(l) - l.actual) > Math.abs(l.final - l.actual)).length;
    expect([sim.change.improved, sim.change.worsened]).toEqual([better, worse]);
    expect(sim.workload.simulated.decisions).toBe(lines.filter((l) => plan(l) !== l.model).length);
    expect(sim.workload.simulated.linesTouched).toBe(lines.filter((l) => plan(l) !== l.final).length);
    const upCells = sim.directionSize.simulated.cells.filter((c) => c.direction === 'up');
    expect(upCells.reduce((s, c) => s + c.n, 0)).toBe(lines.filter((l) => plan(l) > l.model).length);
    // The flips: today's plan better than the model and the replayed one worse, or the other way.
    const err = (q: number, l: Line) => Math.abs(q - l.actual);
    expect(sim.flips.toWorse).toBe(lines.filter((l) => err(l.final, l) < err(l.model, l) && err(plan(l), l) > err(l.model, l)).length);
    expect(sim.flips.toBetter).toBe(lines.filter((l) => err(l.final, l) > err(l.model, l) && err(plan(l), l) < err(l.model, l)).length);
  }

  it.each<[string, PolicyLevers]>([
    ['minimum change', { minChangePct: 20 }],
    ['damping upward overrides', { dampUp: 0.5 }],
    ['damping downward overrides', { dampDown: 0.25 }],
    ['a cap on the change', { capPct: 15 }],
    ['the model deciding alone', { modelDecides: true }],
    ['all of them at once', { minChangePct: 5, dampUp: 0.75, dampDown: 1.25, capPct: 40 }],
  ])('%s: the figures equal a line-by-line recomputation', async (_name, levers) => {
    const sim = await simulate(all(levers));
    expectRecomputed(sim, (l) => expectedPlan(l, levers));
  });

  it('a rule for one segment applies there only (category, and any item attribute)', async () => {
    const sim = await simulate([
      { segment: { by: 'category', value: 'Snacks' }, levers: { dampUp: 0 } },
      { segment: { by: 'attr:brand', value: 'North' }, levers: { minChangePct: 25 } },
    ]);
    const plan = (l: Line) => (l.category === 'Snacks' ? expectedPlan(l, { dampUp: 0 }) : l.brand === 'North' ? expectedPlan(l, { minChangePct: 25 }) : l.final);
    expectRecomputed(sim, plan);
    const none = sim.changeByRule.find((r) => r.key === 'none')!;
    expect(none.touched).toBe(0);
    expect(none.n).toBe(lines.filter((l) => l.category !== 'Snacks' && l.brand !== 'North').length);
  });

  it('adopting the sales input where it beat the model on earlier cycles only (no look-ahead)', async () => {
    const rule: PolicyRule = { segment: { by: 'category', value: 'Beverages' }, levers: { adoptSalesInput: true } };
    const sim = await simulate([rule]);
    const evidence = lines.filter((l) => l.category === 'Beverages' && l.sales !== null).sort((a, b) => a.period - b.period);
    const adopts = (l: Line) => {
      if (l.category !== 'Beverages' || l.sales === null) return false;
      const known = evidence.filter((e) => e.period <= l.origin);
      const salesErr = known.reduce((s, e) => s + Math.abs(e.sales! - e.actual), 0);
      const modelErr = known.reduce((s, e) => s + Math.abs(e.model - e.actual), 0);
      return known.length >= 30 && salesErr < modelErr;
    };
    const taken = new Set(lines.filter(adopts).map((l) => l.lineId));
    const plans = new Map(lines.map((l) => [l.lineId, taken.has(l.lineId) ? l.sales! : l.final]));
    const adopted = lines.filter((l) => taken.has(l.lineId) && l.sales !== l.model).length;
    // The first cycle had no earlier actual with a sales input: it cannot have adopted any.
    const firstOrigin = Math.min(...lines.map((l) => l.origin));
    expect(lines.filter((l) => l.origin === firstOrigin && taken.has(l.lineId))).toEqual([]);
    expect(adopted).toBeGreaterThan(100);
    expectRecomputed(sim, (l) => plans.get(l.lineId)!);
    expect(sim.workload.simulated.salesInputsAdopted).toBe(adopted);
    // The sales input is close to the actual in Beverages: adopting it helps.
    expect(sim.change.fva!).toBeGreaterThan(0);
  });

  it('the change per planner and per reason: today’s side is the engine’s override slice, the simulated side a recomputation', async () => {
    const sim = await simulate(all({ dampUp: 0.5 }));
    for (const by of ['planner', 'reason'] as const) {
      const engine = (await ok(ctx, 'getAccuracySlice', { by, metric: 'wape' })) as SliceTable;
      const rows = by === 'planner' ? sim.changeByPlanner : sim.changeByReason;
      expect(rows.map((r) => [r.key, r.label, r.n]).sort()).toEqual(engine.rows.map((r) => [r.key, r.label, r.n]).sort());
      for (const row of rows) {
        const e = engine.rows.find((r) => r.key === row.key)!;
        expect(row.before).toBeCloseTo(e.final!, 9);
      }
    }
    const promotion = sim.changeByReason.find((r) => r.key === 'promotion')!;
    const promoted = lines.filter((l) => l.final !== l.model && l.reason === 'promotion');
    expect(promotion.after).toBeCloseTo(wape(promoted, (l) => expectedPlan(l, { dampUp: 0.5 })), 9);
    // The blind tweaks carry "promotion": damping them helps; the informed cuts ("lost business") are left alone.
    expect(promotion.fva!).toBeGreaterThan(0);
    expect(sim.changeByReason.find((r) => r.key === 'lost_business')!.touched).toBe(0);
  });

  it('approval thresholds: what would have waited for a manager', async () => {
    const sim = await simulate(all({ approvalPct: 20 }));
    expectRecomputed(sim, (l) => l.final);
    expect(sim.workload.simulated.approvals).toBe(lines.filter((l) => l.final !== l.model && (100 * Math.abs(l.final - l.model)) / l.model > 20).length);
    // Today's count is made with the workbook's own thresholds (25 % or 1,000 units).
    expect(sim.workload.baseline.approvals).toBe(lines.filter((l) => l.final !== l.model && ((100 * Math.abs(l.final - l.model)) / l.model > 25 || Math.abs(l.final - l.model) > 1000)).length);
  });

  it('other metrics are recomputed the same way (MAPE)', async () => {
    const sim = await simulate(all({ dampUp: 0.5 }), 'mape');
    expect(sim.change.after).toBeCloseTo(mape(lines, (l) => expectedPlan(l, { dampUp: 0.5 })), 9);
    expect(sim.change.before).toBeCloseTo(mape(lines, (l) => l.final), 9);
  });

  it('the planted behaviour: damping up improves WAPE with an interval above 0, damping down worsens it', async () => {
    const up = await simulate(all({ dampUp: 0.5 }));
    expect(up.change.fva!).toBeGreaterThan(0);
    expect(up.change.ci!.low).toBeGreaterThan(0);
    const upCells = up.changeByDirectionSize.filter((r) => r.key.startsWith('up:'));
    expect(upCells.length).toBeGreaterThan(0);
    const down = await simulate(all({ dampDown: 0.5 }));
    expect(down.change.fva!).toBeLessThan(0);
    expect(down.change.ci!.high).toBeLessThan(0);
    // Doubling the blind tweaks flips lines they happened to help (demand came in above the model) to worse than the model.
    const doubled = await simulate(all({ dampUp: 2 }));
    expect(doubled.flips.toWorse).toBeGreaterThan(0);
    const first = doubled.flips.lines[0]!;
    expect(first.flip).toBe('to_worse');
    expect(first.itemId).toMatch(/^P-\d{3}$/);
    const line = lines.find((l) => l.lineId === first.lineId)!;
    expect([first.model, first.final, first.actual, first.simulated]).toEqual([line.model, line.final, line.actual, expectedPlan(line, { dampUp: 2 })]);
  });

  it('"suggest" fits on older cycles only and recovers an upward damping below 1 on the held-out ones', async () => {
    const s = await ok(ctx, 'suggestPolicy', { by: 'category', holdoutCycles: 4 });
    const origins = [...new Set(lines.map((l) => l.origin))].sort((a, b) => a - b);
    const iso = (k: number) => `${String(k).slice(0, 4)}-${String(k).slice(4, 6)}-${String(k).slice(6, 8)}`;
    expect(s.holdout.origins).toEqual(origins.slice(-4).map(iso));
    expect(s.training.origins).toEqual(origins.slice(0, -4).map(iso));
    expect(s.training.knownUpTo).toBe(iso(origins.at(-4)!));
    // The fit never saw an actual after the first held-out origin.
    const firstHeld = origins.at(-4)!;
    expect(s.training.lines).toBe(lines.filter((l) => l.origin < firstHeld && l.period <= firstHeld).length);
    for (const value of ['Snacks', 'Beverages']) {
      const seg = s.segments.find((x) => x.segment.value === value)!;
      expect(seg.verdict).toBe('suggested');
      expect(seg.levers!.dampUp!).toBeLessThan(1);
      expect(seg.levers!.dampDown!).toBe(1);
      expect(seg.holdout!.fva!).toBeGreaterThan(0);
    }
    const household = s.segments.find((x) => x.segment.value === 'Household')!;
    expect(household.verdict).toBe('too_few');
    expect(household.levers).toBeNull();
    expect(household.trainingOverrides).toBeLessThan(30);
    expect(household.text).toMatch(/too few to tell/i);
    expect(s.overall.fva!).toBeGreaterThan(0);
    expect(s.overall.ci!.low).toBeGreaterThan(0);
    expect(s.policy.rules.map((r) => r.segment.value).sort()).toEqual(['Beverages', 'Snacks']);
  });

  it('refuses to hold out every cycle, and a segment nobody has', async () => {
    expect((await refused(ctx, 'suggestPolicy', { by: 'all', holdoutCycles: 18 })).message).toMatch(/hold out fewer cycles/);
    expect((await refused(ctx, 'suggestPolicy', { by: 'category', value: 'Toys', holdoutCycles: 3 })).message).toMatch(/Toys/);
    expect((await refused(ctx, 'simulatePolicy', { policy: { rules: [{ segment: { by: 'attr:colour', value: 'red' }, levers: {} }] } })).message).toMatch(/colour/);
    expect((await refused(ctx, 'simulatePolicy', { policy: { rules: [{ segment: { by: 'all' }, levers: { dampUp: 3 } }] } })).code).toBe('INVALID_REQUEST');
  });

  describe('an empty policy reproduces today\'s figures', () => {
    async function accuracyJson(metric: Metric) {
      let stdout = '';
      const status = await runCli(['accuracy', '--db', path, '--stairstep', '--json', '--metric', metric], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => {} } });
      expect(status).toBe(0);
      return JSON.parse(stdout) as { steps: (Record<string, number | null> & { source: string })[] };
    }
    const close = (a: number | null | undefined, b: number | null | undefined) => {
      if (a === null || a === undefined || b === null || b === undefined) expect(a ?? null).toBe(b ?? null);
      else expect(a).toBeCloseTo(b, 9);
    };

    it.each<Metric>(['wape', 'mape', 'bias', 'mase', 'smape'])('%s: the replayed final step is fwb accuracy --json\'s, and so is the direction × size table', async (metric) => {
      for (const rules of [[], all({})]) {
        const sim = await simulate(rules, metric);
        const cli = await accuracyJson(metric);
        const simFinal = sim.stairstep.simulated.steps.find((s) => s.source === 'final') as StairstepStep;
        const cliFinal = cli.steps.find((s) => s.source === 'final')!;
        expect(simFinal.n).toBe(cliFinal.n);
        expect(simFinal.excluded).toBe(cliFinal.excluded);
        expect([simFinal.improved, simFinal.worsened, simFinal.unchanged]).toEqual([cliFinal.improved, cliFinal.worsened, cliFinal.unchanged]);
        close(simFinal.value, cliFinal.value);
        close(simFinal.baseline, cliFinal.baseline);
        close(simFinal.fva, cliFinal.fva);
        close(simFinal.ci?.low, cliFinal.ciLow);
        close(simFinal.ci?.high, cliFinal.ciHigh);
        expect(sim.change.fva).toBe(0);
        expect(sim.workload.simulated.linesTouched).toBe(0);
        const overview = await ok(ctx, 'getAccuracyOverview', { metric });
        sim.directionSize.simulated.cells.forEach((c, k) => {
          const o = overview.directionSize.cells[k]!;
          expect([c.direction, c.sizeBucket, c.label, c.n, c.excluded]).toEqual([o.direction, o.sizeBucket, o.label, o.n, o.excluded]);
          close(c.fva, o.fva);
          close(c.ci?.low, o.ci?.low);
          close(c.ci?.high, o.ci?.high);
        });
      }
    });
  });

  // Last: it writes to the workbook.
  it('a decision written after a simulation is in the next one (the kept facts are renewed by any write)', async () => {
    const before = await simulate(all({ dampUp: 0.5 }));
    const line = lines.find((l) => l.final === l.model)!;
    ctx.db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) VALUES (?, 'override', ?, 'override', 'promotion', 'ana', ?, 'final')").run(line.lineId, line.model * 3, FIXED_NOW().toISOString());
    refreshLineState(ctx.db, line.lineId);
    const after = await simulate(all({ dampUp: 0.5 }));
    expect(after.workload.baseline.decisions).toBe(before.workload.baseline.decisions + 1);
    const now = readLines(ctx);
    expect(after.change.before).toBeCloseTo(wape(now, (l) => l.final), 9);
    expect(after.change.after).toBeCloseTo(wape(now, (l) => expectedPlan(l, { dampUp: 0.5 })), 9);
  });
});
