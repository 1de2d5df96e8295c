// The one table: contract method → backend function, with what each does
// besides answering. Every way in (IPC, HTTP, CLI) goes through dispatch(),
// which validates the payload first and then carries the declaration out.
import { isAttributeSlice } from '../../shared/accuracy';
import { contract, type ParsedRequestOf } from '../../shared/contract';
import type { Result } from '../../shared/domain';
import { METHOD_NAMES, type MethodName } from '../../shared/methods';
import type { BackendContext } from './context';
import { asBusyError } from './db/busy';
import { toApiError } from './errors';
import { governanceReport } from './governance/report';
import { getAccuracyOptions, getAccuracyOverview, getAccuracySlice, getOverrideGuidance, getTrustMap, runDriftGuard } from './accuracy/handlers';
import { runOfLine } from './decisions/plan-events';
import { accuracyCube } from './accuracy/cube';
import { runDeclared, type MethodDeclaration, type MethodTable } from './declarations';
import { need } from './derived/registry';
import { exceptionScoresOf } from './exceptions/cache';
import { IMPORT_EFFECTS, previewImport, runImport, UNDO_EFFECTS, undoImport } from './imports/handlers';
import { listImportBatches } from './queries/batches';
import { getItemDetail } from './review/item-detail';
import { listItemAttributes } from './review/item-attributes';
import { listQuarantine } from './queries/quarantine';
import { getRunOverview, listRuns } from './queries/runs';
import { runOverviewOf } from './queries/run-overview';
import { getRunLines } from './review/worklist';
import { getWorkbookInfo } from './queries/workbook';
import { listPendingApprovals, reviewOverride } from './decisions/approvals';
import { bulkAccept } from './decisions/bulk';
import { decideLine } from './decisions/decide';
import { getLineJournal } from './decisions/line-journal';
import { listPolicies, restorePolicyRole, savePolicy } from './decisions/policy-admin';
import { listReasonCodes, saveReasonCode } from './decisions/reason-codes';
import { listReleases, releaseRun, rollbackRun } from './decisions/releases';
import { changePassphrase, getSession, signIn, signOut } from './people/session';
import { undoLastDecision } from './decisions/undo';
import { previewExport, runExport } from './exports/handlers';

/** The scores of the run a page of the worklist shows. */
const runScores = (req: { runId: number }) => [exceptionScoresOf(req.runId)];
const cube = [need(accuracyCube)];
/** Exports of accuracy figures and of the governance report read the cube. */
const exportNeeds = (req: { what: string }) => (req.what === 'accuracy' || req.what === 'governance' ? cube : []);

/**
 * The one table. Each method declares what dispatch does around it
 * (declarations.ts): `read` or `write`, the derived data it needs `current`,
 * what it `announces`, whether it is a `job`. A read handler is handed the
 * workbook to read only (db/handles.ts).
 */
