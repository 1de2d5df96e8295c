// The one table: contract method → backend function, with what each does
// besides answering. Every way in (IPC, HTTP, CLI) goes through dispatch(),
// which validates the payload first and then carries the declaration out.
import { isAttributeSlice } from '../../shared/accuracy';
import type { ParsedRequestOf } from '../../shared/contract';
import { ACCURACY_REQUESTS } from '../../shared/contract-accuracy';
import type { Result } from '../../shared/domain';
import { METHOD_NAMES, type MethodName } from '../../shared/methods';
import type { BackendContext } from './context';
import type { ReadableDb } from './db/handles';
import { toApiError } from './errors';
import { runOfLine } from './decisions/plan-events';
import { accuracyCube } from './accuracy/cube';
import { runDeclared, type MethodDeclaration, type MethodTable } from './declarations';
import { need } from './derived/registry';
import { exceptionScoresOf } from './exceptions/cache';
import { defaultGroupLayoutOf } from './review/group-layout';
import { IMPORT_EFFECTS, UNDO_EFFECTS } from './imports/effects';
import { runOverviewOf } from './queries/run-overview';
import { allRunScores, governanceNeeds } from './derived/governance-needs';

// The handlers' modules load on a method's first call, not with the table: each
// fwb command is a process of its own, and every module it loads is start-up
// time (an accuracy answer has no use for the import pipeline or the exports).
// What dispatch carries out around a method (below) is declared here, loaded.
const accuracy = () => import('./accuracy/handlers');
const approvals = () => import('./decisions/approvals');
const exportsApi = () => import('./exports/handlers');
const imports = () => import('./imports/handlers');
const policies = () => import('./decisions/policy-admin');
const reasonCodes = () => import('./decisions/reason-codes');
const releases = () => import('./decisions/releases');
const runs = () => import('./queries/runs');
const session = () => import('./people/session');

/** The scores of the run a page of the worklist shows (and its default grouped layout, laid out from them). */
const runScores = (req: { runId: number }) => [exceptionScoresOf(req.runId), defaultGroupLayoutOf(req.runId)];
const cube = [need(accuracyCube)];
/** Exports of accuracy figures read the cube, and of the governance report what the report reads. */
const exportNeeds = (req: { what: string }, db: ReadableDb) => (req.what === 'governance' ? governanceNeeds(db) : req.what === 'accuracy' ? cube : []);

/**
 * The one table. Each method declares what dispatch does around it
 * (declarations.ts): `read` or `write`, the derived data it needs `current`,
 * what it `announces`, whether it is a `job`. A read handler is handed the
 * workbook to read only (db/handles.ts).
 */
