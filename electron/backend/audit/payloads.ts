// Audit payloads of journal rows, built in one place so that the code writing a
// row and `fwb check` (which compares each row with its audit entry) agree on
// every key. Keys are camelCase; a column that is NULL is written as null.
import type { BatchContent } from './content-digest';

/** A row of `decisions` as SQLite returns it. */
export interface DecisionRow {
  decision_id: number;
  line_id: number;
  action: string;
  quantity: number | null;
  source: string;
  reason_code: string | null;
  comment: string | null;
  decided_by: string | null;
  decided_at: string;
  status: string;
  /** The decision an undo takes back: altering it would change what is in force. */
  undoes_decision_id: number | null;
  /** The import batch of a decision imported from before the app. */
  batch_id: number | null;
  /** An imported decision's decider as the history file named them (text, not a person of the workbook); absent before migration 6. */
  recorded_by?: string | null;
  /** What the planner asked for where an adopted policy changed the override (`quantity` applies); absent before migration 15. */
  asked_quantity?: number | null;
  /** The adopted policy version that changed it. */
  policy_version?: number | null;
}

export interface DecisionAuditPayload {
  decisionId: number;
  lineId: number;
  action: string;
  quantity: number | null;
  source: string;
  reasonCode: string | null;
  comment: string | null;
  decidedBy: string | null;
  decidedAt: string;
  status: string;
  undoesDecisionId: number | null;
  batchId: number | null;
  recordedBy: string | null;
  /** Only on an override an adopted policy changed (migration 15): every other entry reads as before. */
  askedQuantity?: number;
  policyVersion?: number | null;
}

/**
 * Keys a decision's audit payload gained after the first release: entries
 * written before then lack them, and `fwb check` compares those entries without them.
 */
export const DECISION_KEYS_ADDED_LATER = ['undoesDecisionId', 'batchId', 'recordedBy'] as const;

/** Payload of the 'decision.<action>' entry (entity 'decision', entity_id = decision_id). */
export function decisionAuditPayload(row: DecisionRow): DecisionAuditPayload {
  return {
    decisionId: row.decision_id,
    lineId: row.line_id,
    action: row.action,
    quantity: row.quantity ?? null,
    source: row.source,
    reasonCode: row.reason_code ?? null,
    comment: row.comment ?? null,
    decidedBy: row.decided_by ?? null,
    decidedAt: row.decided_at,
    status: row.status,
    undoesDecisionId: row.undoes_decision_id ?? null,
    batchId: row.batch_id ?? null,
    recordedBy: row.recorded_by ?? null,
    ...(row.asked_quantity !== null && row.asked_quantity !== undefined ? { askedQuantity: row.asked_quantity, policyVersion: row.policy_version ?? null } : {}),
  };
}

/** Audit action of a decision: 'decision.accept', 'decision.override', … */
export const decisionAuditAction = (action: string): string => `decision.${action}`;

/** A pulled page's decisions under one entry (team-replica/journal-pull.ts): entity id `first-last` decision id, payload `{count, decisions, from}`. */
export const DECISION_BATCH_ACTION = 'decision.batch';
export const DECISION_BATCH_ENTITY = 'decision_batch';

/** A row of `approvals`. */
export interface ApprovalRow {
  approval_id: number;
  decision_id: number;
  verdict: string;
  note: string | null;
  decided_by: string;
  decided_at: string;
}

