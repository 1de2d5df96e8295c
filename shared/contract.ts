// The one API contract: every method's request schema (validated by the backend,
// whichever way the call came in) and its response type.
// The namespace import lets the bundlers leave out the zod modules never used (its ninety locales above all).
import * as z from 'zod';
import { IMPORT_FILE_KINDS, type ForecastLinePage, type ItemAttributeFacet, type ForecastRunSummary, type ImportBatchSummary, type ItemDetail, type ImportOutcome, type ImportPreview, type ImportUndoOutcome, type QuarantineRow, type RunOverview, type WorkbookInfo } from './domain';
import { GRAINS } from './period';
import { accuracyFilter, accuracyFilterFields, accuracySeed, getAccuracyOverviewRequest, getAccuracySliceRequest, isoDate } from './contract-accuracy';
import type { GovernanceReport } from './governance';
import { ATTRIBUTE_SLICE_PREFIX, LINE_SLICES, METRICS, OVERRIDE_SLICES, type AccuracyOptions, type AccuracyOverview, type DriftStatus, type OverrideGuidance, type SliceTable, type SourceRanking, type TrustMap } from './accuracy';
import type { MethodName } from './methods';
import type { TeamAnswers } from './team-journal';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportOutcome, type ExportPreview } from './exports';
import { candidatePolicy, policySegment, type AdoptedPolicy, type OverridePolicyPreview, type PolicySimulation, type PolicySuggestion } from './policy-lab';
import { VALUE_GROUPINGS, type ValueReport } from './value';
import { MODEL_ROLES, USER_ROLES, type BulkAcceptOutcome, type DecideOutcome, type LineJournal, type PendingApproval, type PolicySummary, type ReasonCode, type ReleaseOutcome, type ReleaseSummary, type ReviewOutcome, type Session, type UndoOutcome } from './domain';

export { getAccuracyOverviewRequest, getAccuracySliceRequest };

const empty = z.object({}).strict();

export const RUN_LINE_SORT_COLUMNS = ['exception', 'item', 'period', 'lag', 'quantity', 'lower', 'upper', 'category', 'width'] as const;
export type RunLineSortColumn = (typeof RUN_LINE_SORT_COLUMNS)[number];

export const getRunLinesRequest = z
  .object({
    runId: z.number().int().positive(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(2000).default(200),
    sort: z
      .object({ column: z.enum(RUN_LINE_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) })
      .strict()
      .default({ column: 'exception', direction: 'desc' }),
    filter: z
      .object({
        text: z.string().max(200).optional(),
        category: z.string().max(200).optional(),
        owner: z.string().max(200).optional(),
        lag: z.number().int().min(0).max(10_000).optional(),
        /** 'undecided': not decided and still open (closed lines, whose actual is known, are left out); 'closed': the actual is known. */
        status: z.enum(['undecided', 'decided', 'final', 'pending_approval', 'approved', 'rejected', 'overridden', 'closed']).optional(),
        /** Any item attribute: brand, family, abcClass, unit, or a key of the item's imported attributes (checked by the backend). */
        attribute: z.object({ name: z.string().min(1).max(100), value: z.string().max(500) }).strict().optional(),
      })
      .strict()
      .default({}),
    /** Each item's lines together (a header row per item, then its lines in period order); groups follow the sort. */
    groupByItem: z.boolean().default(false),
  })
  .strict();

const stagedId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a staged file id');
const columnMap = z.record(z.string().min(1).max(60), z.string().min(1).max(300)).refine((m) => Object.keys(m).length <= 40, 'too many mappings');

export const previewImportRequest = z
  .object({ stagedId, kind: z.enum(IMPORT_FILE_KINDS), sheet: z.string().max(100).optional(), map: columnMap.optional() })
  .strict();

export const runImportRequest = z
  .object({
    stagedId,
    kind: z.enum(IMPORT_FILE_KINDS),
    sheet: z.string().max(100).optional(),
    map: columnMap.optional(),
    model: z.string().min(1).max(100).optional(),
    modelVersion: z.string().max(100).optional(),
    origin: z.optional(isoDate),
    grain: z.enum(GRAINS).optional(),
    strict: z.boolean().default(false),
    force: z.boolean().default(false),
    /** Rows of items the workbook does not know: quarantined unless the user asks to create them (item files always create). */
    unknownItems: z.enum(['create', 'reject']).default('reject'),
  })
  .strict();

// ——— Decisions, approvals, policies, releases ———
// Structure is checked here; the rules that need the workbook (reasons, freeze,
// thresholds, roles) are enforced by the backend in electron/backend/decisions/.
const id = z.number().int().positive();
const text = (max: number) => z.string().trim().max(max);
const quantity = z.number().min(0).max(1e12);
const nullablePct = z.number().min(0).max(10_000).nullable();

// Passphrases are never trimmed or echoed; the backend checks their length and says so in a sentence.
const passphrase = z.string().max(1024, 'at most 1024 characters');

/** An existing person by id (role, if given, must be theirs), or a newcomer by name and role. */
export const signInRequest = z
  .object({
    userId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'letters, digits and . _ @ - only, at most 64').optional(),
    displayName: text(100).pipe(z.string().min(1, 'a name is required')).optional(),
    role: z.enum(USER_ROLES).optional(),
    /** A manager's or analyst's passphrase. */
    passphrase: passphrase.optional(),
    /** The passphrase a new manager or analyst chooses (or one from before passphrases, at first sign-in). */
    newPassphrase: passphrase.optional(),
  })
  .strict()
  .refine((r) => r.userId !== undefined || (r.displayName !== undefined && r.role !== undefined), { message: 'say who: a userId, or a name and role for someone new', path: ['userId'] });