export const handlers: MethodTable = {
  getWorkbookInfo: { kind: 'read', run: async (ctx) => (await import('./queries/workbook')).getWorkbookInfo(ctx) },
  listRuns: { kind: 'read', run: async (ctx) => (await runs()).listRuns(ctx) },
  getRunLines: { kind: 'read', current: runScores, run: async (ctx, req) => (await import('./review/worklist')).getRunLines(ctx, req) },
  getRunOverview: { kind: 'read', current: (req) => [runOverviewOf(req.runId)], run: async (ctx, req) => (await runs()).getRunOverview(ctx, req) },
  listImportBatches: { kind: 'read', run: async (ctx) => (await import('./queries/batches')).listImportBatches(ctx) },
  previewImport: { kind: 'read', run: async (ctx, req) => (await imports()).previewImport(ctx, req) },
  runImport: { kind: 'write', ...IMPORT_EFFECTS, run: async (ctx, req) => (await imports()).runImport(ctx, req) },
  undoImportBatch: { kind: 'write', ...UNDO_EFFECTS, run: async (ctx, req) => (await imports()).undoImport(ctx, req) },
  listQuarantine: { kind: 'read', run: async (ctx, req) => (await import('./queries/quarantine')).listQuarantine(ctx, req) },
  getItemDetail: { kind: 'read', run: async (ctx, req) => (await import('./review/item-detail')).getItemDetail(ctx, req) },
  getSession: { kind: 'read', run: async (ctx) => (await session()).getSession(ctx) },
  // Who is signed in is the calling window's to show (stores/session.ts): nothing else shows it.
  signIn: { kind: 'write', run: async (ctx, req) => (await session()).signIn(ctx, req), announces: {} },
  signOut: { kind: 'write', run: async (ctx) => (await session()).signOut(ctx), announces: {} },
  changePassphrase: { kind: 'write', run: async (ctx, req) => (await session()).changePassphrase(ctx, req), announces: {} },
  decideLine: {
    kind: 'write',
    run: async (ctx, req) => (await import('./decisions/decide')).decideLine(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'decision', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  bulkAccept: {
    kind: 'write',
    run: async (ctx, req) => (await import('./decisions/bulk')).bulkAccept(ctx, req),
    announces: { 'plan-changed': (_db, req, out) => (out.accepted > 0 ? { reason: 'bulk-accept', runId: req.runId } : null) },
  },
  undoLastDecision: {
    kind: 'write',
    run: async (ctx, req) => (await import('./decisions/undo')).undoLastDecision(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'undo', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  listPendingApprovals: { kind: 'read', run: async (ctx, req) => (await approvals()).listPendingApprovals(ctx, req) },
  reviewOverride: {
    kind: 'write',
    run: async (ctx, req) => (await approvals()).reviewOverride(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'approval', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  listPolicies: { kind: 'read', run: async (ctx) => (await policies()).listPolicies(ctx) },
  // A policy says which lines are frozen, what a decision needs and what waits for a manager: every view of every run's plan refreshes.
  savePolicy: { kind: 'write', run: async (ctx, req) => (await policies()).savePolicy(ctx, req), announces: { 'plan-changed': () => ({ reason: 'policy', runId: null }) } },
  restorePolicyRole: { kind: 'write', run: async (ctx, req) => (await policies()).restorePolicyRole(ctx, req), announces: { 'plan-changed': () => ({ reason: 'policy', runId: null }) } },
  listReasonCodes: { kind: 'read', run: async (ctx) => (await reasonCodes()).listReasonCodes(ctx) },
  saveReasonCode: { kind: 'write', run: async (ctx, req) => (await reasonCodes()).saveReasonCode(ctx, req), announces: { 'workbook-changed': () => ({ reason: 'reason-code' }) } },
  releaseRun: { kind: 'write', run: async (ctx, req) => (await releases()).releaseRun(ctx, req), announces: { 'plan-changed': (_db, _req, out) => ({ reason: 'release', runId: out.runId }) } },
  rollbackRun: { kind: 'write', run: async (ctx, req) => (await releases()).rollbackRun(ctx, req), announces: { 'plan-changed': (_db, _req, out) => ({ reason: 'rollback', runId: out.runId }) } },
  listReleases: { kind: 'read', run: async (ctx, req) => (await releases()).listReleases(ctx, req) },
  getLineJournal: { kind: 'read', run: async (ctx, req) => (await import('./decisions/line-journal')).getLineJournal(ctx, req) },
  previewOverride: { kind: 'read', run: async (ctx, req) => (await import('./decisions/override-preview')).previewOverride(ctx, req) },
  listTeamAnswers: { kind: 'read', run: async (ctx) => (await import('./team-replica/answers')).teamAnswers(ctx.db) },
  previewExport: { kind: 'read', current: exportNeeds, run: async (ctx, req) => (await exportsApi()).previewExport(ctx, req) },
  // Writes a file, never the workbook.
  runExport: { kind: 'read', current: exportNeeds, job: { kind: 'export' }, run: async (ctx, req) => (await exportsApi()).runExport(ctx, req) },
  listItemAttributes: { kind: 'read', run: async (ctx, req) => (await import('./review/item-attributes')).listItemAttributes(ctx, req) },
  getAccuracyOptions: { kind: 'read', current: cube, run: async (ctx) => (await accuracy()).getAccuracyOptions(ctx) },
  getAccuracyOverview: { kind: 'read', current: cube, run: async (ctx, req) => (await accuracy()).getAccuracyOverview(ctx, req) },
  // Item attributes are not in the cube: that slice reads the lines themselves.
  getAccuracySlice: { kind: 'read', current: (req) => (isAttributeSlice(req.by) ? [] : cube), run: async (ctx, req) => (await accuracy()).getAccuracySlice(ctx, req) },
  getOverrideGuidance: { kind: 'read', current: cube, run: async (ctx, req) => (await accuracy()).getOverrideGuidance(ctx, req) },
  getTrustMap: { kind: 'read', current: cube, run: async (ctx, req) => (await accuracy()).getTrustMap(ctx, req) },
  // A drift alert steps a segment's model down (a policy change) and moves exception scores.
  runDriftGuard: {
    kind: 'write',
    current: cube,
    run: async (ctx) => (await accuracy()).runDriftGuard(ctx),
    announces: { 'workbook-changed': (_db, _req, out) => (out.raised.length > 0 ? { reason: 'drift' } : null) },
  },
  getGovernanceReport: { kind: 'read', current: (_req, db) => governanceNeeds(db), run: async (ctx) => (await import('./governance/report')).governanceReport(ctx.db, ctx.now()) },
  // Today's stairstep, next to the replayed one, is the cube's.
  simulatePolicy: { kind: 'read', current: cube, run: async (ctx, req) => (await import('./policy-lab/handlers')).simulatePolicy(ctx, req) },
  // Adoption stores the backend's own simulation beside the rules, so it needs the cube as simulatePolicy does.
  adoptPolicy: { kind: 'write', current: cube, run: async (ctx, req) => (await import('./policy-lab/adopt')).adoptPolicy(ctx, req), announces: { 'plan-changed': () => ({ reason: 'policy', runId: null }) } },
  listPolicyAdoptions: { kind: 'read', run: async (ctx) => (await import('./policy-lab/adopt')).listPolicyAdoptions(ctx) },
  suggestPolicy: { kind: 'read', run: async (ctx, req) => (await import('./policy-lab/handlers')).suggestPolicy(ctx, req) },
  // The top exceptions are read from every run's scores.
  getValueMeasures: { kind: 'read', current: (_req, db) => allRunScores(db), run: async (ctx, req) => (await import('./value/report')).valueReport(ctx.db, req.by, ctx.now()) },
};

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

/** Validates and runs one call. Never throws: bad input and failures come back as values. */
export async function dispatch(ctx: BackendContext, method: unknown, payload: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method).slice(0, 100)}` } };
  }
  // An accuracy call's schema alone; the whole contract (every method's schemas, made as it loads) for the others.
  const request = Object.hasOwn(ACCURACY_REQUESTS, method) ? ACCURACY_REQUESTS[method as keyof typeof ACCURACY_REQUESTS] : (await import('../../shared/contract')).contract[method].request;
  const parsed = request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(request)', message: i.message }));
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: `Invalid request for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      },
    };
  }
  try {
    const value = await runDeclared(ctx, handlers[method] as MethodDeclaration<MethodName>, parsed.data as ParsedRequestOf<MethodName>);
    return { ok: true, value };
  } catch (err) {
    // SQLite's "database is locked" becomes a sentence naming what holds the workbook (loaded when it happens).
    const { asBusyError } = await import('./db/busy');
    return { ok: false, error: toApiError(asBusyError(err, ctx.db)) };
  }
}
