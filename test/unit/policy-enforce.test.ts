// An adopted policy (Governance › Policy lab) applies to new overrides on every
// path into the journal — the API (the editor's save), decision import and the
// command line's import — on runs after the version's after-run, and nowhere
// else; the plan and its accuracy take the applied value, the planner's asked
// value is kept beside it (issue 16, item 3). Tried like a planner who would go
// around it: through each path, and on an older run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { readLineState } from '../../electron/backend/decisions/projection';
import { importFile } from '../../electron/backend/imports/import-file';
import type { ImportOptions } from '../../electron/backend/imports/types';
import { runCli } from '../../electron/cli/main';
import type { CandidatePolicy } from '../../shared/policy-lab';
import { readLineFacts } from '../../electron/backend/policy-lab/line-facts';
import { ok, refused } from '../helpers/api';
import { expectSameLineFacts, lineFactsByOneJoin } from '../helpers/line-facts-oracle';
import { addPeople, signInAs } from '../helpers/people';
import { tempDir } from '../helpers/workbook';
import { all, newWorkbook, one, writeLines } from '../fixtures/import/v_harness';

/** Household: every lever but "model decides", its own approval threshold (15 %, the workbook's is 25 %); Snacks: the model decides alone. */
const V1: CandidatePolicy = {
  rules: [
    { segment: { by: 'category', value: 'Household' }, levers: { minChangePct: 5, dampUp: 0.5, dampDown: 0.8, capPct: 30, approvalPct: 15 } },
    { segment: { by: 'category', value: 'Snacks' }, levers: { modelDecides: true } },
  ],
};
const V2: CandidatePolicy = { rules: [{ segment: { by: 'all', value: '*' }, levers: { dampUp: 0.25 } }] };
const HOUSEHOLD = ['A', 'C', 'D', 'E'];
const MODEL = 100;
const HEADER = 'item,period,final,reason,comment,decided_by,decided_at,model,origin';

/**
 * The levers written out again here, from the policy's meaning, not from the
 * backend's code: what a Household override of 100 to `asked` must become.
 */
function expectedHousehold(asked: number): { applied: number; waits: boolean } {
  const change = asked - MODEL;
  if (Math.abs(change) < 5) return { applied: MODEL, waits: false };
  const damped = change * (change > 0 ? 0.5 : 0.8);
  const capped = Math.max(-30, Math.min(30, damped));
  return { applied: MODEL + capped, waits: Math.abs(capped) > 15 };
}

let t: ReturnType<typeof tempDir>;
let ctx: BackendContext;
let db: Db;
const imp = (options: ImportOptions, name: string, lines: string[]) => importFile(ctx, writeLines(t.dir, name, lines), options);
const runId = (origin: number) => one<number>(db, "SELECT run_id FROM forecast_runs WHERE model_name = 'ets' AND origin = ?", origin);
const lineId = (origin: number, item: string, period: number) =>
  one<number>(db, "SELECT l.line_id FROM forecast_lines l JOIN forecast_runs r USING (run_id) JOIN items i USING (item_key) WHERE r.model_name = 'ets' AND r.origin = ? AND i.item_id = ? AND l.period = ?", origin, item, period);
const forecast = (origin: string, months: string[]) => imp({ kind: 'forecasts', model: 'ets', origin, user: 'sam' }, `ets-${origin}.csv`, ['sku,month,fcst', ...months.flatMap((m) => [...HOUSEHOLD, 'B'].map((i) => `${i},${m},${MODEL}`))]);
const decided = (id: number) => db.prepare('SELECT quantity, asked_quantity AS asked, policy_version AS version, status FROM decisions WHERE line_id = ? ORDER BY decision_id DESC LIMIT 1').get(id) as { quantity: number; asked: number | null; version: number | null; status: string };