export const changePassphraseRequest = z.object({ current: passphrase, next: passphrase }).strict();

export const decideLineRequest = z
  .object({
    lineId: id,
    action: z.enum(['accept', 'override']),
    quantity: quantity.optional(),
    /** Override by percent of the model quantity: -100 … +10 000. */
    percent: z.number().min(-100).max(10_000).optional(),
    useSalesInput: z.boolean().optional(),
    reasonCode: z.string().max(40).optional(),
    comment: text(2000).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const given = [r.quantity !== undefined, r.percent !== undefined, r.useSalesInput === true].filter(Boolean).length;
    if (r.action === 'override' && given !== 1) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'an override needs exactly one of quantity, percent or useSalesInput' });
    if (r.action === 'accept' && given !== 0) ctx.addIssue({ code: 'custom', path: ['action'], message: 'accept takes the model quantity: no quantity, percent or useSalesInput' });
  });

export const bulkAcceptRequest = z
  .object({
    runId: id,
    lineIds: z.array(id).min(1).max(100_000).optional(),
    filter: getRunLinesRequest.shape.filter.unwrap().optional(),
  })
  .strict()
  .refine((r) => (r.lineIds === undefined) !== (r.filter === undefined), { message: 'give either lineIds or filter (use filter: {} for every line of the run)', path: ['lineIds'] });

export const reviewOverrideRequest = z
  .object({ decisionId: id, verdict: z.enum(['approved', 'rejected']), note: text(2000).default('') })
  .strict()
  .refine((r) => r.verdict !== 'rejected' || r.note.length > 0, { message: 'a rejection needs a note saying why', path: ['note'] });

export const savePolicyRequest = z
  .object({
    segmentType: z.enum(['all', 'category', 'abc_class']),
    segmentValue: text(200).pipe(z.string().min(1)),
    modelRole: z.enum(MODEL_ROLES),
    approvalPct: nullablePct,
    approvalUnits: quantity.nullable(),
    freezeLags: z.number().int().min(0).max(1000),
    commentPct: nullablePct,
    driftThresholdPts: z.number().positive().max(1000).nullable(),
  })
  .strict()
  .refine((r) => r.segmentType !== 'all' || r.segmentValue === '*', { message: "the 'all' segment's value is '*'", path: ['segmentValue'] })
  .refine((r) => r.segmentType !== 'abc_class' || ['A', 'B', 'C'].includes(r.segmentValue), { message: 'an ABC class is A, B or C', path: ['segmentValue'] });

export const saveReasonCodeRequest = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, at most 40'),
    label: text(100).pipe(z.string().min(1, 'a label is required')),
    commentRequired: z.boolean(),
    active: z.boolean(),
  })
  .strict();

