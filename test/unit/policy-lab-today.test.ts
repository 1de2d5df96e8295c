// The Policy lab says "today" two ways (issue 16, the demo's 19.26 vs 19.22 and
// 1,856 vs 1,858): the headline is over every line with an actual, the stairstep
// over the lines with both benchmarks; "lines changed" is one count, the lines
// whose plan the policy moves. Recounted here from the tables on the demo.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { PolicySimulation } from '../../shared/policy-lab';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

interface Line {
  model: number;
  final: number;
  actual: number;
}

describe('the policy lab’s two "today"s on the demo', () => {
  const t = tempDir('fwb-lab-today-');
  let ctx: BackendContext;
  let sim: PolicySimulation;
  let lines: Line[];

  beforeAll(async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 300 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    sim = await ok(ctx, 'simulatePolicy', { policy: { rules: [{ segment: { by: 'all', value: '*' }, levers: { minChangePct: 5 } }] }, metric: 'wape' });
    lines = db
      .prepare(
        `SELECT fl.quantity AS model, coalesce(ls.final_quantity, fl.quantity) AS final, a.quantity AS actual
           FROM forecast_lines fl
           JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
           LEFT JOIN line_state ls ON ls.line_id = fl.line_id`,
      )
      .all() as Line[];
  }, 120_000);
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('"lines changed" is the lines whose plan the policy moves, split by how their error moved, as the workload counts them', () => {
    // Minimum change 5 %: an override smaller than 5 % of the model is not applied.
    const plan = (l: Line) => (l.final !== l.model && l.model > 0 && (100 * Math.abs(l.final - l.model)) / l.model < 5 ? l.model : l.final);
    const moved = lines.filter((l) => plan(l) !== l.final);
    const err = (q: number, l: Line) => Math.abs(q - l.actual);
    const improved = moved.filter((l) => err(plan(l), l) < err(l.final, l)).length;
    const worsened = moved.filter((l) => err(plan(l), l) > err(l.final, l)).length;
    expect(sim.lines).toBe(lines.length);
    expect(sim.changedLines).toEqual({ changed: moved.length, improved, worsened, neither: moved.length - improved - worsened });
    expect(sim.changedLines.changed).toBe(sim.workload.simulated.linesTouched);
    expect(sim.changedLines.improved).toBe(sim.change.improved);
    expect(sim.changedLines.worsened).toBe(sim.change.worsened);
  });

  it('the stairstep is over the lines with both benchmarks, the headline over all: the lines left out are counted', () => {
    const wape = (ls: Line[], q: (l: Line) => number) => (100 * ls.reduce((s, l) => s + Math.abs(q(l) - l.actual), 0)) / ls.reduce((s, l) => s + l.actual, 0);
    const final = sim.stairstep.baseline.steps.find((s) => s.source === 'final')!;
    expect(sim.withoutBenchmarks).toBeGreaterThan(0);
    expect(final.n).toBe(sim.lines - sim.withoutBenchmarks);
    expect(sim.change.before).toBeCloseTo(wape(lines, (l) => l.final), 9);
    expect(final.value).not.toBeCloseTo(sim.change.before!, 2);
  });
});
