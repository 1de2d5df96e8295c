// Undo of one's own last decision (SPEC §5). The journal is append-only, so an
// undo is a row of its own naming the decision it takes back; the line returns
// to the state before that decision. Repeated undos walk further back.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { UndoOutcome } from '../../../shared/domain';
import type { WriteContext } from '../context';
import { WorkbenchError } from '../errors';
import { appendDecision, readDecision } from './journal';
import { assertOpenForDecision, assertRunExists, loadLine } from './lines';
import { governingPolicy } from './policy';
import { readLineState, refreshLineState } from './projection';
import { requireDecider } from '../people/session';
import { rememberWorkingRun } from '../review/opening-run';

export function undoLastDecision(ctx: WriteContext, req: ParsedRequestOf<'undoLastDecision'>): UndoOutcome {
  const { db } = ctx;
  const user = requireDecider(db);
  const decidedAt = ctx.now().toISOString();
  return db
    .transaction((): UndoOutcome => {
      if (req.runId !== undefined) assertRunExists(db, req.runId);
      // The user's latest accept or override still in force. Automatic finals at
      // release, undo rows and imported history (which earlier versions credited to
      // the person its file named) are not anyone's decision to take back.
      const targetId = db
        .prepare(
          `SELECT d.decision_id FROM decisions d
            WHERE d.decided_by = @userId AND d.action IN ('accept', 'override') AND d.batch_id IS NULL
              AND (@runId IS NULL OR d.line_id IN (SELECT line_id FROM forecast_lines WHERE run_id = @runId))
              AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes_decision_id = d.decision_id AND u.action = 'undo')
            ORDER BY d.decision_id DESC LIMIT 1`,
        )
        .pluck()
        .get({ userId: user.userId, runId: req.runId ?? null }) as number | undefined;
      if (targetId === undefined) throw new WorkbenchError('NOT_FOUND', `${user.displayName} has no decision to undo${req.runId !== undefined ? ` in run ${req.runId}` : ''}.`);
      const target = readDecision(db, targetId)!;
      const current = readLineState(db, target.line_id);
      if (current.decisionId !== target.decision_id) {
        // Someone decided the line after; taking back the earlier decision would silently keep theirs.
        throw new WorkbenchError(
          'FORBIDDEN',
          `Your last decision (${target.action} on line ${target.line_id}) was followed by ${current.decidedBy ?? 'another'}'s decision ${current.decisionId}; it can no longer be undone.`,
        );
      }
      const line = loadLine(db, target.line_id);
      assertOpenForDecision(db, line, governingPolicy(db, line.itemKey));
      rememberWorkingRun(db, user.userId, line.runId);
      const decision = appendDecision(db, {
        lineId: target.line_id,
        action: 'undo',
        quantity: null,
        source: target.source as UndoOutcome['decision']['source'],
        reasonCode: null,
        comment: null,
        decidedBy: user.userId,
        decidedAt,
        status: 'final',
        undoesDecisionId: target.decision_id,
      });
      return { undoneDecisionId: target.decision_id, decision, lineState: refreshLineState(db, target.line_id) };
    })
    .immediate();
}