async function fwbImport(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['import', '--db', ctx.path, ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

beforeAll(async () => {
  t = tempDir('fwb-policy-enforce-');
  ({ ctx, db } = await newWorkbook(t.dir));
  await addPeople(ctx, { userId: 'mia', displayName: 'Mia Manager' }, [
    { userId: 'sam', displayName: 'Sam Analyst', role: 'analyst' },
    { userId: 'ana', displayName: 'Ana Silva', role: 'planner' },
  ]);
  await imp({ kind: 'items', user: 'sam' }, 'items.csv', ['sku,name,category,planner', ...HOUSEHOLD.map((i) => `${i},Item ${i},Household,ana`), 'B,Banana,Snacks,ana']);
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 6 + i, 1)).toISOString().slice(0, 10)); // 2025-07 … 2026-06
  await imp({ kind: 'actuals', user: 'sam' }, 'actuals.csv', ['sku,month,sales', ...months.flatMap((m) => [...HOUSEHOLD, 'B'].map((i) => `${i},${m},100`))]);
  // The run of the adoption: May and June closed (the lab replays them), July open.
  await forecast('2026-04-01', ['2026-05-01', '2026-06-01', '2026-07-01']);
  await signInAs(ctx, { userId: 'mia', role: 'manager' });
  const v1 = await ok(ctx, 'adoptPolicy', { policy: V1, note: 'upward tweaks count half' });
  expect(v1.afterRunId).toBe(runId(20260401));
  await ok(ctx, 'signOut', {});
  // "From the next run": the run the planners work on now.
  await forecast('2026-06-01', ['2026-07-01', '2026-08-01', '2026-09-01']);
});
afterAll(() => {
  db.close();
  t.cleanup();
});

