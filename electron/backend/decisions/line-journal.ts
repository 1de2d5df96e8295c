// The history panel of the review screen: everything the journal holds for one
// line, oldest first, undone decisions included and flagged.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ApprovalRecord, LineJournal, LineJournalDecision } from '../../../shared/domain';
import { periodFromKey } from '../../../shared/period';
import type { ReadContext } from '../context';
import { importedColumns, importedJoins, importedOf, type ImportedColumns } from './imported';
import { toDecisionRecord } from './journal';
import { loadLine } from './lines';
import { governingPolicy, isFrozen } from './policy';
import { readLineState } from './projection';
import type { DecisionRow } from '../audit/payloads';

type JournalRow = DecisionRow & ImportedColumns & { undoes_decision_id: number | null; reason_label: string | null; decided_by_name: string | null; undone_by: number | null };

export function getLineJournal({ db }: ReadContext, req: ParsedRequestOf<'getLineJournal'>): LineJournal {
  const line = loadLine(db, req.lineId);
  const policy = governingPolicy(db, line.itemKey);
  const names = db
    .prepare(
      `SELECT i.item_id AS itemId, i.name AS itemName, loc.location_id AS locationId
         FROM items i, locations loc WHERE i.item_key = ? AND loc.location_key = ?`,
    )
    .get(line.itemKey, line.locationKey) as { itemId: string; itemName: string; locationId: string };
  const decisions = (
    db
      .prepare(
        `SELECT d.*, rc.label AS reason_label, u.display_name AS decided_by_name, ${importedColumns('d')},
                (SELECT min(x.decision_id) FROM decisions x WHERE x.undoes_decision_id = d.decision_id AND x.action = 'undo') AS undone_by
           FROM decisions d
           LEFT JOIN reason_codes rc ON rc.code = d.reason_code
           LEFT JOIN users u ON u.user_id = d.decided_by
           ${importedJoins('d')}
          WHERE d.line_id = ? ORDER BY d.decision_id`,
      )
      .all(line.lineId) as JournalRow[]
  ).map((r): LineJournalDecision => ({ ...toDecisionRecord(r), reasonLabel: r.reason_label, decidedByName: r.decided_by_name, imported: importedOf(r), undoneBy: r.undone_by }));
  const approvals = db
    .prepare(
      `SELECT a.approval_id AS approvalId, a.decision_id AS decisionId, a.verdict, a.note, a.decided_by AS decidedBy, a.decided_at AS decidedAt,
              u.display_name AS decidedByName
         FROM approvals a JOIN decisions d ON d.decision_id = a.decision_id LEFT JOIN users u ON u.user_id = a.decided_by
        WHERE d.line_id = ? ORDER BY a.approval_id`,
    )
    .all(line.lineId) as (ApprovalRecord & { decidedByName: string | null })[];
  return {
    line: {
      lineId: line.lineId,
      runId: line.runId,
      ...names,
      period: periodFromKey(line.period),
      lag: line.lag,
      modelQuantity: line.modelQuantity,
      modelRole: policy.effectiveRole,
      frozen: isFrozen(line.lag, policy),
    },
    state: readLineState(db, line.lineId),
    decisions,
    approvals,
  };
}
