// The accuracy engine on the demo workbook: the planted patterns (Fildes et al.
// 2009) come out of the direction × size table with the right signs, the
// bootstrap is reproducible for a seed, guidance follows the typed quantity, the
// trust map judges every category, and the drift guard finds the planted drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { driftReport, runDriftGuard } from '../../electron/backend/accuracy/drift';
import { GUIDANCE_MIN_SAMPLE, overrideGuidance } from '../../electron/backend/accuracy/guidance';
import { directionSizeTable } from '../../electron/backend/accuracy/slices';
import { fvaStairstep } from '../../electron/backend/accuracy/stairstep';
import { trustMap } from '../../electron/backend/accuracy/trust';
import { overrideScatter } from '../../electron/backend/accuracy/scatter';
import { dispatch } from '../../electron/backend/api';
import { verifyAuditChain } from '../../electron/backend/audit/chain';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

let db: Db;
let cleanup: () => void;
let ctx: BackendContext;

beforeAll(async () => {
  const t = tempDir('fwb-acc-demo-');
  cleanup = t.cleanup;
  db = (await openWorkbook(`${t.dir}/demo.sqlite`, { now: FIXED_NOW })).db;
  generateDemo(db, { items: 500, seed: 42 });
  ctx = { db, path: `${t.dir}/demo.sqlite`, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  ensureAccuracyCube(db);
}, 60_000);
afterAll(() => {
  db.close();
  cleanup();
});

describe('the demo’s planted patterns', () => {
  it('small and upward overrides lose accuracy, larger downward ones add it', () => {
    const cells = directionSizeTable(db, {}, 'wape').cells;
    const cell = (direction: 'up' | 'down', bucket: number) => cells.find((c) => c.direction === direction && c.sizeBucket === bucket)!;
    for (let bucket = 0; bucket < 5; bucket++) {
      expect(cell('up', bucket).n).toBeGreaterThan(100);
      expect(cell('up', bucket).fva!).toBeLessThan(0);
      expect(cell('up', bucket).ci!.high).toBeLessThan(0);
    }
    expect(cell('up', 0).fva!).toBeGreaterThan(cell('up', 3).fva!); // the bigger upward ones hurt more
    for (const bucket of [2, 3]) {
      expect(cell('down', bucket).fva!).toBeGreaterThan(0);
      expect(cell('down', bucket).ci!.low).toBeGreaterThan(0);
    }
    expect(cell('down', 0).fva!).toBeLessThan(cell('down', 3).fva!);
  });

  it('the model beats both benchmarks and the final plan loses to the model, as planted', () => {
    const s = fvaStairstep(db, {}, 'wape');
    const [naive, seasonal, model, final] = s.steps.map((x) => x.value!);
    expect(naive).toBeCloseTo(27.2, 1);
    expect(seasonal).toBeCloseTo(22.7, 1);
    expect(model).toBeLessThan(seasonal!);
    expect(final).toBeGreaterThan(model!);
    expect(s.steps[3]!.ci!.high).toBeLessThan(0);
  });
});

describe('the bootstrap interval', () => {
  it('is the same for the same seed and moves with another seed', () => {
    const a = fvaStairstep(db, { category: 'Snacks' }, 'wape', 7).steps[3]!.ci!;
    const b = fvaStairstep(db, { category: 'Snacks' }, 'wape', 7).steps[3]!.ci!;
    const c = fvaStairstep(db, { category: 'Snacks' }, 'wape', 8).steps[3]!.ci!;
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.low).toBeLessThan(a.high);
  });
});

describe('guidance while deciding', () => {
  const snacksLine = () =>
    db
      .prepare("SELECT fl.line_id AS lineId, fl.quantity FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key WHERE i.category = 'Snacks' AND fl.quantity > 100 ORDER BY fl.line_id DESC LIMIT 1")
      .get() as { lineId: number; quantity: number };

  it('follows the typed quantity into its direction and size bucket', () => {
    const { lineId, quantity } = snacksLine();
    const small = overrideGuidance(db, { lineId, quantity: quantity * 1.03 });
    const large = overrideGuidance(db, { lineId, quantity: quantity * 1.3 });
    const down = overrideGuidance(db, { lineId, quantity: quantity * 0.75 });
    expect([small.direction, small.sizeLabel]).toEqual(['up', '< 5 %']);
    expect([large.direction, large.sizeLabel]).toEqual(['up', '20–50 %']);
    expect([down.direction, down.sizeLabel]).toEqual(['down', '20–50 %']);
    expect(large.n).toBeGreaterThanOrEqual(GUIDANCE_MIN_SAMPLE);
    expect(large.verdict).toBe('hurt');
    expect(large.text).toMatch(/^Similar overrides hurt: \d+ past up 20–50 % overrides for any reason in Snacks/);
    expect(large.fva!).toBeLessThan(0);
  });

  it('says plainly when there are too few similar overrides', () => {
    const { lineId, quantity } = snacksLine();
    const rare = overrideGuidance(db, { lineId, quantity: quantity * 0.97, reasonCode: 'lost_business' });
    expect(rare.n).toBeLessThan(GUIDANCE_MIN_SAMPLE);
    expect(rare.verdict).toBe('too_few');
    expect(rare.text).toMatch(/^Too few to tell: \d+ similar past down < 5 % overrides for lost business in Snacks/);
  });

  it('is served by the API, which validates the request', async () => {
    const { lineId, quantity } = snacksLine();
    const ok = await dispatch(ctx, 'getOverrideGuidance', { lineId, quantity: quantity * 1.3, reasonCode: 'promotion' });
    expect(ok.ok && (ok.value as { reasonCode: string }).reasonCode).toBe('promotion');
    const bad = await dispatch(ctx, 'getOverrideGuidance', { lineId, quantity: -1 });
    expect(bad.ok).toBe(false);
  });
});

