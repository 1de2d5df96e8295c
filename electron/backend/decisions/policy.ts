// Which policy governs an item, and what it allows. The most specific segment
// wins: the item's category, then its ABC class, then 'all' (the same order the
// demo planners follow). The drift guard's step-down makes the role in force
// 'assist' until a manager restores it.
import type { ModelRole, PolicySummary } from '../../../shared/domain';
import type { PolicyRow } from '../audit/payloads';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';

export interface ResolvedPolicy {
  policyId: number;
  segmentType: 'all' | 'category' | 'abc_class';
  segmentValue: string;
  modelRole: ModelRole;
  effectiveRole: ModelRole;
  approvalPct: number | null;
  approvalUnits: number | null;
  freezeLags: number;
  commentPct: number | null;
}

export const effectiveRole = (row: Pick<PolicyRow, 'model_role' | 'stepped_down_at'>): ModelRole =>
  row.stepped_down_at !== null ? 'assist' : (row.model_role as ModelRole);

// The policy as rules need it is the summary the API lists (extra fields unused).
const resolved = (row: PolicyRow): ResolvedPolicy => policySummary(row);

export type PolicyResolver = (item: { category: string | null; abcClass: string | null }) => ResolvedPolicy;

/** Reads the (few) policies once; resolving a line is then a map lookup. Use for many lines. */
export function policyResolver(db: ReadableDb): PolicyResolver {
  const rows = db.prepare('SELECT * FROM policies').all() as PolicyRow[];
  const byCategory = new Map<string, ResolvedPolicy>();
  const byAbc = new Map<string, ResolvedPolicy>();
  let all: ResolvedPolicy | null = null;
  for (const row of rows) {
    const p = resolved(row);
    if (row.segment_type === 'category') byCategory.set(row.segment_value, p);
    else if (row.segment_type === 'abc_class') byAbc.set(row.segment_value, p);
    else if (row.segment_value === '*') all = p;
  }
  // Migration 001 seeds it and nothing deletes policies; without it no rule could be enforced.
  if (!all) throw new WorkbenchError('INTERNAL', "The workbook has no policy for segment 'all'; run fwb check.");
  const fallback = all;
  return (item) =>
    (item.category !== null ? byCategory.get(item.category) : undefined) ?? (item.abcClass !== null ? byAbc.get(item.abcClass) : undefined) ?? fallback;
}

/** The policy governing one item. */
export function governingPolicy(db: ReadableDb, itemKey: number): ResolvedPolicy {
  const item = db.prepare('SELECT category, abc_class AS abcClass FROM items WHERE item_key = ?').get(itemKey) as
    | { category: string | null; abcClass: string | null }
    | undefined;
  if (!item) throw new WorkbenchError('NOT_FOUND', `Item ${itemKey} does not exist.`);
  const row = db
    .prepare(
      `SELECT * FROM policies
        WHERE (segment_type = 'category' AND segment_value = @category)
           OR (segment_type = 'abc_class' AND segment_value = @abcClass)
           OR (segment_type = 'all' AND segment_value = '*')
        ORDER BY CASE segment_type WHEN 'category' THEN 0 WHEN 'abc_class' THEN 1 ELSE 2 END
        LIMIT 1`,
    )
    .get(item) as PolicyRow | undefined;
  if (!row) throw new WorkbenchError('INTERNAL', "The workbook has no policy for segment 'all'; run fwb check.");
  return resolved(row);
}

/** Inside the freeze window; whether a decision may change the line at all is lineLock's (shared/decision-rules.ts). */
export function isFrozen(lag: number, policy: Pick<ResolvedPolicy, 'freezeLags'>): boolean {
  return lag <= policy.freezeLags;
}

export function policySummary(row: PolicyRow): PolicySummary {
  return {
    policyId: row.policy_id,
    segmentType: row.segment_type as PolicySummary['segmentType'],
    segmentValue: row.segment_value,
    modelRole: row.model_role as ModelRole,
    effectiveRole: effectiveRole(row),
    steppedDownAt: row.stepped_down_at,
    approvalPct: row.approval_pct,
    approvalUnits: row.approval_units,
    freezeLags: row.freeze_lags,
    commentPct: row.comment_pct,
    driftThresholdPts: row.drift_threshold_pts,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}
