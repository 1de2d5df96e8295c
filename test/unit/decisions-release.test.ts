import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { policyAuditPayload, type PolicyRow } from '../../electron/backend/audit/payloads';
import { canonicalJson } from '../../electron/backend/audit/chain';
import type { BackendContext } from '../../electron/backend/context';
import type { RequestOf } from '../../shared/contract';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { signInAs } from '../helpers/people';
import { ok, refused } from '../helpers/api';

const policy = (over: Partial<RequestOf<'savePolicy'>>): RequestOf<'savePolicy'> => ({
  segmentType: 'all',
  segmentValue: '*',
  modelRole: 'assist',
  approvalPct: 25,
  approvalUnits: 1000,
  freezeLags: 0,
  commentPct: 20,
  driftThresholdPts: 5,
  ...over,
});

describe('policies, reason codes, releases and rollback', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  const line = (item: string, lag: number) =>
    ctx.db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE i.item_id = ? AND l.lag = ?').pluck().get(item, lag) as number;
  const releaseLines = (version: number) =>
    ctx.db
      .prepare('SELECT rl.line_id, rl.final_quantity, rl.source, rl.decision_id FROM release_lines rl JOIN releases r USING (release_id) WHERE r.run_id = ? AND r.version = ? ORDER BY rl.line_id')
      .all(runId, version);
  const asAna = () => ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
  const asMaria = () => signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });

  beforeEach(async () => {
    t = tempDir('fwb-release-');
    ({ ctx, runId } = await smallWorkbook(t.dir));
    await asMaria();
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('saves policies with validation and an audit entry of the policy as it now stands', async () => {
    const saved = await ok(ctx, 'savePolicy', policy({ segmentType: 'category', segmentValue: 'Snacks', modelRole: 'trigger', approvalPct: null, freezeLags: 1 }));
    expect(saved).toMatchObject({ segmentType: 'category', segmentValue: 'Snacks', modelRole: 'trigger', effectiveRole: 'trigger', approvalPct: null, freezeLags: 1, updatedBy: 'maria.lopez' });
    const row = ctx.db.prepare('SELECT * FROM policies WHERE policy_id = ?').get(saved.policyId) as PolicyRow;
    const audit = ctx.db.prepare("SELECT action, payload FROM audit_log WHERE entity = 'policy' ORDER BY audit_id DESC LIMIT 1").get() as { action: string; payload: string };
    expect(audit).toEqual({ action: 'policy.change', payload: canonicalJson(policyAuditPayload(row)) });
    // Upsert: the same segment again changes the row, not a second one.
    expect((await ok(ctx, 'savePolicy', policy({ segmentType: 'category', segmentValue: 'Snacks', modelRole: 'recommend' }))).policyId).toBe(saved.policyId);
    expect(await refused(ctx, 'savePolicy', policy({ segmentType: 'category', segmentValue: 'Snaks' }))).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/No item has the category "Snaks"/) });
    expect(await refused(ctx, 'savePolicy', policy({ segmentType: 'abc_class', segmentValue: 'D' }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refused(ctx, 'savePolicy', policy({ segmentValue: 'x' }))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refused(ctx, 'savePolicy', policy({ approvalPct: -5 }))).toMatchObject({ code: 'INVALID_REQUEST' });
    const { policies } = await ok(ctx, 'listPolicies', {});
    expect(policies.map((p) => `${p.segmentType}:${p.segmentValue}:${p.modelRole}`)).toEqual(['all:*:assist', 'category:Snacks:recommend']);
  });

  it('steps a drifting segment down to assist until a manager restores it', async () => {
    const decide = await ok(ctx, 'savePolicy', policy({ segmentType: 'abc_class', segmentValue: 'C', modelRole: 'decide' }));
    // What the drift guard does: mark the policy and raise an alert.
    ctx.db.prepare('UPDATE policies SET stepped_down_at = ? WHERE policy_id = ?').run('2026-10-30T00:00:00.000Z', decide.policyId);
    ctx.db.prepare("INSERT INTO drift_alerts (segment_type, segment_value, metric, baseline, current, raised_at) VALUES ('abc_class', 'C', 'wape', 20, 31, '2026-10-30T00:00:00.000Z')").run();
    expect((await ok(ctx, 'listPolicies', {})).policies.find((p) => p.policyId === decide.policyId)).toMatchObject({ modelRole: 'decide', effectiveRole: 'assist' });
    // While stepped down, the release does not finalise class C lines on its own.
    const first = await ok(ctx, 'releaseRun', { runId });
    expect(first.review).toMatchObject({ autoFinalised: 0, releasedWithoutReview: 9 });
    // Saving the policy does not lift the step-down; only a restore does.
    await ok(ctx, 'savePolicy', policy({ segmentType: 'abc_class', segmentValue: 'C', modelRole: 'decide', approvalPct: 30 }));
    await asAna();
    expect(await refused(ctx, 'restorePolicyRole', { policyId: decide.policyId })).toMatchObject({ code: 'FORBIDDEN' });
    await asMaria();
    const restored = await ok(ctx, 'restorePolicyRole', { policyId: decide.policyId });
    expect(restored).toMatchObject({ effectiveRole: 'decide', steppedDownAt: null, approvalPct: 30 });
    expect(ctx.db.prepare('SELECT resolved_by FROM drift_alerts').pluck().get()).toBe('maria.lopez');
    expect(ctx.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'policy.restore'").pluck().get()).toBe(1);
    expect(await refused(ctx, 'restorePolicyRole', { policyId: decide.policyId })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not stepped down/) });
    expect(await refused(ctx, 'restorePolicyRole', { policyId: 999 })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('adds and deactivates reason codes, never deleting them', async () => {
    const added = await ok(ctx, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: true, active: true });
    expect(added).toEqual({ code: 'weather', label: 'Weather', commentRequired: true, active: true, sortOrder: 10 });
    await asAna();
    const id = line('SKU-1', 1);
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 125, reasonCode: 'weather' })).toMatchObject({ message: expect.stringMatching(/"Weather" always needs one/) });
    await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 125, reasonCode: 'weather', comment: 'Heatwave' });
    await asMaria();
    expect(await ok(ctx, 'saveReasonCode', { code: 'weather', label: 'Weather event', commentRequired: true, active: false })).toMatchObject({ active: false, sortOrder: 10 });
    await asAna();
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 126, reasonCode: 'weather', comment: 'x' })).toMatchObject({ message: expect.stringMatching(/no longer in use/) });
    const { reasonCodes } = await ok(ctx, 'listReasonCodes', {});
    expect(reasonCodes).toHaveLength(10);
    expect(reasonCodes.at(-1)).toMatchObject({ code: 'weather', active: false });
    expect(await refused(ctx, 'saveReasonCode', { code: 'Bad Code', label: 'x', commentRequired: false, active: true })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(ctx.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'reason_code.change'").pluck().get()).toBe(2);
  });

  it('releases numbered versions, finalising untouched decide lines and counting what went out unreviewed', async () => {
    await ok(ctx, 'savePolicy', policy({ segmentType: 'abc_class', segmentValue: 'C', modelRole: 'decide' })); // SKU-3
    await ok(ctx, 'savePolicy', policy({ segmentType: 'category', segmentValue: 'Snacks', modelRole: 'trigger' })); // SKU-2
    await asAna();
    await ok(ctx, 'decideLine', { lineId: line('SKU-1', 1), action: 'accept' });
    const pending = await ok(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'override', quantity: 160, reasonCode: 'promotion', comment: 'Promo' });
    expect(pending.decision.status).toBe('pending_approval');
    const sku3 = await ok(ctx, 'decideLine', { lineId: line('SKU-3', 3), action: 'override', quantity: 330, reasonCode: 'promotion' });
    expect(await refused(ctx, 'releaseRun', { runId })).toMatchObject({ code: 'FORBIDDEN' });

    await asMaria();
    const v1 = await ok(ctx, 'releaseRun', { runId, note: 'July plan' });
    expect(v1).toMatchObject({ version: 1, kind: 'release', lines: 9, restoresVersion: null, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(v1.review).toEqual({
      autoFinalised: 2,
      releasedWithoutReview: 1,
      pendingReleasedAtPrevious: 1,
      rejected: 0,
      byRole: {
        assist: { lines: 3, reviewed: 2, autoFinalised: 0, unreviewed: 1 },
        recommend: { lines: 0, reviewed: 0, autoFinalised: 0, unreviewed: 0 },
        decide: { lines: 3, reviewed: 1, autoFinalised: 2, unreviewed: 0 },
        trigger: { lines: 3, reviewed: 0, autoFinalised: 0, unreviewed: 3 },
      },
    });
    const autos = ctx.db.prepare("SELECT line_id, quantity, source, status, decided_by, reason_code FROM decisions WHERE action = 'auto_final' ORDER BY line_id").all();
    expect(autos).toEqual([
      { line_id: line('SKU-3', 1), quantity: 321, source: 'model', status: 'final', decided_by: 'maria.lopez', reason_code: null },
      { line_id: line('SKU-3', 2), quantity: 322, source: 'model', status: 'final', decided_by: 'maria.lopez', reason_code: null },
    ]);
    const lines = releaseLines(1) as { line_id: number; final_quantity: number; source: string; decision_id: number | null }[];
    expect(lines).toHaveLength(9);
    // The pending override goes out at the quantity in force before it: the model's.
    expect(lines.find((l) => l.line_id === line('SKU-1', 2))).toEqual({ line_id: line('SKU-1', 2), final_quantity: 122, source: 'model', decision_id: null });
    expect(lines.find((l) => l.line_id === line('SKU-3', 3))).toEqual({ line_id: line('SKU-3', 3), final_quantity: 330, source: 'override', decision_id: sku3.decision.decisionId });
    expect(lines.find((l) => l.line_id === line('SKU-2', 1))).toMatchObject({ final_quantity: 221, source: 'model', decision_id: null });
    const audit = JSON.parse(ctx.db.prepare("SELECT payload FROM audit_log WHERE action = 'release'").pluck().get() as string);
    expect(audit).toMatchObject({ version: 1, sha256: v1.sha256, note: 'July plan', releasedBy: 'maria.lopez', review: { byRole: { trigger: { lines: 3 } } } });

    // Another manager approves the pending override; the second release carries it.
    await signInAs(ctx, { displayName: 'Max Berg', role: 'manager' });
    await ok(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'approved' });
    const v2 = await ok(ctx, 'releaseRun', { runId });
    expect(v2).toMatchObject({ version: 2, review: { autoFinalised: 0, pendingReleasedAtPrevious: 0 } });
    expect(v2.sha256).not.toBe(v1.sha256);
    expect((releaseLines(2) as { line_id: number; final_quantity: number }[]).find((l) => l.line_id === line('SKU-1', 2))?.final_quantity).toBe(160);

    const planBefore = ctx.db.prepare('SELECT * FROM line_state ORDER BY line_id').all();
    expect(await refused(ctx, 'rollbackRun', { runId, toVersion: 1 })).toMatchObject({ code: 'INVALID_REQUEST' });
    const v3 = await ok(ctx, 'rollbackRun', { runId, toVersion: 1, note: 'Promo cancelled by the retailer' });
    expect(v3).toMatchObject({ version: 3, kind: 'rollback', restoresVersion: 1, lines: 9, sha256: v1.sha256, review: null });
    expect(releaseLines(3)).toEqual(releaseLines(1));
    expect(ctx.db.prepare('SELECT * FROM line_state ORDER BY line_id').all()).toEqual(planBefore);
    expect(await refused(ctx, 'rollbackRun', { runId, toVersion: 3, note: 'again' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/already the current plan/) });
    expect(await refused(ctx, 'rollbackRun', { runId, toVersion: 9, note: 'x' })).toMatchObject({ code: 'NOT_FOUND' });

    const { releases } = await ok(ctx, 'listReleases', { runId });
    expect(releases.map((r) => [r.version, r.kind, r.restoresVersion, r.lines, r.current, r.releasedByName])).toEqual([
      [3, 'rollback', 1, 9, true, 'Max Berg'],
      [2, 'release', null, 9, false, 'Max Berg'],
      [1, 'release', null, 9, false, 'Maria Lopez'],
    ]);
    expect(releases[0]!.sha256).toBe(v1.sha256);
    expect(releases[2]!.note).toBe('July plan');
    expect(await refused(ctx, 'listReleases', { runId: 999 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });
});