describe('trust map and drift', () => {
  it('judges every category in plain words, with coverage near the 80 % interval', () => {
    const map = trustMap(db);
    expect(map.segments.map((s) => s.segment)).toEqual(['Beverages', 'Household', 'Personal Care', 'Snacks']);
    for (const s of map.segments) {
      expect(s.cycles).toBe(9);
      expect(s.text.length).toBeGreaterThan(20);
      expect(s.coverage!).toBeGreaterThan(70);
      expect(s.coverage!).toBeLessThan(90);
      expect(s.intervalLevel).toBe(80);
    }
    const personal = map.segments.find((s) => s.segment === 'Personal Care')!;
    expect(personal.verdict).toBe('trust_model');
    expect(personal.text).toMatch(/^Model reliable here: overrides lost accuracy in \d of the last 9 cycles\.$/);
  });

  it('the demo’s drift (model 2.4 on Snacks) raised an alert and stepped Snacks down to assist, audited', () => {
    const snacks = driftReport(db).find((s) => s.segmentValue === 'Snacks')!;
    expect(snacks.drifting).toBe(true);
    expect(snacks.recent! - snacks.baseline!).toBeGreaterThan(snacks.threshold!);
    expect(driftReport(db).filter((s) => s.drifting).map((s) => s.segmentValue)).toEqual(['Snacks']);
    const alerts = db.prepare('SELECT segment_type, segment_value, resolved_at FROM drift_alerts').all();
    expect(alerts).toEqual([{ segment_type: 'category', segment_value: 'Snacks', resolved_at: null }]);
    const policy = db.prepare("SELECT model_role, stepped_down_at FROM policies WHERE segment_type = 'category' AND segment_value = 'Snacks'").get() as { stepped_down_at: string | null };
    expect(policy.stepped_down_at).not.toBeNull();
    const audit = db.prepare("SELECT action FROM audit_log WHERE action IN ('drift.alert', 'policy.step_down') ORDER BY audit_id").pluck().all();
    expect(audit).toEqual(['drift.alert', 'policy.step_down']);
    expect(verifyAuditChain(db).ok).toBe(true);
    // An open alert is not raised twice.
    expect(runDriftGuard(db, FIXED_NOW()).raised).toEqual([]);
    expect(trustMap(db).segments.find((s) => s.segment === 'Snacks')!.drift!.drifting).toBe(true);
  });
});

describe('the override scatter', () => {
  // The sample as first written: every overridden line with its actual, in the fixed order, the first N.
  const reference = (where: string, params: Record<string, string>, limit: number) =>
    db
      .prepare(
        `SELECT fl.line_id FROM line_state ls JOIN forecast_lines fl ON fl.line_id = ls.line_id JOIN forecast_runs r ON r.run_id = fl.run_id JOIN items i ON i.item_key = fl.item_key
           JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period
          WHERE ls.final_quantity <> fl.quantity AND a.superseded_at IS NULL AND fl.quantity > 0 ${where}
          ORDER BY (fl.line_id * 2654435761) % 4294967296 LIMIT ${limit}`,
      )
      .pluck()
      .all(params) as number[];

  it('is the lowest lines in its fixed order, whether the first bound fills it or a wider one must', () => {
    for (const limit of [5, 60, 400, 100_000]) {
      expect(overrideScatter(db, {}, limit).map((p) => p.lineId)).toEqual(reference('', {}, limit));
      expect(overrideScatter(db, { category: 'Snacks' }, limit).map((p) => p.lineId)).toEqual(reference('AND i.category = @category', { category: 'Snacks' }, limit));
    }
    expect(reference('', {}, 100_000).length).toBeGreaterThan(400);
  });
});