describe('the API: decideLine, as the editor saves', () => {
  const CASES: [item: string, asked: number][] = [
    ['A', 102], // below the minimum change: the model stands
    ['C', 120], // upward damped by half
    ['D', 70], // downward damped by 0.8 to -24 %: over the rule's approval threshold of 15 % (not the workbook's 25 %)
    ['E', 200], // damped, then capped at 30 %: waits too
  ];

  it('applies every lever of the rule holding the line, keeps what was asked, and the preview said so before', async () => {
    await signInAs(ctx, { userId: 'ana', role: 'planner' });
    for (const [item, asked] of CASES) {
      const id = lineId(20260601, item, 20260801);
      const want = expectedHousehold(asked);
      const preview = await ok(ctx, 'previewOverride', { lineId: id, quantity: asked });
      expect(preview.applies).toMatchObject({ version: 1, asked, applied: want.applied, refused: false, changed: want.applied !== asked, adoptedByName: 'Mia Manager', sinceRunId: runId(20260601) });
      expect(preview.applies!.approval !== null).toBe(want.waits);
      const out = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: asked, reasonCode: 'promotion', comment: 'seen in the field' });
      expect(out.decision).toMatchObject({ quantity: want.applied, askedQuantity: asked, policyVersion: 1, status: want.waits ? 'pending_approval' : 'final' });
      // Waiting for a manager, the plan keeps the model meanwhile, as for any override over the threshold.
      expect(out.lineState.finalQuantity).toBe(want.waits ? MODEL : want.applied);
    }
  });

  it('words the preview as the planner sees it', async () => {
    const c = await ok(ctx, 'previewOverride', { lineId: lineId(20260601, 'C', 20260901), quantity: 120 });
    expect(c.applies!.text).toBe(`This +20 % will be applied as +10 % (110): upward overrides in Household count half since run ${runId(20260601)} (policy v1, adopted by Mia Manager on 2026-10-31).`);
    const a = await ok(ctx, 'previewOverride', { lineId: lineId(20260601, 'A', 20260901), quantity: 103 });
    expect(a.applies!.text).toBe(`This +3 % will not be applied (the plan keeps the model, 100): changes under 5 % are not applied in Household since run ${runId(20260601)} (policy v1, adopted by Mia Manager on 2026-10-31).`);
    const e = await ok(ctx, 'previewOverride', { lineId: lineId(20260601, 'E', 20260901), quantity: 200 });
    expect(e.applies!.text).toContain('upward overrides in Household count half and changes in Household are capped at 30 %');
    expect(e.applies!.approval).toBe('above 15 %');
    expect((await ok(ctx, 'previewOverride', { lineId: lineId(20260601, 'C', 20260901), quantity: 120 })).applies!.approval).toBeNull();
  });

  it('refuses an override where the model decides alone, writing nothing', async () => {
    const id = lineId(20260601, 'B', 20260801);
    const error = await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 120, reasonCode: 'promotion', comment: 'x' });
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe(`The model decides alone in Snacks since run ${runId(20260601)} (policy v1, adopted by Mia Manager on 2026-10-31): an override is not applied here; accept the line, or ask a manager to change the policy in Governance › Policy lab.`);
    expect(one(db, 'SELECT count(*) FROM decisions WHERE line_id = ?', id)).toBe(0);
    // By percent or by adopting the sales input it is the same override.
    expect((await refused(ctx, 'decideLine', { lineId: id, action: 'override', percent: 10, reasonCode: 'promotion' })).message).toMatch(/^The model decides alone/);
    expect((await ok(ctx, 'previewOverride', { lineId: id, quantity: 120 })).applies).toMatchObject({ refused: true, applied: MODEL });
    // Accepting the model is still open.
    await ok(ctx, 'decideLine', { lineId: id, action: 'accept' });
  });

  it('leaves a run at or before the version’s after-run as it was', async () => {
    const id = lineId(20260401, 'C', 20260701);
    expect((await ok(ctx, 'previewOverride', { lineId: id, quantity: 120 })).applies).toBeNull();
    const out = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 120, reasonCode: 'promotion' });
    expect(out.decision.quantity).toBe(120);
    expect(out.decision).not.toHaveProperty('askedQuantity');
    expect(out.lineState.finalQuantity).toBe(120);
    const snack = lineId(20260401, 'B', 20260701);
    expect((await ok(ctx, 'decideLine', { lineId: snack, action: 'override', quantity: 90, reasonCode: 'promotion' })).lineState.finalQuantity).toBe(90);
  });

  it('shows asked and applied in the line’s history, and the audit log and fwb check agree with the journal', async () => {
    const journal = await ok(ctx, 'getLineJournal', { lineId: lineId(20260601, 'C', 20260801) });
    expect(journal.decisions.at(-1)).toMatchObject({ quantity: 110, askedQuantity: 120, policyVersion: 1 });
    const entry = db.prepare("SELECT payload FROM audit_log WHERE entity = 'decision' AND entity_id = ?").pluck().get(String(journal.decisions.at(-1)!.decisionId)) as string;
    expect(JSON.parse(entry)).toMatchObject({ quantity: 110, askedQuantity: 120, policyVersion: 1 });
    expect(checkWorkbook(db).problems).toEqual([]);
    await ok(ctx, 'signOut', {});
  });
});