/** Payload of the 'approval' entry (entity 'approval', entity_id = approval_id). */
export function approvalAuditPayload(row: ApprovalRow) {
  return {
    approvalId: row.approval_id,
    decisionId: row.decision_id,
    verdict: row.verdict,
    note: row.note ?? null,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

/** A row of `policies`. */
export interface PolicyRow {
  policy_id: number;
  segment_type: string;
  segment_value: string;
  model_role: string;
  approval_pct: number | null;
  approval_units: number | null;
  freeze_lags: number;
  comment_pct: number | null;
  drift_threshold_pts: number | null;
  stepped_down_at: string | null;
  updated_by: string | null;
  updated_at: string;
}

/** Payload of the 'policy.change' entry (entity 'policy', entity_id = policy_id): the policy as it now stands. */
export function policyAuditPayload(row: PolicyRow) {
  return {
    policyId: row.policy_id,
    segmentType: row.segment_type,
    segmentValue: row.segment_value,
    modelRole: row.model_role,
    approvalPct: row.approval_pct ?? null,
    approvalUnits: row.approval_units ?? null,
    freezeLags: row.freeze_lags,
    commentPct: row.comment_pct ?? null,
    driftThresholdPts: row.drift_threshold_pts ?? null,
    steppedDownAt: row.stepped_down_at ?? null,
    updatedBy: row.updated_by ?? null,
    updatedAt: row.updated_at,
  };
}

/** A row of `import_batches` (the columns an audit entry records). */
export interface ImportBatchRow {
  batch_id: number;
  kind: string;
  file_name: string;
  file_size: number | null;
  sha256: string | null;
  source: string | null;
  /** The import's options as stored (JSON text). */
  options: string;
  model_name: string | null;
  model_version: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_quarantined: number;
  imported_by: string | null;
  imported_at: string;
}

/**
 * The batch row part of the 'import' entry (entity 'import_batch', entity_id =
 * batch_id). The entry also carries what the batch wrote: see ImportAuditPayload.
 */
export function importBatchAuditPayload(row: ImportBatchRow) {
  return {
    batchId: row.batch_id,
    kind: row.kind,
    fileName: row.file_name,
    fileSize: row.file_size ?? null,
    sha256: row.sha256 ?? null,
    source: row.source ?? null,
    options: row.options,
    modelName: row.model_name ?? null,
    modelVersion: row.model_version ?? null,
    rowsRead: row.rows_read,
    rowsAccepted: row.rows_accepted,
    rowsQuarantined: row.rows_quarantined,
    importedBy: row.imported_by ?? null,
    importedAt: row.imported_at,
  };
}

/**
 * Keys the batch part of an 'import' entry gained with content fingerprints:
 * entries written before lack them, and `fwb check` compares those without them.
 */
export const IMPORT_BATCH_KEYS_ADDED_LATER = ['fileSize', 'source', 'options'] as const;

export type ImportBatchAuditPayload = ReturnType<typeof importBatchAuditPayload>;

/** A row of `users` (the columns an audit record covers). */
export interface UserRow {
  user_id: string;
  display_name: string;
  role: string;
  created_at: string;
}

/** A user as the 'user.create' entry records it (people/people.ts writes the same keys). */
export function userAuditPayload(row: UserRow) {
  return { userId: row.user_id, displayName: row.display_name, role: row.role, createdAt: row.created_at };
}

export type UserAuditPayload = ReturnType<typeof userAuditPayload>;

/** The whole 'import' entry: the batch row, the fingerprints of what it wrote, and the users it created. */
export interface ImportAuditPayload extends ImportBatchAuditPayload {
  content: BatchContent;
  usersCreated: UserAuditPayload[];
}

export function importAuditPayload(row: ImportBatchRow, content: BatchContent, usersCreated: UserRow[]): ImportAuditPayload {
  return { ...importBatchAuditPayload(row), content, usersCreated: usersCreated.map(userAuditPayload) };
}

/** A row of `reason_codes`. */
export interface ReasonCodeRow {
  code: string;
  label: string;
  comment_required: number;
  active: number;
  sort_order: number;
}

/** The part of a 'reason_code.change' entry that describes the code (decisions/reason-codes.ts writes these keys, and who and when). */
export function reasonCodeRecord(row: ReasonCodeRow) {
  return { code: row.code, label: row.label, commentRequired: row.comment_required === 1, active: row.active === 1, sortOrder: row.sort_order };
}
