// Domain types shared by the backend and the renderer, named in the planner's words.
import type { LineLock, LinePolicy } from './decision-rules';
import type { ImportedDecision } from './decision-provenance';
import type { Grain } from './period';

export const MODEL_ROLES = ['assist', 'recommend', 'decide', 'trigger'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export const USER_ROLES = ['planner', 'manager', 'analyst'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const IMPORT_KINDS = ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions', 'demo'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const DECISION_STATUSES = ['final', 'pending_approval', 'approved', 'rejected'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

export interface WorkbookCounts {
  items: number;
  runs: number;
  forecastLines: number;
  actuals: number;
  salesInputs: number;
  decisions: number;
  importBatches: number;
  auditEntries: number;
}

export interface WorkbookInfo {
  name: string;
  path: string;
  schemaVersion: number;
  grain: Grain;
  counts: WorkbookCounts;
  /** The main model's newest run: the one planners review now, and the plan an export means when it names no run. */
  currentRunId: number | null;
  /** The model with the most runs (ties: the newest origin); a one-off import of another model does not displace it. */
  mainModel: string | null;
  lastActualPeriod: string | null;
}

export interface ForecastRunSummary {
  runId: number;
  modelName: string;
  modelVersion: string;
  origin: string;
  grain: Grain;
  intervalLevel: number | null;
  lines: number;
  items: number;
  firstPeriod: string | null;
  lastPeriod: string | null;
  batchId: number | null;
  createdAt: string;
}

export interface ForecastLineRow {
  lineId: number;
  itemId: string;
  itemName: string;
  category: string | null;
  abcClass: string | null;
  owner: string | null;
  locationId: string;
  period: string;
  lag: number;
  quantity: number;
  lower: number | null;
  upper: number | null;
  /** 0–100: how much this line needs a look, highest first by default. */
  exceptionScore: number;
  exceptionReasons: ExceptionReason[];
  salesInput: number | null;
  /** The plan as it stands: the model quantity unless a decision in force says otherwise. */
  status: LineStatus;
  finalQuantity: number;
  planSource: PlanSource;
  reasonCode: string | null;
  decidedBy: string | null;
  /** Inside the governing policy's freeze window: no decision may change it. */
  frozen: boolean;
  freezeLags: number;
  /** The line's actual, once known: the line is then closed to decisions. */
  actual: number | null;
  /** Why no decision may change the line (closed or frozen), in the backend's words; null when it is open. */
  lock: LineLock | null;
  /** The thresholds of the policy governing the line: what the editor marks required and warns about. */
  policy: LinePolicy;
}

export interface ForecastLinePage {
  runId: number;
  /** Rows of the whole list; grouped by item, header rows and lines together (offsets count both). */
  total: number;
  offset: number;
  /** The page's lines in list order (grouped: the indexes its headers leave free, in order). */
  rows: ForecastLineRow[];
  /** Lines of the whole filtered list, without header rows. */
  lineTotal?: number;
  /** Grouped by item only: the page's header rows, each at its index in the whole list. */
  groups?: ItemGroupHeader[];
  /** Grouped by item only: how many items (groups) the whole list has. */
  itemTotal?: number;
}

/** The header row of one item's lines in the worklist grouped by item; counts cover the filtered lines. */
export interface ItemGroupHeader {
  index: number;
  itemId: string;
  itemName: string;
  owner: string | null;
  category: string | null;
  abcClass: string | null;
  lines: number;
  maxExceptionScore: number;
  /** Lines with a decision (any status but undecided). */
  decided: number;
}

/** One filterable item attribute and its values among the items, most common first. */
export interface ItemAttributeFacet {
  /** brand, family, abcClass, unit (columns), or a key of the items' imported attributes. */
  name: string;
  source: 'column' | 'attribute';
  /** At most 200, by number of items, then by value. */
  values: { value: string; items: number }[];
  distinctValues: number;
}

/** A run at a glance: total demand before the origin, the run's totals after it, and its facets for filters. */
export interface RunOverview {
  runId: number;
  origin: string;
  history: { period: string; actual: number; items: number }[];
  forecast: { period: string; lag: number; quantity: number; lines: number }[];
  categories: string[];
  owners: string[];
  lags: number[];
}

export interface ImportBatchSummary {
  batchId: number;
  kind: ImportKind;
  fileName: string;
  fileSize: number | null;
  sha256: string | null;
  modelName: string | null;
  modelVersion: string | null;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  importedBy: string | null;
  importedAt: string;
  /** Set when the batch was undone: its rows were removed, this record stays. */
  undoneAt: string | null;
  undoneBy: string | null;
}

/** What undoing an import batch did. */
export interface ImportUndoOutcome {
  batchId: number;
  kind: ImportKind;
  fileName: string;
  undoneAt: string;
  undoneBy: string | null;
  removed: { runs: number; forecastLines: number; actuals: number; salesInputs: number; items: number };
  /** Actuals or sales inputs the batch had superseded, current again. */
  restored: number;
  /** Items the batch created that other data still uses: kept. */
  keptItems: string[];
}

/**
 * An option that would change the outcome, named for the machine: the backend says
 * what is wrong in neutral words, and each way in words the hint its own way
 * (fwb: "pass --origin YYYY-MM-DD"; the Import screen: "set Origin in the options").
 */
export type OptionHintName = 'origin' | 'model' | 'modelAndOrigin' | 'force' | 'createItems' | 'kind' | 'replace' | 'restoreBackup';
export interface OptionHint {
  option: OptionHintName;
  /** option 'kind': the kind the file looks like. */
  kind?: ImportFileKind;
}

/** Errors cross every boundary as values; file/row/column point at bad input. */
export interface ApiError {
  code: ApiErrorCode;
  message: string;
  file?: string;
  row?: number;
  column?: string;
  issues?: { path: string; message: string }[];
  /** An option that would let the request through (see OptionHint). */
  hint?: OptionHint;
}

export type ApiErrorCode =
  | 'UNKNOWN_METHOD'
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'WORKBOOK_TOO_NEW'
  | 'NOT_A_WORKBOOK'
  | 'WORKBOOK_DAMAGED'
  /** Another program has held the workbook for longer than the wait; the message says what, where it can tell. Try again. */
  | 'WORKBOOK_BUSY'
  | 'INPUT_REJECTED'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'BACKEND_UNAVAILABLE'
  | 'INTERNAL';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Progress of a long job (import, export, demo seeding), streamed from the backend. */
export type BackendEvent =
  | { type: 'job-progress'; jobId: string; job: string; phase: string; done: number; total: number | null; message?: string; /** Rows read so far, where the job reads rows (import). */ rows?: number }
  | { type: 'job-finished'; jobId: string; job: string; ok: boolean; error?: ApiError }
  | { type: 'workbook-changed'; reason: string }
  /**
   * A decision, approval, release or rollback changed a run's plan, or a policy changed
   * which lines are frozen and what a decision needs (runId null: every run). The runs
   * and their lines stay as they were.
   */
  | { type: 'plan-changed'; reason: PlanChangeReason; runId: number | null };

export type PlanChangeReason = 'decision' | 'bulk-accept' | 'undo' | 'approval' | 'release' | 'rollback' | 'policy';

/** A file handed to the backend for import (uploaded or copied into the staging folder). */
export interface StagedFile {
  stagedId: string;
  name: string;
  size: number;
}

export const IMPORT_FILE_KINDS = ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions'] as const;
export type ImportFileKind = (typeof IMPORT_FILE_KINDS)[number];

export interface ImportFieldMapping {
  field: string;
  required: boolean;
  /** The file's column mapped to the field, or null. */
  column: string | null;
  /** Where the mapping came from: header synonyms, a mapping remembered for this source, or the user. */
  source: 'detected' | 'remembered' | 'override' | null;
}

export interface ImportPreview {
  file: string;
  size: number;
  format: { format: 'csv' | 'xlsx'; delimiter?: string; encoding?: string; decimalComma?: boolean; sheet?: string; leadingIndex?: boolean };
  header: string[];
  rows: string[][];
  layout: string;
  fields: ImportFieldMapping[];
  unmapped: string[];
  missing: string[];
  /** Wide forecast files: the model columns, one run each. */
  models: string[];
  /** Set when the file plainly is of another kind than the one chosen: importing it will be refused. */
  otherKind?: { message: string; hint: OptionHint };
}

export interface ImportOutcome {
  batchId: number | null;
  kind: ImportFileKind;
  file: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  runs: { runId: number; model: string; modelVersion?: string; origin: string; lines: number }[];
  errors: { row: number; column: string | null; reason: string; hint?: OptionHint }[];
  warnings: ImportNotice[];
  /** Set when the whole file was refused (missing columns, strict mode, already imported). */
  refused?: ApiError;
}

/** Something an import did that the person should know (a default it chose, items it created); code names it for the machine. */
export interface ImportNotice {
  code: string;
  message: string;
  hint?: OptionHint;
}

export interface QuarantineRow {
  rowNumber: number;
  column: string | null;
  reason: string;
  raw: string | null;
}

/** Why a line is an exception: the signal and its value (a ratio, or months of history for new items). */
export interface ExceptionReason {
  /** 'low_volume': the line is small against the run's typical line, so its signals count less (value: the weight, 0–1). */
  kind: 'sales_input' | 'run_rate_jump' | 'interval_width' | 'recent_error' | 'new_item' | 'drift' | 'low_volume';
  value: number;
  /** Points it adds to the 0–100 score (for 'low_volume', negative: the points the damping took off all signals together). */
  contribution: number;
  /** In units: the signed difference (sales input, jump), the interval's width, or the line's volume (low_volume). */
  units?: number;
}

/** Everything the item detail panel shows about one item in the context of one run. */
export interface ItemDetail {
  item: {
    itemId: string;
    name: string;
    category: string | null;
    brand: string | null;
    family: string | null;
    abcClass: string | null;
    owner: string | null;
    ownerName: string | null;
    unit: string | null;
    attributes: Record<string, unknown>;
    introducedPeriod: string | null;
  };
  locationId: string;
  runId: number;
  origin: string;
  grain: Grain;
  history: { period: string; actual: number }[];
  forecast: { lineId: number; period: string; lag: number; quantity: number; lower: number | null; upper: number | null; salesInput: number | null }[];
  /** The same model's earlier runs (newest first, up to 6), each line with its final plan and what happened. */
  earlierRuns: {
    runId: number;
    origin: string;
    modelVersion: string;
    lines: { period: string; lag: number; quantity: number; final: number; overridden: boolean; actual: number | null }[];
  }[];
  figures: {
    last3: number | null;
    last12: number | null;
    prior12: number | null;
    /** The model's WAPE on this item over the earlier runs' lines with actuals, and how many lines that is. */
    modelRecentWape: number | null;
    modelRecentLines: number;
    historyBuckets: number;
  };
}

// ——— Decisions, approvals, policies, releases ———

/** Who is at the keyboard; recorded with every decision, approval and governance change. */
export interface SessionUser {
  userId: string;
  displayName: string;
  role: UserRole;
}

/** Someone of the workbook, as the sign-in dialog lists them: how they sign in. */
export interface Person extends SessionUser {
  /** 'name': a planner; 'passphrase': asked for it; 'new-passphrase': a manager or analyst from before passphrases, who chooses one at first sign-in. */
  signInWith: 'name' | 'passphrase' | 'new-passphrase';
}

export interface Session {
  user: SessionUser | null;
  users: Person[];
  /** Roles the person signed in (or nobody) may add: a planner always; the first manager at first start; managers and analysts only a manager. */
  mayAdd: UserRole[];
  /** A demo workbook: its managers and analysts start with DEMO_PASSPHRASE, which the sign-in dialog states. */
  demoWorkbook: boolean;
  /** The run this person's Review opens on (electron/backend/review/opening-run.ts); null without runs. */
  openingRun: OpeningRun | null;
}

/** The passphrase of the demo workbook's managers and analysts (public by design: a demo). */
export const DEMO_PASSPHRASE = 'demo';
/** The shortest passphrase a person may choose (the backend enforces it; the sign-in dialog says it). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Where Review opens: the run last worked on, the newer cycle of its model that arrived since, or the main model's newest run. */
export interface OpeningRun {
  runId: number;
  reason: 'last_worked' | 'newer_cycle' | 'main_model';
  /** The model with the most runs. */
  mainModel: string;
}

export type { LineLock, LinePolicy } from './decision-rules';

export const LINE_STATUSES = ['undecided', 'final', 'pending_approval', 'approved', 'rejected'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export const PLAN_SOURCES = ['model', 'override', 'sales_input'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

export type DecisionAction = 'accept' | 'override' | 'undo' | 'auto_final';

/** One row of the decisions journal. */
export interface DecisionRecord {
  decisionId: number;
  lineId: number;
  action: DecisionAction;
  quantity: number | null;
  source: PlanSource;
  reasonCode: string | null;
  comment: string | null;
  decidedBy: string | null;
  decidedAt: string;
  /** As written; the effective status (approved / rejected) is in LineState. */
  status: 'final' | 'pending_approval';
  undoesDecisionId: number | null;
  /** Set only where an adopted policy changed the override: what the planner asked for (`quantity` is what applies). */
  askedQuantity?: number;
  /** The adopted policy version that changed it. */
  policyVersion?: number | null;
}

/** A line of the final plan, derived from the journal. */
export interface LineState {
  lineId: number;
  modelQuantity: number;
  /** The plan's quantity: a pending or rejected override does not change it. */
  finalQuantity: number;
  /** Where finalQuantity comes from. */
  source: PlanSource;
  status: LineStatus;
  /** The line's latest decision in force (also when it is pending or rejected). */
  decisionId: number | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reasonCode: string | null;
}

export interface DecideOutcome {
  decision: DecisionRecord;
  lineState: LineState;
}

export interface BulkAcceptOutcome {
  accepted: number;
  skippedFrozen: number;
  skippedDecided: number;
  /** Lines whose actual is already known (deciding them now would be hindsight). */
  skippedPast: number;
}

export interface UndoOutcome {
  undoneDecisionId: number;
  /** The 'undo' row appended to the journal. */
  decision: DecisionRecord;
  lineState: LineState;
}

export interface ApprovalRecord {
  approvalId: number;
  decisionId: number;
  verdict: 'approved' | 'rejected';
  note: string | null;
  decidedBy: string;
  decidedAt: string;
}

export interface PendingApproval {
  decisionId: number;
  lineId: number;
  runId: number;
  itemId: string;
  itemName: string;
  category: string | null;
  locationId: string;
  period: string;
  lag: number;
  modelQuantity: number;
  overrideQuantity: number;
  /** Relative to the model quantity; null when the model said 0. */
  changePct: number | null;
  changeUnits: number;
  source: PlanSource;
  reasonCode: string | null;
  reasonLabel: string | null;
  comment: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string;
}

export interface ReviewOutcome {
  approval: ApprovalRecord;
  lineState: LineState;
}

export interface PolicySummary {
  policyId: number;
  segmentType: 'all' | 'category' | 'abc_class';
  segmentValue: string;
  modelRole: ModelRole;
  /** 'assist' while the drift guard has stepped the segment down. */
  effectiveRole: ModelRole;
  steppedDownAt: string | null;
  approvalPct: number | null;
  approvalUnits: number | null;
  freezeLags: number;
  commentPct: number | null;
  driftThresholdPts: number | null;
  updatedBy: string | null;
  updatedAt: string;
}

export interface ReasonCode {
  code: string;
  label: string;
  commentRequired: boolean;
  active: boolean;
  sortOrder: number;
}

export interface ReleaseRoleCounts {
  lines: number;
  /** Decided by a person (final, approved, pending or rejected). */
  reviewed: number;
  autoFinalised: number;
  /** Released at the model quantity with nobody having looked (assist / recommend / trigger). */
  unreviewed: number;
}

/** What a release found when it snapshotted the plan (a rollback copies lines and reviews nothing). */
export interface ReleaseReview {
  autoFinalised: number;
  /** Undecided assist / recommend lines released at the model quantity. */
  releasedWithoutReview: number;
  /** Pending overrides released at their effective (pre-override) quantity. */
  pendingReleasedAtPrevious: number;
  /** Lines whose current override was rejected, released at the quantity before it. */
  rejected: number;
  /** Per model role in force at release (trigger lines need no review by design). */
  byRole: Record<ModelRole, ReleaseRoleCounts>;
}

export interface ReleaseOutcome {
  releaseId: number;
  runId: number;
  version: number;
  kind: 'release' | 'rollback';
  restoresVersion: number | null;
  lines: number;
  /** sha256 of the release lines (see electron/backend/decisions/release-lines.ts). */
  sha256: string;
  review: ReleaseReview | null;
}

export interface ReleaseSummary {
  releaseId: number;
  version: number;
  kind: 'release' | 'rollback';
  restoresVersion: number | null;
  note: string | null;
  releasedBy: string | null;
  releasedByName: string | null;
  releasedAt: string;
  lines: number;
  sha256: string | null;
  /** The highest version: the plan of record. */
  current: boolean;
}

export interface LineJournalDecision extends DecisionRecord {
  reasonLabel: string | null;
  decidedByName: string | null;
  /** Set for decision history imported from a file: shown as imported, never as decided here (shared/decision-provenance.ts). */
  imported: ImportedDecision | null;
  /** Set when a later 'undo' row took this decision back. */
  undoneBy: number | null;
}

export interface LineJournal {
  line: {
    lineId: number;
    runId: number;
    itemId: string;
    itemName: string;
    locationId: string;
    period: string;
    lag: number;
    modelQuantity: number;
    modelRole: ModelRole;
    frozen: boolean;
  };
  state: LineState;
  decisions: LineJournalDecision[];
  approvals: (ApprovalRecord & { decidedByName: string | null })[];
}