// ——— Exports ———
// What to export; the backend checks that the run, version or batch exists.
const exportSelection = {
  what: z.enum(EXPORT_KINDS),
  /** The plan's run; the current run (the main model's newest) when left out. */
  runId: id.optional(),
  /** A released version of the run's plan instead of the plan as it stands. */
  version: z.number().int().min(1).optional(),
  batchId: id.optional(),
  /** An accuracy table: the slice (as in getAccuracySlice, 'stairstep', 'direction_size' or 'trust_map'), the metric and the lines it covers. */
  by: z.string().min(1).max(120).optional(),
  metric: z.enum(METRICS).optional(),
  filter: z.optional(accuracyFilterFields),
  /** The trust map's window: the last this many cycles (as getTrustMap). */
  windowCycles: z.number().int().min(1).max(60).optional(),
};
/** The accuracy tables an export may hold (and attr:NAME for an item attribute's slice). */
export const ACCURACY_EXPORT_BY = ['stairstep', 'direction_size', 'trust_map', 'model', ...OVERRIDE_SLICES, ...LINE_SLICES] as readonly string[];
function exportSelectionRules(r: { what: string; runId?: number; version?: number; batchId?: number; by?: string; metric?: string; filter?: object; format?: string; windowCycles?: number }, ctx: z.RefinementCtx): void {
  if (r.windowCycles !== undefined && r.by !== 'trust_map') ctx.addIssue({ code: 'custom', path: ['windowCycles'], message: 'a window of cycles only goes with the trust map' });
  if (r.what === 'accuracy' && r.by === undefined) ctx.addIssue({ code: 'custom', path: ['by'], message: 'say which accuracy table (by)' });
  if (r.what === 'accuracy' && r.by !== undefined && !ACCURACY_EXPORT_BY.includes(r.by) && !r.by.startsWith(ATTRIBUTE_SLICE_PREFIX))
    ctx.addIssue({ code: 'custom', path: ['by'], message: `unknown accuracy table "${r.by}"` });
  if (r.what !== 'accuracy' && (r.by !== undefined || r.metric !== undefined || r.filter !== undefined)) ctx.addIssue({ code: 'custom', path: ['by'], message: 'by, metric and filter go with accuracy' });
  if (r.format !== undefined && (r.format === 'html') !== (r.what === 'governance')) ctx.addIssue({ code: 'custom', path: ['format'], message: 'the governance report is HTML, and HTML is only for the governance report' });
  if (r.what !== 'plan' && r.runId !== undefined) ctx.addIssue({ code: 'custom', path: ['runId'], message: 'a run only goes with the plan' });
  if (r.what !== 'plan' && r.version !== undefined) ctx.addIssue({ code: 'custom', path: ['version'], message: 'a version only goes with the plan' });
  if (r.what === 'quarantine' && r.batchId === undefined) ctx.addIssue({ code: 'custom', path: ['batchId'], message: 'say which import batch' });
  if (r.what !== 'quarantine' && r.batchId !== undefined) ctx.addIssue({ code: 'custom', path: ['batchId'], message: 'a batch only goes with quarantine' });
}
export const previewExportRequest = z
  .object({ ...exportSelection, limit: z.number().int().min(1).max(500).default(50) })
  .strict()
  .superRefine(exportSelectionRules);
export const runExportRequest = z
  .object({ ...exportSelection, format: z.enum(EXPORT_FORMATS) })
  .strict()
  .superRefine(exportSelectionRules);


// ——— Accuracy ——— (the screen's and fwb accuracy's requests: contract-accuracy.ts)
// ——— Policy lab (issue 16) ———
export const simulatePolicyRequest = z.object({ policy: candidatePolicy, metric: z.enum(METRICS).default('wape'), filter: accuracyFilter, seed: accuracySeed }).strict();
export const suggestPolicyRequest = z
  .object({
    by: policySegment.shape.by.default('all'),
    /** One segment's value; every value of `by` when left out. */
    value: z.string().max(200).optional(),
    holdoutCycles: z.number().int().min(1).max(60).default(3),
    metric: z.enum(METRICS).default('wape'),
    filter: accuracyFilter,
    seed: accuracySeed,
  })
  .strict();
export const adoptPolicyRequest = z.object({ policy: candidatePolicy, metric: z.enum(METRICS).default('wape'), note: z.string().max(500).optional() }).strict();
export const getOverrideGuidanceRequest = z.object({ lineId: id, quantity: quantity, reasonCode: z.string().max(40).optional() }).strict();

