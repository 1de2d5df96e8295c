// Over-threshold overrides wait for a manager (SPEC §5 Approvals). The queue is
// the lines whose current decision is pending; a verdict is a row of its own,
// so the override itself is never edited.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { PendingApproval, ReviewOutcome } from '../../../shared/domain';
import { periodFromKey } from '../../../shared/period';
import type { ReadContext, WriteContext } from '../context';
import { WorkbenchError } from '../errors';
import { appendApproval, readDecision } from './journal';
import { assertOpenForDecision, assertRunExists, loadLine } from './lines';
import { governingPolicy } from './policy';
import { readLineState, refreshLineState } from './projection';
import { requireManager } from '../people/session';
import { rememberWorkingRun } from '../review/opening-run';

type PendingRow = Omit<PendingApproval, 'period' | 'changePct' | 'changeUnits'> & { period: number };

export function listPendingApprovals({ db }: ReadContext, req: ParsedRequestOf<'listPendingApprovals'>): { approvals: PendingApproval[] } {
  if (req.runId !== undefined) assertRunExists(db, req.runId);
  const rows = db
    .prepare(
      `SELECT d.decision_id AS decisionId, fl.line_id AS lineId, fl.run_id AS runId, i.item_id AS itemId, i.name AS itemName, i.category,
              loc.location_id AS locationId, fl.period, fl.lag, fl.quantity AS modelQuantity, d.quantity AS overrideQuantity, d.source,
              d.reason_code AS reasonCode, rc.label AS reasonLabel, d.comment, d.decided_by AS decidedBy, u.display_name AS decidedByName, d.decided_at AS decidedAt
         FROM line_state ls
         JOIN decisions d ON d.decision_id = ls.decision_id
         JOIN forecast_lines fl ON fl.line_id = ls.line_id
         JOIN items i ON i.item_key = fl.item_key
         JOIN locations loc ON loc.location_key = fl.location_key
         LEFT JOIN reason_codes rc ON rc.code = d.reason_code
         LEFT JOIN users u ON u.user_id = d.decided_by
        WHERE ls.status = 'pending_approval' AND (@runId IS NULL OR fl.run_id = @runId)
        ORDER BY d.decision_id`,
    )
    .all({ runId: req.runId ?? null }) as PendingRow[];
  return {
    approvals: rows.map((r) => ({
      ...r,
      period: periodFromKey(r.period),
      changeUnits: r.overrideQuantity - r.modelQuantity,
      changePct: r.modelQuantity > 0 ? Math.round(((r.overrideQuantity - r.modelQuantity) / r.modelQuantity) * 10_000) / 100 : null,
    })),
  };
}

export function reviewOverride(ctx: WriteContext, req: ParsedRequestOf<'reviewOverride'>): ReviewOutcome {
  const { db } = ctx;
  const user = requireManager(db, 'approve or reject overrides');
  const decidedAt = ctx.now().toISOString();
  return db
    .transaction((): ReviewOutcome => {
      const d = readDecision(db, req.decisionId);
      if (!d) throw new WorkbenchError('NOT_FOUND', `Decision ${req.decisionId} does not exist.`);
      if (d.status !== 'pending_approval') throw new WorkbenchError('INVALID_REQUEST', `Decision ${d.decision_id} did not need approval.`);
      const state = readLineState(db, d.line_id);
      if (state.decisionId !== d.decision_id) {
        throw new WorkbenchError('INVALID_REQUEST', `Decision ${d.decision_id} is no longer the current decision of line ${d.line_id} (it was undone or decided again); there is nothing to review.`);
      }
      if (state.status !== 'pending_approval') throw new WorkbenchError('INVALID_REQUEST', `Decision ${d.decision_id} was already ${state.status}.`);
      if (req.verdict === 'approved' && d.decided_by === user.userId) {
        throw new WorkbenchError('FORBIDDEN', 'You cannot approve your own override; another manager must review it.');
      }
      const note = req.note.trim() || null;
      if (req.verdict === 'rejected' && note === null) throw new WorkbenchError('INVALID_REQUEST', 'A rejection needs a note saying why.');
      if (req.verdict === 'approved') {
        // Approving moves the plan, which a freeze or a known actual forbids; rejecting leaves it as it is.
        const line = loadLine(db, d.line_id);
        assertOpenForDecision(db, line, governingPolicy(db, line.itemKey));
      }
      rememberWorkingRun(db, user.userId, loadLine(db, d.line_id).runId);
      const approval = appendApproval(db, { decisionId: d.decision_id, verdict: req.verdict, note, decidedBy: user.userId, decidedAt });
      return { approval, lineState: refreshLineState(db, d.line_id) };
    })
    .immediate();
}