describe('decision import, through the API and through fwb import', () => {
  beforeAll(async () => {
    // A newer run of ets: the June run's lines take history now (migration 6's rule).
    await forecast('2026-07-01', ['2026-08-01', '2026-09-01', '2026-10-01']);
  });

  const rows = (period: string, cases: [string, number][]) => cases.map(([item, final]) => `${item},${period},${final},promotion,seen,Ana Silva,2026-06-20T09:00:00Z,ets,2026-06-01`);

  it('lands each override as the policy applies it, the file’s figure kept as asked, and quarantines where the model decides', async () => {
    const r = await imp({ kind: 'decisions', user: 'sam' }, 'history-jul.csv', [HEADER, ...rows('2026-07-01', [['A', 103], ['C', 130], ['D', 60], ['E', 180], ['B', 120]])]);
    expect(r).toMatchObject({ rowsRead: 5, rowsAccepted: 4, rowsQuarantined: 1 });
    expect(r.errors).toEqual([{ row: 6, column: 'final', reason: expect.stringMatching(/^The model decides alone in Snacks since run \d+ \(policy v1, adopted by Mia Manager on 2026-10-31\)/) }]);
    for (const [item, asked] of [['A', 103], ['C', 130], ['D', 60], ['E', 180]] as const) {
      const id = lineId(20260601, item, 20260701);
      const applied = expectedHousehold(asked).applied;
      // History is final: it was decided before; no approval waits on it.
      expect(decided(id)).toEqual({ quantity: applied, asked, version: 1, status: 'final' });
      expect(readLineState(db, id).finalQuantity).toBe(applied);
    }
    expect(one(db, 'SELECT count(*) FROM decisions WHERE line_id = ?', lineId(20260601, 'B', 20260701))).toBe(0);
  });

  it('does the same through fwb import --kind decisions, and leaves the older run as the file says', async () => {
    const file = writeLines(t.dir, 'history-sep.csv', [HEADER, ...rows('2026-09-01', [['A', 96], ['C', 112], ['D', 90], ['E', 150], ['B', 80]]), 'C,2026-05-01,150,promotion,seen,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01']);
    const out = await fwbImport('--kind', 'decisions', '--json', file);
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({ rowsAccepted: 5, rowsQuarantined: 1, errors: [{ row: 6, column: 'final', reason: expect.stringMatching(/^The model decides alone in Snacks/) }] });
    for (const [item, asked] of [['A', 96], ['C', 112], ['D', 90], ['E', 150]] as const) {
      const applied = expectedHousehold(asked).applied;
      expect(decided(lineId(20260601, item, 20260901))).toEqual({ quantity: applied, asked: applied === asked ? null : asked, version: applied === asked ? null : 1, status: 'final' });
    }
    // The run of the adoption is older: the file's figure stands.
    expect(decided(lineId(20260401, 'C', 20260501))).toEqual({ quantity: 150, asked: null, version: null, status: 'final' });
    expect(checkWorkbook(db).problems).toEqual([]);
  });
});

describe('a later version', () => {
  it('governs the runs after it only; the earlier version keeps the runs between', async () => {
    await signInAs(ctx, { userId: 'mia', role: 'manager' });
    const v2 = await ok(ctx, 'adoptPolicy', { policy: V2 });
    expect(v2).toMatchObject({ version: 2, afterRunId: runId(20260701) });
    await forecast('2026-08-01', ['2026-09-01', '2026-10-01', '2026-11-01']);
    await signInAs(ctx, { userId: 'ana', role: 'planner' });
    // The newest run: v2's one rule (upward × 0.25, for all items, Snacks too).
    const newest = await ok(ctx, 'decideLine', { lineId: lineId(20260801, 'B', 20261001), action: 'override', quantity: 120, reasonCode: 'promotion' });
    expect(newest.decision).toMatchObject({ quantity: 105, askedQuantity: 120, policyVersion: 2, status: 'final' });
    // A rule without thresholds of its own leaves the workbook's (25 %): +200 % counts +50 %, which waits.
    const large = await ok(ctx, 'decideLine', { lineId: lineId(20260801, 'A', 20261001), action: 'override', quantity: 300, reasonCode: 'promotion', comment: 'launch' });
    expect(large.decision).toMatchObject({ quantity: 150, askedQuantity: 300, policyVersion: 2, status: 'pending_approval' });
    // The July run came before v2: still v1's.
    const between = await ok(ctx, 'decideLine', { lineId: lineId(20260701, 'C', 20261001), action: 'override', quantity: 120, reasonCode: 'promotion' });
    expect(between.decision).toMatchObject({ quantity: 110, askedQuantity: 120, policyVersion: 1 });
    expect((await refused(ctx, 'decideLine', { lineId: lineId(20260701, 'B', 20261001), action: 'override', quantity: 120, reasonCode: 'promotion' })).message).toMatch(/^The model decides alone in Snacks .*policy v1/);
    await ok(ctx, 'signOut', {});
  });
});

