// Managers set where the model is trusted (SPEC §2 Policy). Every change is
// audited with the policy as it now stands, so the governance report can replay
// who allowed what, when.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { PolicySummary } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import { policyAuditPayload, type PolicyRow } from '../audit/payloads';
import type { ReadContext, WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { policySummary } from './policy';
import { requireManager } from '../people/session';
import { keepPolicyChange } from '../team-replica/changes';

const ORDER = "ORDER BY CASE segment_type WHEN 'all' THEN 0 WHEN 'category' THEN 1 ELSE 2 END, segment_value";

export function listPolicies({ db }: ReadContext): { policies: PolicySummary[] } {
  return { policies: (db.prepare(`SELECT * FROM policies ${ORDER}`).all() as PolicyRow[]).map(policySummary) };
}

const policyById = (db: Db, id: number) => db.prepare('SELECT * FROM policies WHERE policy_id = ?').get(id) as PolicyRow | undefined;

export function savePolicy(ctx: WriteContext, req: ParsedRequestOf<'savePolicy'>): PolicySummary {
  const { db } = ctx;
  const user = requireManager(db, 'change a policy');
  const at = ctx.now().toISOString();
  return db
    .transaction(() => {
      if (req.segmentType === 'category') {
        // A typo would create a policy that governs nothing while the manager believes otherwise.
        const known = db.prepare('SELECT 1 FROM items WHERE category = ? LIMIT 1').get(req.segmentValue);
        if (!known) throw new WorkbenchError('INVALID_REQUEST', `No item has the category "${req.segmentValue}"; a policy for it would govern nothing.`);
      }
      const before = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(req.segmentType, req.segmentValue) as PolicyRow | undefined;
      // The drift guard's step-down survives an edit: only restorePolicyRole lifts it.
      db.prepare(
        `INSERT INTO policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, updated_by, updated_at)
         VALUES (@segmentType, @segmentValue, @modelRole, @approvalPct, @approvalUnits, @freezeLags, @commentPct, @driftThresholdPts, @by, @at)
         ON CONFLICT (segment_type, segment_value) DO UPDATE SET
           model_role = excluded.model_role, approval_pct = excluded.approval_pct, approval_units = excluded.approval_units,
           freeze_lags = excluded.freeze_lags, comment_pct = excluded.comment_pct, drift_threshold_pts = excluded.drift_threshold_pts,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ).run({ ...req, by: user.userId, at });
      const row = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(req.segmentType, req.segmentValue) as PolicyRow;
      appendAudit(db, { at, actor: user.userId, action: 'policy.change', entity: 'policy', entityId: String(row.policy_id), payload: policyAuditPayload(row) });
      // In a team's replica the next sync sends it; the team's server checks the manager again.
      keepPolicyChange(db, row, before, user.userId, at);
      return policySummary(row);
    })
    .immediate();
}

/** Lifts the drift guard's step-down: the segment's own role is in force again. */
export function restorePolicyRole(ctx: WriteContext, req: ParsedRequestOf<'restorePolicyRole'>): PolicySummary {
  const { db } = ctx;
  const user = requireManager(db, "restore a segment's model role");
  const at = ctx.now().toISOString();
  return db
    .transaction(() => {
      const before = policyById(db, req.policyId);
      if (!before) throw new WorkbenchError('NOT_FOUND', `Policy ${req.policyId} does not exist.`);
      if (before.stepped_down_at === null) {
        throw new WorkbenchError('INVALID_REQUEST', `Policy ${req.policyId} (${before.segment_type} ${before.segment_value}) is not stepped down; its role ${before.model_role} is in force.`);
      }
      db.prepare('UPDATE policies SET stepped_down_at = NULL, updated_by = ?, updated_at = ? WHERE policy_id = ?').run(user.userId, at, req.policyId);
      // The open drift alerts of the segment are what the restore answers.
      db.prepare(
        "UPDATE drift_alerts SET resolved_by = ?, resolved_at = ?, resolution = 'role restored by a manager' WHERE segment_type = ? AND segment_value = ? AND resolved_at IS NULL",
      ).run(user.userId, at, before.segment_type, before.segment_value);
      const row = policyById(db, req.policyId)!;
      appendAudit(db, { at, actor: user.userId, action: 'policy.restore', entity: 'policy', entityId: String(row.policy_id), payload: policyAuditPayload(row) });
      keepPolicyChange(db, row, before, user.userId, at);
      return policySummary(row);
    })
    .immediate();
}
