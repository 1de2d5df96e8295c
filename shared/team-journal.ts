// The words a replica and the team database share when they sync the journal
// (electron/team/sync.ts on the PostgreSQL side, electron/backend/team-replica on the
// workbook's): what is pushed, what the server answers, and which journal tables are
// pulled in which columns. Rows are matched across replicas by their uuid (a replica's
// decision ids are its own); shared/team-sync.ts holds the data tables join pulls.
import type { Cell } from './team-sync';

/** A decision made in the replica and not yet sent, as fwb.submit_decisions takes it. */
export interface UnsentDecision {
  uuid: string;
  line_id: number;
  action: 'accept' | 'override' | 'undo';
  quantity: number | null;
  source: string;
  reason_code: string | null;
  comment: string | null;
  decided_at_client: string;
  based_on_seq: number | null;
  /** An undo: the uuid of the decision it takes back. */
  undoes: string | null;
}

/** A manager's verdict made in the replica and not yet sent (fwb.review_override). */
export interface UnsentReview {
  uuid: string;
  decision_uuid: string | null;
  verdict: 'approved' | 'rejected';
  note: string | null;
  decided_at_client: string;
}

/** An author's acknowledgement of a line's conflict, not yet sent (fwb.acknowledge_conflict). */
export interface UnsentAcknowledgement {
  ack_id: number;
  line_id: number;
}

/**
 * A manager's change of what the team shares, made in the replica and not yet sent:
 * a policy's new version (fwb.save_policy), a reason code's (fwb.save_reason_code), or a
 * release or rollback of a run's plan with its lines (fwb.release_run). The payload is
 * what the server's function takes; the uuid makes a push sent twice record it once.
 */
export interface UnsentChange {
  uuid: string;
  kind: TeamChangeKind;
  payload: Record<string, unknown>;
}
export const TEAM_CHANGE_KINDS = ['policy', 'reason_code', 'release'] as const;
export type TeamChangeKind = (typeof TEAM_CHANGE_KINDS)[number];

/** The server's answer to one change: saved (policy, reason code), released (with the version the team gave), or refused with its reason. */
export interface TeamChangeOutcome {
  kind: TeamChangeKind;
  uuid: string;
  status: 'saved' | 'released' | 'refused';
  reason: string | null;
  seq: number | null;
  version?: number;
}

/** A change the team refused, kept in the replica with the reason (the replica's own policy or reason code is put back as the team holds it). */
export interface TeamChangeRefusal {
  uuid: string;
  kind: TeamChangeKind;
  /** The policy's segment ("category Beverages"), the code, or "run 7". */
  what: string;
  reason: string;
}

export interface Outbox {
  decisions: UnsentDecision[];
  reviews: UnsentReview[];
  acknowledgements: UnsentAcknowledgement[];
  /** Managers' policy, reason-code and release changes, in the order they were made. */
  changes: UnsentChange[];
}

/** The server's answer to one pushed row (fwb.decision_outcome, review_outcome, refuse). */
export interface TeamOutcome {
  kind: 'decision' | 'review';
  uuid: string;
  status: 'final' | 'pending_approval' | 'approved' | 'rejected' | 'refused';
  reason: string | null;
  seq: number | null;
}

/** The journal's tables a replica pulls after the data tables, in this order, each row in these columns. */
export const JOURNAL_TABLES = {
  reason_codes: ['code', 'label', 'comment_required', 'active', 'sort_order', 'uuid'],
  policies: ['segment_type', 'segment_value', 'model_role', 'approval_pct', 'approval_units', 'freeze_lags', 'comment_pct', 'drift_threshold_pts', 'stepped_down_at', 'updated_by', 'updated_at', 'uuid'],
  decisions: ['uuid', 'line_id', 'action', 'quantity', 'source', 'reason_code', 'comment', 'decided_by', 'decided_at', 'status', 'undoes_uuid', 'based_on_seq', 'seq'],
  approvals: ['uuid', 'decision_uuid', 'verdict', 'note', 'decided_by', 'decided_at', 'seq'],
  refused_submissions: ['uuid', 'kind', 'submitted_by', 'line_id', 'request', 'reason', 'refused_at', 'seq'],
  line_conflicts: ['conflict_id', 'line_id', 'decision_uuid', 'author', 'other_decision_uuid', 'other_author', 'opened_at'],
  conflict_resolutions: ['conflict_id', 'how', 'resolved_by', 'resolved_at'],
  /** A release with its lines ({lines: [[line_id, final_quantity, source, decision_uuid], ...]}), after the decisions they name. */
  releases: ['uuid', 'run_id', 'version', 'kind', 'restores_version', 'note', 'released_by', 'released_at', 'lines'],
} as const;
export type JournalTable = keyof typeof JOURNAL_TABLES;
export const JOURNAL_TABLE_NAMES = Object.keys(JOURNAL_TABLES) as JournalTable[];

export interface JournalPage {
  table: JournalTable;
  rows: Cell[][];
  lastSeq: number;
}

/** A row the server refused, as the replica keeps it for its author. */
export interface TeamRefusal {
  uuid: string;
  kind: 'decision' | 'review';
  lineId: number | null;
  reason: string;
  refusedAt: string;
}

/** A line two people decided without seeing each other's decision, still open. */
export interface TeamConflict {
  lineId: number;
  authors: string[];
  openedAt: string;
}

/** What the replica holds of the sync's results, for its report. */
export interface SyncLedger {
  unsent: { decisions: number; reviews: number };
  refusals: TeamRefusal[];
  conflicts: TeamConflict[];
  /** Managers' policy, reason-code and release changes: how many wait, and those the team refused. */
  changes: { unsent: number; refused: TeamChangeRefusal[] };
}

/** Where a line of the team's answers is: what Review shows to open it. */
export interface TeamLinePlace {
  lineId: number | null;
  runId: number | null;
  itemId: string | null;
  itemName: string | null;
  locationId: string | null;
  /** The period's first day (ISO), or null when the line is unknown here. */
  period: string | null;
  lag: number | null;
}

/** A refusal as Review lists it: the line, what was asked, the server's reason, when. */
export interface TeamRefusalRow extends TeamLinePlace {
  uuid: string;
  kind: 'decision' | 'review';
  /** What was asked: a decision's action, quantity, reason code and comment; a review's verdict and note. */
  asked: { action: string | null; quantity: number | null; reasonCode: string | null; comment: string | null; verdict: string | null; note: string | null };
  reason: string;
  refusedAt: string;
}

/** One side of a conflict: who decided what, and when. */
export interface TeamConflictSide {
  author: string;
  action: string | null;
  quantity: number | null;
  reasonCode: string | null;
  decidedAt: string | null;
}

/** An open conflict as Review lists it: the line and both authors with their values (the earlier arrival first). */
export interface TeamConflictRow extends TeamLinePlace {
  lineId: number;
  openedAt: string;
  sides: TeamConflictSide[];
}

/** listTeamAnswers: what the team answered this login (a single-seat workbook: linked false, nothing). */
export interface TeamAnswers {
  linked: boolean;
  login: string | null;
  refusals: TeamRefusalRow[];
  conflicts: TeamConflictRow[];
}
