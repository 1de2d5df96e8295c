// Drift (SPEC §2, §3): the model's rolling error per segment against its own
// trailing baseline. Beyond the policy's threshold the drift guard raises an
// alert and steps the segment's role down to assist (audited) until a manager
// restores it (decisions/policy-admin.ts restorePolicyRole).
import type { ReadableDb } from '../db/handles';
import type { DriftStatus } from '../../../shared/accuracy';
import { appendAudit } from '../audit/chain';
import { policyAuditPayload, type PolicyRow } from '../audit/payloads';
import type { Db } from '../db/open';
import { ensureAccuracyCube } from './cube';
import { keepStepDownChange } from '../team-replica/changes';

/** Periods with actuals in the rolling window, and in the baseline before it. */
export const DRIFT_RECENT_PERIODS = 3;
export const DRIFT_BASELINE_PERIODS = 12;
const MIN_BASELINE_PERIODS = 6;

interface Segment {
  type: 'all' | 'category' | 'abc_class';
  value: string;
}

function segmentCondition(s: Segment): string {
  return s.type === 'all' ? '1' : s.type === 'category' ? 'c.category = @value' : 'c.abc_class = @value';
}

/** The policy whose threshold applies to a segment: its own, else the 'all' policy. */
function governingPolicy(db: ReadableDb, s: Segment): PolicyRow | undefined {
  return (db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(s.type, s.type === 'all' ? '*' : s.value) ??
    db.prepare("SELECT * FROM policies WHERE segment_type = 'all'").get()) as PolicyRow | undefined;
}

/**
 * Model WAPE per period of one segment, oldest first, at the shortest lag (lag 1
 * normally): the model's freshest forecast of each period, so a new model
 * version shows at once instead of being averaged with older runs' lines.
 */
function periodErrors(db: ReadableDb, s: Segment): { period: number; abs: number; a: number }[] {
  return db
    .prepare(
      `SELECT c.period, sum(c.m_abs) AS abs, sum(c.a) AS a FROM accuracy_cells c
        WHERE ${segmentCondition(s)} AND c.lag = (SELECT min(lag) FROM accuracy_cells WHERE lag >= 1)
        GROUP BY c.period ORDER BY c.period`,
    )
    .all({ value: s.value }) as { period: number; abs: number; a: number }[];
}

const wape = (rows: { abs: number; a: number }[]) => {
  const a = rows.reduce((t, r) => t + r.a, 0);
  return a > 0 ? (rows.reduce((t, r) => t + r.abs, 0) / a) * 100 : null;
};

export function driftStatus(db: ReadableDb, s: Segment): DriftStatus {
  const rows = periodErrors(db, s);
  const recentRows = rows.slice(-DRIFT_RECENT_PERIODS);
  const baseRows = rows.slice(-(DRIFT_RECENT_PERIODS + DRIFT_BASELINE_PERIODS), -DRIFT_RECENT_PERIODS);
  const enough = recentRows.length === DRIFT_RECENT_PERIODS && baseRows.length >= MIN_BASELINE_PERIODS;
  const recent = enough ? wape(recentRows) : null;
  const baseline = enough ? wape(baseRows) : null;
  const threshold = governingPolicy(db, s)?.drift_threshold_pts ?? null;
  return {
    segmentType: s.type,
    segmentValue: s.type === 'all' ? '*' : s.value,
    recent,
    baseline,
    threshold,
    drifting: recent !== null && baseline !== null && threshold !== null && recent - baseline > threshold,
  };
}

/** Every segment the guard watches: the whole workbook, each category, and each segment with a policy. */
export function driftSegments(db: ReadableDb): Segment[] {
  const out: Segment[] = [{ type: 'all', value: '*' }];
  for (const c of db.prepare('SELECT DISTINCT category FROM items WHERE category IS NOT NULL ORDER BY category').pluck().all() as string[]) out.push({ type: 'category', value: c });
  for (const p of db.prepare("SELECT segment_type, segment_value FROM policies WHERE segment_type = 'abc_class' ORDER BY segment_value").all() as { segment_type: 'abc_class'; segment_value: string }[]) {
    out.push({ type: p.segment_type, value: p.segment_value });
  }
  return out;
}

/** The drift of every segment, from the accuracy cube as it stands (api.ts declares it wanted current). */
export function driftReport(db: ReadableDb): DriftStatus[] {
  return driftSegments(db).map((s) => driftStatus(db, s));
}

/**
 * Raises an alert and steps the role down for each drifting segment that has no
 * open alert yet. A category without a policy of its own gets one, copying the
 * 'all' policy's rules, so the step-down touches that category only.
 * Returns the alerts raised, and every watched segment's status.
 */
export function runDriftGuard(db: Db, now: Date): { raised: DriftStatus[]; segments: DriftStatus[] } {
  // A write, also made inside an import (import-file.ts), so it brings the figures it judges by current itself.
  ensureAccuracyCube(db);
  const segments = driftReport(db);
  if (db.readonly) return { raised: [], segments };
  const statuses = segments.filter((s) => s.drifting);
  const at = now.toISOString();
  const raised: DriftStatus[] = [];
  db.transaction(() => {
    for (const s of statuses) if (raiseDriftAlert(db, s, at)) raised.push(s);
  }).immediate();
  return { raised, segments };
}

/**
 * One drifting segment: an alert, and the role stepped down, unless an alert is open already.
 * Call inside a transaction. In a team's replica the step-down is kept for the next sync
 * (team-replica/changes.ts): the team's server takes it as a step down of the version judged.
 */
export function raiseDriftAlert(db: Db, s: DriftStatus, at: string): boolean {
  const open = db.prepare('SELECT 1 FROM drift_alerts WHERE segment_type = ? AND segment_value = ? AND resolved_at IS NULL').get(s.segmentType, s.segmentValue);
  if (open) return false;
  let policy = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(s.segmentType, s.segmentValue) as PolicyRow | undefined;
  const judged = policy;
  if (!policy) {
    db.prepare(
      `INSERT INTO policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, updated_by, updated_at)
       SELECT ?, ?, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, NULL, ? FROM policies WHERE segment_type = 'all'`,
    ).run(s.segmentType, s.segmentValue, at);
    policy = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(s.segmentType, s.segmentValue) as PolicyRow;
    appendAudit(db, { at, actor: null, action: 'policy.change', entity: 'policy', entityId: String(policy.policy_id), payload: policyAuditPayload(policy) });
  }
  const alertId = db
    .prepare("INSERT INTO drift_alerts (segment_type, segment_value, metric, baseline, current, raised_at) VALUES (?, ?, 'wape', ?, ?, ?)")
    .run(s.segmentType, s.segmentValue, s.baseline, s.recent, at).lastInsertRowid;
  const evidence = { segmentType: s.segmentType, segmentValue: s.segmentValue, metric: 'wape', baseline: s.baseline, current: s.recent, thresholdPts: s.threshold };
  appendAudit(db, { at, actor: null, action: 'drift.alert', entity: 'drift_alert', entityId: String(alertId), payload: evidence });
  if (policy.stepped_down_at === null) {
    db.prepare('UPDATE policies SET stepped_down_at = ?, updated_at = ? WHERE policy_id = ?').run(at, at, policy.policy_id);
    const after = db.prepare('SELECT * FROM policies WHERE policy_id = ?').get(policy.policy_id) as PolicyRow;
    appendAudit(db, { at, actor: null, action: 'policy.step_down', entity: 'policy', entityId: String(after.policy_id), payload: policyAuditPayload(after) });
    keepStepDownChange(db, after, judged, evidence, at);
  }
  return true;
}