describe('accuracy', () => {
  it('scores the applied plan: the final step and its FVA equal a recomputation from the applied values, not the asked ones', async () => {
    const actual = { A: 104, C: 112, D: 80, E: 120, B: 95 } as Record<string, number>;
    const months = ['2026-07-01', '2026-08-01', '2026-09-01'];
    await imp({ kind: 'actuals', user: 'sam' }, 'actuals-q3.csv', ['sku,month,sales', ...months.flatMap((m) => Object.entries(actual).map(([i, q]) => `${i},${m},${q}`))]);
    const run = runId(20260601);
    const overview = await ok(ctx, 'getAccuracyOverview', { filter: { runId: run }, metric: 'wape' });
    const lines = all<{ line_id: number; item: string; model: number; final: number | null; asked: number | null }>(
      db,
      `SELECT l.line_id, i.item_id AS item, l.quantity AS model, ls.final_quantity AS final,
              (SELECT coalesce(d.asked_quantity, d.quantity) FROM decisions d WHERE d.decision_id = ls.decision_id AND d.status = 'final') AS asked
         FROM forecast_lines l JOIN items i USING (item_key) LEFT JOIN line_state ls USING (line_id) WHERE l.run_id = ?`,
      run,
    );
    expect(lines).toHaveLength(15);
    const wape = (plan: (l: (typeof lines)[number]) => number) => (100 * lines.reduce((s, l) => s + Math.abs(plan(l) - actual[l.item]!), 0)) / lines.reduce((s, l) => s + actual[l.item]!, 0);
    const applied = wape((l) => l.final ?? l.model);
    const asked = wape((l) => l.asked ?? l.final ?? l.model);
    const model = wape((l) => l.model);
    expect(Math.abs(applied - asked)).toBeGreaterThan(1); // the test can tell them apart
    const step = (source: string) => overview.stairstep.steps.find((s) => s.source === source)!;
    expect(overview.stairstep.n).toBe(15);
    expect(step('model').value).toBeCloseTo(model, 9);
    expect(step('final').value).toBeCloseTo(applied, 9);
    expect(step('final').fva).toBeCloseTo(model - applied, 9);
  });
});

describe('the policy lab on a run the policy already governs', () => {
  it('replays from what the planner asked, so the policy in force changes nothing there and is not applied twice', async () => {
    const run = runId(20260601);
    const household = { rules: [V1.rules[0]!] };
    const same = await ok(ctx, 'simulatePolicy', { policy: household, metric: 'wape', filter: { runId: run } });
    // C was asked 120 and applied as 110: damping the applied 110 again would plan 105.
    expect(same.change.unchanged).toBe(same.change.n);
    expect(same.stairstep.simulated.steps.find((s) => s.source === 'final')!.value).toBeCloseTo(same.stairstep.baseline.steps.find((s) => s.source === 'final')!.value!, 9);
    // Another damping still changes the run: it acts on the asked figure too.
    const quarter = await ok(ctx, 'simulatePolicy', { policy: { rules: [{ segment: { by: 'category', value: 'Household' }, levers: { dampUp: 0.25 } }] }, metric: 'wape', filter: { runId: run } });
    const cLine = lineId(20260601, 'C', 20260801);
    expect(decided(cLine)).toMatchObject({ quantity: 110, asked: 120 });
    expect(quarter.change.unchanged).toBeLessThan(quarter.change.n);
  });

  it('reads the same line facts as the single SQL join of the first read (the enforced override’s asked figure kept)', () => {
    const dims = ['abc_class', 'category'] as const;
    const facts = readLineFacts(db, {}, 'wape', [...dims]);
    expectSameLineFacts(facts, lineFactsByOneJoin(db, {}, 'wape', [...dims]));
    const c = Array.from(facts.lineId).indexOf(lineId(20260601, 'C', 20260801));
    expect([facts.final[c], facts.asked[c]]).toEqual([110, 120]);
  });
});
