import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { governingPolicy, policyResolver } from '../../electron/backend/decisions/policy';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { MethodName } from '../../shared/methods';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';
import { DEMO_PASSPHRASE } from '../../shared/domain';
import { signInAs } from '../helpers/people';

async function ok<M extends MethodName>(ctx: BackendContext, method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
  const r = await dispatch(ctx, method, payload);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value as ResponseOf<M>;
}
const snapshot = (ctx: BackendContext) => ctx.db.prepare('SELECT * FROM line_state ORDER BY line_id').all();

/** Records every statement the backend prepares or executes on the connection. */
function recordSql(db: Database.Database): string[] {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  const exec = db.exec.bind(db);
  db.prepare = ((sql: string) => (seen.push(sql), prepare(sql))) as typeof db.prepare;
  db.exec = ((sql: string) => (seen.push(sql), exec(sql))) as typeof db.exec;
  return seen;
}

describe('the final-plan projection', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  const line = (item: string, lag: number) =>
    ctx.db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE i.item_id = ? AND l.lag = ?').pluck().get(item, lag) as number;

  beforeEach(async () => {
    t = tempDir('fwb-projection-');
    ({ ctx, runId } = await smallWorkbook(t.dir));
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  /** A bit of everything: accepts, overrides, pending, approved, rejected, undos, bulk, release. */
  async function mixOfOperations(): Promise<void> {
    const ana = () => ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const ben = () => ok(ctx, 'signIn', { userId: 'ben', displayName: 'Ben', role: 'planner' });
    const maria = () => signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
    await maria();
    await ok(ctx, 'savePolicy', { segmentType: 'abc_class', segmentValue: 'C', modelRole: 'decide', approvalPct: 25, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 });
    await ana();
    await ok(ctx, 'decideLine', { lineId: line('SKU-1', 1), action: 'override', quantity: 130, reasonCode: 'promotion' });
    const p1 = await ok(ctx, 'decideLine', { lineId: line('SKU-1', 1), action: 'override', quantity: 200, reasonCode: 'promotion', comment: 'x' });
    const p2 = await ok(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'override', quantity: 10, reasonCode: 'lost_business', comment: 'delisted' });
    await ok(ctx, 'decideLine', { lineId: line('SKU-1', 3), action: 'override', percent: 5, reasonCode: 'promotion' });
    await ok(ctx, 'undoLastDecision', {});
    await ben();
    await ok(ctx, 'decideLine', { lineId: line('SKU-2', 1), action: 'accept' });
    const p3 = await ok(ctx, 'decideLine', { lineId: line('SKU-2', 2), action: 'override', quantity: 500, reasonCode: 'new_customer', comment: 'y' });
    await ok(ctx, 'bulkAccept', { runId, filter: { category: 'Snacks' } });
    await maria();
    await ok(ctx, 'reviewOverride', { decisionId: p1.decision.decisionId, verdict: 'approved' });
    await ok(ctx, 'reviewOverride', { decisionId: p2.decision.decisionId, verdict: 'rejected', note: 'too low' });
    expect(p3.lineState.status).toBe('pending_approval');
    await ok(ctx, 'releaseRun', { runId });
  }

  it('is rebuilt from the journal alone exactly as the writes left it', async () => {
    await mixOfOperations();
    const before = snapshot(ctx);
    expect(before.map((r) => (r as { status: string }).status).sort()).toEqual(['approved', 'final', 'final', 'final', 'final', 'final', 'pending_approval', 'rejected', 'undecided']);
    expect(rebuildLineState(ctx.db)).toBe(9);
    expect(snapshot(ctx)).toEqual(before);
    rebuildLineState(ctx.db, runId);
    expect(snapshot(ctx)).toEqual(before);
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('never updates or deletes a journal row', async () => {
    const statements = recordSql(ctx.db);
    await mixOfOperations();
    expect(statements.length).toBeGreaterThan(20);
    const rewrite = /\b(UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(decisions|approvals|audit_log)\b/i;
    expect(statements.filter((sql) => rewrite.test(sql))).toEqual([]);
    const triggers = ctx.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('decisions', 'approvals') ORDER BY name").pluck().all();
    // …and the rules of imported history (migration 6, issue 12.1).
    expect(triggers).toEqual([
      'approvals_append_only_delete',
      'approvals_append_only_update',
      'approvals_not_by_author',
      'decisions_append_only_delete',
      'decisions_append_only_update',
      'decisions_history_before_the_app',
      'decisions_history_credits_nobody',
      'decisions_history_on_closed_lines',
      'decisions_recorded_by_only_imported',
    ]);
  });

  it('is caught by fwb check when it no longer matches the journal', async () => {
    await mixOfOperations();
    const id = line('SKU-1', 2);
    ctx.db.prepare('UPDATE line_state SET final_quantity = 10 WHERE line_id = ?').run(id);
    const report = checkWorkbook(ctx.db);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ check: 'line_state', message: `line_state of line ${id} differs from the journal`, entityId: String(id) });
    ctx.db.prepare('DELETE FROM line_state WHERE line_id = ?').run(line('SKU-2', 1));
    expect(checkWorkbook(ctx.db).problems.filter((p) => p.check === 'line_state')).toHaveLength(2);
    rebuildLineState(ctx.db);
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });
});

describe('the projection of a demo workbook', () => {
  const t = tempDir('fwb-projection-demo-');
  afterAll(() => t.cleanup());

  it('exists after generateDemo, checks, and takes new decisions, also read-only checked', async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    const summary = generateDemo(db, { items: 30 });
    const touched = db.prepare('SELECT count(DISTINCT line_id) FROM decisions').pluck().get();
    expect(db.prepare('SELECT count(*) FROM line_state').pluck().get()).toBe(touched);
    expect(db.prepare("SELECT count(*) FROM line_state WHERE status IN ('approved', 'rejected')").pluck().get()).toBeGreaterThan(0);
    expect(checkWorkbook(db).ok).toBe(true);

    // The fast resolver agrees with the one-item lookup for every item.
    const resolve = policyResolver(db);
    for (const item of db.prepare('SELECT item_key AS itemKey, category, abc_class AS abcClass FROM items').all() as { itemKey: number; category: string | null; abcClass: string | null }[]) {
      expect(resolve(item).policyId).toBe(governingPolicy(db, item.itemKey).policyId);
    }
    expect(governingPolicy(db, (db.prepare("SELECT item_key FROM items WHERE category = 'Household' LIMIT 1").pluck().get() as number)).segmentValue).toBe('Household');

    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => undefined, stagingDir: join(t.dir, 'staging') };
    const planner = db.prepare("SELECT owner_id FROM items i JOIN forecast_lines l USING (item_key) WHERE l.run_id = ? AND i.category <> 'Household' LIMIT 1").pluck().get(summary.currentRunId) as string;
    const who = db.prepare('SELECT display_name FROM users WHERE user_id = ?').pluck().get(planner) as string;
    await ok(ctx, 'signIn', { userId: planner, displayName: who, role: 'planner' });
    const result = await ok(ctx, 'bulkAccept', { runId: summary.currentRunId, filter: { owner: planner } });
    expect(result.accepted).toBeGreaterThan(0);
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: DEMO_PASSPHRASE });
    const release = await ok(ctx, 'releaseRun', { runId: summary.currentRunId });
    expect(release.review!.autoFinalised).toBeGreaterThan(0); // the demo's class C policy has role 'decide'
    db.close();

    const readonly = await openWorkbook(path, { readonly: true });
    expect(checkWorkbook(readonly.db)).toMatchObject({ ok: true, firstProblem: null });
    readonly.db.close();
  });
});