export const contract = {
  getWorkbookInfo: { request: empty, response: {} as WorkbookInfo },
  listRuns: { request: empty, response: {} as { runs: ForecastRunSummary[] } },
  getRunLines: { request: getRunLinesRequest, response: {} as ForecastLinePage },
  getRunOverview: {
    request: z.object({ runId: z.number().int().positive(), historyBuckets: z.number().int().min(0).max(520).default(24) }).strict(),
    response: {} as RunOverview,
  },
  listImportBatches: { request: empty, response: {} as { batches: ImportBatchSummary[] } },
  previewImport: { request: previewImportRequest, response: {} as ImportPreview },
  runImport: { request: runImportRequest, response: {} as ImportOutcome },
  /** Takes back an import batch nothing depends on yet (refused, naming what does); the batch record stays, marked undone. */
  undoImportBatch: { request: z.object({ batchId: z.number().int().positive() }).strict(), response: {} as ImportUndoOutcome },
  getItemDetail: {
    request: z.object({ runId: z.number().int().positive(), itemId: z.string().min(1).max(200), locationId: z.string().min(1).max(200).default('ALL') }).strict(),
    response: {} as ItemDetail,
  },
  listQuarantine: {
    request: z.object({ batchId: z.number().int().positive(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: {} as { batchId: number; total: number; rows: QuarantineRow[] },
  },
  getSession: { request: empty, response: {} as Session },
  signIn: { request: signInRequest, response: {} as Session },
  signOut: { request: empty, response: {} as Session },
  changePassphrase: { request: changePassphraseRequest, response: {} as Session },
  decideLine: { request: decideLineRequest, response: {} as DecideOutcome },
  bulkAccept: { request: bulkAcceptRequest, response: {} as BulkAcceptOutcome },
  undoLastDecision: { request: z.object({ runId: id.optional() }).strict(), response: {} as UndoOutcome },
  listPendingApprovals: { request: z.object({ runId: id.optional() }).strict(), response: {} as { approvals: PendingApproval[] } },
  reviewOverride: { request: reviewOverrideRequest, response: {} as ReviewOutcome },
  listPolicies: { request: empty, response: {} as { policies: PolicySummary[] } },
  savePolicy: { request: savePolicyRequest, response: {} as PolicySummary },
  restorePolicyRole: { request: z.object({ policyId: id }).strict(), response: {} as PolicySummary },
  listReasonCodes: { request: empty, response: {} as { reasonCodes: ReasonCode[] } },
  saveReasonCode: { request: saveReasonCodeRequest, response: {} as ReasonCode },
  releaseRun: { request: z.object({ runId: id, note: text(2000).optional() }).strict(), response: {} as ReleaseOutcome },
  rollbackRun: {
    request: z.object({ runId: id, toVersion: z.number().int().min(1), note: text(2000).pipe(z.string().min(1, 'say why the plan is rolled back')) }).strict(),
    response: {} as ReleaseOutcome,
  },
  listReleases: { request: z.object({ runId: id }).strict(), response: {} as { runId: number; releases: ReleaseSummary[] } },
  getLineJournal: { request: z.object({ lineId: id }).strict(), response: {} as LineJournal },
  /** What the adopted policy (Policy lab) will make of an override before it is saved (issue 16, item 3). */
  previewOverride: { request: z.object({ lineId: id, quantity: quantity }).strict(), response: {} as OverridePolicyPreview },
  // A linked workbook's refusals and open conflicts for its login (Review's Team panel).
  listTeamAnswers: { request: empty, response: {} as TeamAnswers },
  listItemAttributes: { request: z.object({ runId: id.optional() }).strict(), response: {} as { attributes: ItemAttributeFacet[] } },
  previewExport: { request: previewExportRequest, response: {} as ExportPreview },
  runExport: { request: runExportRequest, response: {} as ExportOutcome },
  getAccuracyOptions: { request: empty, response: {} as AccuracyOptions },
  getAccuracyOverview: { request: getAccuracyOverviewRequest, response: {} as AccuracyOverview },
  getAccuracySlice: { request: getAccuracySliceRequest, response: {} as SliceTable | SourceRanking },
  getOverrideGuidance: { request: getOverrideGuidanceRequest, response: {} as OverrideGuidance },
  getTrustMap: { request: z.object({ windowCycles: z.number().int().min(1).max(60).default(9) }).strict(), response: {} as TrustMap },
  runDriftGuard: { request: empty, response: {} as { raised: DriftStatus[]; segments: DriftStatus[] } },
  getGovernanceReport: { request: empty, response: {} as GovernanceReport },
  /** Replays past final plans under a candidate policy (read-only). */
  simulatePolicy: { request: simulatePolicyRequest, response: {} as PolicySimulation },
  adoptPolicy: { request: adoptPolicyRequest, response: {} as AdoptedPolicy },
  listPolicyAdoptions: { request: empty, response: {} as { adoptions: AdoptedPolicy[] } },
  /** Fits levers per segment on older cycles and reports them on the newest ones it did not see (read-only). */
  suggestPolicy: { request: suggestPolicyRequest, response: {} as PolicySuggestion },
  /** The value of planning in business terms (cycle time, touch rate, exception hit rate, consistency, value per hour, escalation), per run or planner. */
  getValueMeasures: { request: z.object({ by: z.enum(VALUE_GROUPINGS).default('run') }).strict(), response: {} as ValueReport },
} satisfies Record<MethodName, { request: z.core.$ZodType; response: unknown }>;

export type Contract = typeof contract;
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = Contract[M]['response'];
