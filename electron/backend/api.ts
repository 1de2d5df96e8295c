// The one table: contract method → backend function. Every way in (IPC, HTTP,
// CLI) goes through dispatch(), which validates the payload first.
import { contract, type ParsedRequestOf, type ResponseOf } from '../../shared/contract';
import type { Result } from '../../shared/domain';
import { METHOD_NAMES, type MethodName } from '../../shared/methods';
import type { BackendContext } from './context';
import { asBusyError } from './db/busy';
import { toApiError } from './errors';
import { governanceReport } from './governance/report';
import { getAccuracyOptions, getAccuracyOverview, getAccuracySlice, getOverrideGuidance, getTrustMap, runDriftGuard } from './accuracy/handlers';
import { announcePlanChange } from './decisions/plan-events';
import { previewImport, runImport, undoImport } from './imports/handlers';
import { listImportBatches } from './queries/batches';
import { getItemDetail } from './review/item-detail';
import { listItemAttributes } from './review/item-attributes';
import { listQuarantine } from './queries/quarantine';
import { getRunOverview, listRuns } from './queries/runs';
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

type Handlers = { [M in MethodName]: (ctx: BackendContext, req: ParsedRequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>> };

export const handlers: Handlers = {
  getWorkbookInfo: (ctx) => getWorkbookInfo(ctx),
  listRuns: (ctx) => listRuns(ctx),
  getRunLines: (ctx, req) => getRunLines(ctx, req),
  getRunOverview: (ctx, req) => getRunOverview(ctx, req),
  listImportBatches: (ctx) => listImportBatches(ctx),
  previewImport: (ctx, req) => previewImport(ctx, req),
  runImport: (ctx, req) => runImport(ctx, req),
  undoImportBatch: (ctx, req) => undoImport(ctx, req),
  listQuarantine: (ctx, req) => listQuarantine(ctx, req),
  getItemDetail: (ctx, req) => getItemDetail(ctx, req),
  getSession: (ctx) => getSession(ctx),
  signIn: (ctx, req) => signIn(ctx, req),
  signOut: (ctx) => signOut(ctx),
  changePassphrase: (ctx, req) => changePassphrase(ctx, req),
  decideLine: (ctx, req) => decideLine(ctx, req),
  bulkAccept: (ctx, req) => bulkAccept(ctx, req),
  undoLastDecision: (ctx, req) => undoLastDecision(ctx, req),
  listPendingApprovals: (ctx, req) => listPendingApprovals(ctx, req),
  reviewOverride: (ctx, req) => reviewOverride(ctx, req),
  listPolicies: (ctx) => listPolicies(ctx),
  savePolicy: (ctx, req) => savePolicy(ctx, req),
  restorePolicyRole: (ctx, req) => restorePolicyRole(ctx, req),
  listReasonCodes: (ctx) => listReasonCodes(ctx),
  saveReasonCode: (ctx, req) => saveReasonCode(ctx, req),
  releaseRun: (ctx, req) => releaseRun(ctx, req),
  rollbackRun: (ctx, req) => rollbackRun(ctx, req),
  listReleases: (ctx, req) => listReleases(ctx, req),
  getLineJournal: (ctx, req) => getLineJournal(ctx, req),
  previewExport: (ctx, req) => previewExport(ctx, req),
  runExport: (ctx, req) => runExport(ctx, req),
  listItemAttributes: (ctx, req) => listItemAttributes(ctx, req),
  getAccuracyOptions: (ctx) => getAccuracyOptions(ctx),
  getAccuracyOverview: (ctx, req) => getAccuracyOverview(ctx, req),
  getAccuracySlice: (ctx, req) => getAccuracySlice(ctx, req),
  getOverrideGuidance: (ctx, req) => getOverrideGuidance(ctx, req),
  getTrustMap: (ctx, req) => getTrustMap(ctx, req),
  runDriftGuard: (ctx) => runDriftGuard(ctx),
  getGovernanceReport: (ctx) => governanceReport(ctx.db, ctx.now()),
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
    const handler = handlers[method] as (ctx: BackendContext, req: unknown) => unknown;
    const value = await handler(ctx, parsed.data);
    announcePlanChange(ctx, method, parsed.data, value);
    return { ok: true, value };
  } catch (err) {
    // SQLite's "database is locked" becomes a sentence naming what holds the workbook.
    return { ok: false, error: toApiError(asBusyError(err, ctx.db)) };
  }
}
