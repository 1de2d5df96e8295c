// Bulk accept of a filtered set (SPEC §5): every undecided line of the selection
// that is neither frozen nor closed (lineLock) becomes final at the model quantity,
// in one transaction, with one decision and one audit entry per line. Decided
// lines are never overwritten.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { BulkAcceptOutcome, LineStatus } from '../../../shared/domain';
import type { WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { appendModelFinals } from './journal';
import { assertRunExists } from './lines';
import { policyResolver } from './policy';
import { lineLock } from '../../../shared/decision-rules';
import { periodFromKey } from '../../../shared/period';
import { requireDecider } from '../people/session';
import { rememberWorkingRun } from '../review/opening-run';
import { lineFilterSql } from '../review/line-filter';

type BulkRequest = ParsedRequestOf<'bulkAccept'>;
type LineFilter = NonNullable<BulkRequest['filter']>;

interface Candidate {
  lineId: number;
  lag: number;
  period: number;
  modelQuantity: number;
  category: string | null;
  abcClass: string | null;
  status: LineStatus | null;
  /** The line's actual, when already known. */
  actual: number | null;
}

const SELECT = `SELECT l.line_id AS lineId, l.lag, l.period, l.quantity AS modelQuantity, i.category, i.abc_class AS abcClass, ls.status,
                       (SELECT a.quantity FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key
                           AND a.period = l.period AND a.superseded_at IS NULL) AS actual
                  FROM forecast_lines l JOIN items i ON i.item_key = l.item_key LEFT JOIN line_state ls ON ls.line_id = l.line_id`;

/** The same selection getRunLines shows for this filter: one filter builder serves both. */
function byFilter(db: Db, runId: number, filter: LineFilter): Candidate[] {
  const { where, params } = lineFilterSql(db, runId, filter);
  return db.prepare(`${SELECT} WHERE ${where} ORDER BY l.line_id`).all(params) as Candidate[];
}

function byIds(db: Db, runId: number, lineIds: readonly number[]): Candidate[] {
  const ids = [...new Set(lineIds)];
  const rows = db
    .prepare(`${SELECT} WHERE l.line_id IN (SELECT value FROM json_each(@ids)) AND l.run_id = @runId ORDER BY l.line_id`)
    .all({ ids: JSON.stringify(ids), runId }) as Candidate[];
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.lineId));
    const missing = ids.filter((id) => !found.has(id));
    throw new WorkbenchError('INVALID_REQUEST', `${missing.length} of the lines are not in run ${runId} (for example line ${missing[0]}); nothing was accepted.`);
  }
  return rows;
}

export function bulkAccept(ctx: WriteContext, req: BulkRequest): BulkAcceptOutcome {
  const { db } = ctx;
  const user = requireDecider(db);
  const decidedAt = ctx.now().toISOString();
  return db
    .transaction((): BulkAcceptOutcome => {
      assertRunExists(db, req.runId);
      if ((req.lineIds === undefined) === (req.filter === undefined)) throw new WorkbenchError('INVALID_REQUEST', 'Give either lineIds or a filter.');
      const candidates = req.lineIds !== undefined ? byIds(db, req.runId, req.lineIds) : byFilter(db, req.runId, req.filter!);
      const policyOf = policyResolver(db);
      const accept: { lineId: number; modelQuantity: number }[] = [];
      let skippedFrozen = 0;
      let skippedDecided = 0;
      let skippedPast = 0;
      for (const c of candidates) {
        if (c.status !== null && c.status !== 'undecided') {
          skippedDecided++;
          continue;
        }
        const lock = lineLock({ lag: c.lag, period: periodFromKey(c.period), actual: c.actual }, policyOf(c));
        if (lock?.kind === 'closed') skippedPast++;
        else if (lock?.kind === 'frozen') skippedFrozen++;
        else accept.push(c);
      }
      const accepted = appendModelFinals(db, accept, { action: 'accept', decidedBy: user.userId, decidedAt });
      if (accepted > 0) rememberWorkingRun(db, user.userId, req.runId);
      return { accepted, skippedFrozen, skippedDecided, skippedPast };
    })
    .immediate();
}