export const handlers: MethodTable = {
  getWorkbookInfo: { kind: 'read', run: (ctx) => getWorkbookInfo(ctx) },
  listRuns: { kind: 'read', run: (ctx) => listRuns(ctx) },
  getRunLines: { kind: 'read', current: runScores, run: (ctx, req) => getRunLines(ctx, req) },
  getRunOverview: { kind: 'read', current: (req) => [runOverviewOf(req.runId)], run: (ctx, req) => getRunOverview(ctx, req) },
  listImportBatches: { kind: 'read', run: (ctx) => listImportBatches(ctx) },
  previewImport: { kind: 'read', run: (ctx, req) => previewImport(ctx, req) },
  runImport: { kind: 'write', ...IMPORT_EFFECTS, run: (ctx, req) => runImport(ctx, req) },
  undoImportBatch: { kind: 'write', ...UNDO_EFFECTS, run: (ctx, req) => undoImport(ctx, req) },
  listQuarantine: { kind: 'read', run: (ctx, req) => listQuarantine(ctx, req) },
  getItemDetail: { kind: 'read', run: (ctx, req) => getItemDetail(ctx, req) },
  getSession: { kind: 'read', run: (ctx) => getSession(ctx) },
  // Who is signed in is the calling window's to show (stores/session.ts): nothing else shows it.
  signIn: { kind: 'write', run: (ctx, req) => signIn(ctx, req), announces: {} },
  signOut: { kind: 'write', run: (ctx) => signOut(ctx), announces: {} },
  changePassphrase: { kind: 'write', run: (ctx, req) => changePassphrase(ctx, req), announces: {} },
  decideLine: {
    kind: 'write',
    run: (ctx, req) => decideLine(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'decision', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  bulkAccept: {
    kind: 'write',
    run: (ctx, req) => bulkAccept(ctx, req),
    announces: { 'plan-changed': (_db, req, out) => (out.accepted > 0 ? { reason: 'bulk-accept', runId: req.runId } : null) },
  },
  undoLastDecision: {
    kind: 'write',
    run: (ctx, req) => undoLastDecision(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'undo', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  listPendingApprovals: { kind: 'read', run: (ctx, req) => listPendingApprovals(ctx, req) },
  reviewOverride: {
    kind: 'write',
    run: (ctx, req) => reviewOverride(ctx, req),
    announces: { 'plan-changed': (db, _req, out) => ({ reason: 'approval', runId: runOfLine(db, out.lineState.lineId) }) },
  },
  listPolicies: { kind: 'read', run: (ctx) => listPolicies(ctx) },
  // A policy says which lines are frozen, what a decision needs and what waits for a manager: every view of every run's plan refreshes.
  savePolicy: { kind: 'write', run: (ctx, req) => savePolicy(ctx, req), announces: { 'plan-changed': () => ({ reason: 'policy', runId: null }) } },
  restorePolicyRole: { kind: 'write', run: (ctx, req) => restorePolicyRole(ctx, req), announces: { 'plan-changed': () => ({ reason: 'policy', runId: null }) } },
  listReasonCodes: { kind: 'read', run: (ctx) => listReasonCodes(ctx) },
  saveReasonCode: { kind: 'write', run: (ctx, req) => saveReasonCode(ctx, req), announces: { 'workbook-changed': () => ({ reason: 'reason-code' }) } },
  releaseRun: { kind: 'write', run: (ctx, req) => releaseRun(ctx, req), announces: { 'plan-changed': (_db, _req, out) => ({ reason: 'release', runId: out.runId }) } },
  rollbackRun: { kind: 'write', run: (ctx, req) => rollbackRun(ctx, req), announces: { 'plan-changed': (_db, _req, out) => ({ reason: 'rollback', runId: out.runId }) } },
  listReleases: { kind: 'read', run: (ctx, req) => listReleases(ctx, req) },
  getLineJournal: { kind: 'read', run: (ctx, req) => getLineJournal(ctx, req) },
  previewExport: { kind: 'read', current: exportNeeds, run: (ctx, req) => previewExport(ctx, req) },
  // Writes a file, never the workbook.
  runExport: { kind: 'read', current: exportNeeds, job: { kind: 'export' }, run: (ctx, req) => runExport(ctx, req) },
  listItemAttributes: { kind: 'read', run: (ctx, req) => listItemAttributes(ctx, req) },
  getAccuracyOptions: { kind: 'read', current: cube, run: (ctx) => getAccuracyOptions(ctx) },
  getAccuracyOverview: { kind: 'read', current: cube, run: (ctx, req) => getAccuracyOverview(ctx, req) },
  // Item attributes are not in the cube: that slice reads the lines themselves.
  getAccuracySlice: { kind: 'read', current: (req) => (isAttributeSlice(req.by) ? [] : cube), run: (ctx, req) => getAccuracySlice(ctx, req) },
  getOverrideGuidance: { kind: 'read', current: cube, run: (ctx, req) => getOverrideGuidance(ctx, req) },
  getTrustMap: { kind: 'read', current: cube, run: (ctx, req) => getTrustMap(ctx, req) },
  // A drift alert steps a segment's model down (a policy change) and moves exception scores.
  runDriftGuard: {
    kind: 'write',
    current: cube,
    run: (ctx) => runDriftGuard(ctx),
    announces: { 'workbook-changed': (_db, _req, out) => (out.raised.length > 0 ? { reason: 'drift' } : null) },
  },
  getGovernanceReport: { kind: 'read', current: cube, run: (ctx) => governanceReport(ctx.db, ctx.now()) },
};

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

/** Validates and runs one call. Never throws: bad input and failures come back as values. */
export async function dispatch(ctx: BackendContext, method: unknown, payload: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method).slice(0, 100)}` } };
  }
  const parsed = contract[method].request.safeParse(payload ?? {});
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
    // SQLite's "database is locked" becomes a sentence naming what holds the workbook.
    return { ok: false, error: toApiError(asBusyError(err, ctx.db)) };
  }
}
