// Writes that change a run's plan are announced once committed, so every view
// showing it (the worklist, the approvals queue and count, the release bar) can
// refresh, whichever view or way in made the change. Imports announce
// 'workbook-changed' themselves (imports/handlers.ts).
import type { ParsedRequestOf, ResponseOf } from '../../../shared/contract';
import type { PlanChangeReason } from '../../../shared/domain';
import type { MethodName } from '../../../shared/methods';
import type { BackendContext } from '../context';

type Announcement = { reason: PlanChangeReason; runId: number | null } | null;
type Announcer<M extends MethodName> = (ctx: BackendContext, req: ParsedRequestOf<M>, out: ResponseOf<M>) => Announcement;

const runOfLine = (ctx: BackendContext, lineId: number) =>
  (ctx.db.prepare('SELECT run_id FROM forecast_lines WHERE line_id = ?').pluck().get(lineId) as number | undefined) ?? null;

const PLAN_CHANGES: { [M in MethodName]?: Announcer<M> } = {
  decideLine: (ctx, _req, out) => ({ reason: 'decision', runId: runOfLine(ctx, out.lineState.lineId) }),
  bulkAccept: (_ctx, req, out) => (out.accepted > 0 ? { reason: 'bulk-accept', runId: req.runId } : null),
  undoLastDecision: (ctx, _req, out) => ({ reason: 'undo', runId: runOfLine(ctx, out.lineState.lineId) }),
  reviewOverride: (ctx, _req, out) => ({ reason: 'approval', runId: runOfLine(ctx, out.lineState.lineId) }),
  releaseRun: (_ctx, _req, out) => ({ reason: 'release', runId: out.runId }),
  rollbackRun: (_ctx, _req, out) => ({ reason: 'rollback', runId: out.runId }),
};

/** After a call succeeded: emits 'plan-changed' when it changed a plan. */
export function announcePlanChange(ctx: BackendContext, method: MethodName, req: unknown, out: unknown): void {
  const announcer = PLAN_CHANGES[method] as Announcer<MethodName> | undefined;
  const change = announcer?.(ctx, req as never, out as never);
  if (change) ctx.emit({ type: 'plan-changed', ...change });
}
