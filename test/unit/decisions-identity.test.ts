import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { ok, refused } from '../helpers/api';
import { signInAs, TEST_PASSPHRASE } from '../helpers/people';

const count = (ctx: BackendContext, sql: string) => ctx.db.prepare(sql).pluck().get() as number;

describe('who is deciding', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  let lineId: number;
  beforeEach(async () => {
    t = tempDir('fwb-identity-');
    ({ ctx, runId } = await smallWorkbook(t.dir));
    lineId = ctx.db.prepare('SELECT min(line_id) FROM forecast_lines').pluck().get() as number;
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('starts with nobody signed in and refuses every decision until someone is', async () => {
    const session = await ok(ctx, 'getSession', {});
    expect(session.user).toBeNull();
    expect(session.users.map((u) => u.userId)).toEqual(['ana', 'ben']);
    for (const [method, payload] of [
      ['decideLine', { lineId, action: 'accept' }],
      ['bulkAccept', { runId, filter: {} }],
      ['undoLastDecision', {}],
      ['reviewOverride', { decisionId: 1, verdict: 'approved' }],
      ['savePolicy', { segmentType: 'all', segmentValue: '*', modelRole: 'decide', approvalPct: 25, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 }],
      ['saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: false, active: true }],
      ['releaseRun', { runId }],
    ] as const) {
      expect(await refused(ctx, method, payload)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Choose who you are first') });
    }
    expect(count(ctx, 'SELECT count(*) FROM decisions')).toBe(0);
    expect(count(ctx, 'SELECT count(*) FROM audit_log')).toBe(0);
  });

  it('signs in an existing user or creates a new one, audited', async () => {
    const ana = await ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    expect(ana.user).toEqual({ userId: 'ana', displayName: 'Ana', role: 'planner' });
    const maria = await ok(ctx, 'signIn', { displayName: 'María López', role: 'manager', newPassphrase: TEST_PASSPHRASE });
    expect(maria.user).toEqual({ userId: 'maria.lopez', displayName: 'María López', role: 'manager' });
    expect(maria.users).toHaveLength(3);
    // The same name again is the same person; a namesake with a different id is not merged.
    expect((await ok(ctx, 'signIn', { displayName: 'María López', role: 'manager', passphrase: TEST_PASSPHRASE })).users).toHaveLength(3);
    expect((await ok(ctx, 'getSession', {})).user?.userId).toBe('maria.lopez');
    // (The workbook's first entry is its seal, entity 'workbook': audit/seal.ts.)
    const actions = ctx.db.prepare("SELECT action, entity_id FROM audit_log WHERE entity = 'user' ORDER BY audit_id").all();
    expect(actions).toEqual([
      { action: 'session.sign_in', entity_id: 'ana' },
      { action: 'user.create', entity_id: 'maria.lopez' },
      { action: 'session.sign_in', entity_id: 'maria.lopez' },
      { action: 'session.sign_in', entity_id: 'maria.lopez' },
    ]);
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('never changes a role by signing in, and validates the request', async () => {
    expect(await refused(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'manager' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/is a planner/) });
    expect(await refused(ctx, 'signIn', { displayName: '   ', role: 'planner' })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refused(ctx, 'signIn', { displayName: 'X', role: 'admin' })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refused(ctx, 'signIn', { userId: "x'; DROP TABLE users; --", displayName: 'X', role: 'planner' })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await ok(ctx, 'getSession', {})).user).toBeNull();
  });

  it('keeps analysts out of the plan and planners out of governance', async () => {
    await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' }); // only a manager adds an analyst
    await signInAs(ctx, { displayName: 'Sam Taylor', role: 'analyst' });
    expect(await refused(ctx, 'decideLine', { lineId, action: 'accept' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/analyst/) });
    await ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const policy = { segmentType: 'all', segmentValue: '*', modelRole: 'decide', approvalPct: 25, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 } as const;
    expect(await refused(ctx, 'savePolicy', policy)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/Only a manager/) });
    expect(await refused(ctx, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: false, active: true })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(ctx, 'releaseRun', { runId })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(ctx, 'rollbackRun', { runId, toVersion: 1, note: 'x' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(ctx, 'restorePolicyRole', { policyId: 1 })).toMatchObject({ code: 'FORBIDDEN' });
    expect(count(ctx, "SELECT count(*) FROM policies WHERE model_role = 'decide'")).toBe(0);
  });
});
