// Bulk accept of a filtered set (SPEC §5): every undecided, unfrozen line of the
// selection whose actual is not yet known becomes final at the model quantity,
// in one transaction, with one decision and one audit entry per line. Decided
// lines are never overwritten.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { BulkAcceptOutcome, LineStatus } from '../../../shared/domain';
import type { BackendContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { appendModelFinals } from './journal';
import { assertRunExists } from './lines';
import { isFrozen, policyResolver } from './policy';
import { requireDecider } from './session';

type BulkRequest = ParsedRequestOf<'bulkAccept'>;
type LineFilter = NonNullable<BulkRequest['filter']>;

interface Candidate {
  lineId: number;
  lag: number;
  modelQuantity: number;
  category: string | null;
  abcClass: string | null;
  status: LineStatus | null;
  /** 1 when the line's actual is already known. */
  known: number;
}

const SELECT = `SELECT fl.line_id AS lineId, fl.lag, fl.quantity AS modelQuantity, i.category, i.abc_class AS abcClass, ls.status,
                       EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = fl.item_key AND a.location_key = fl.location_key
                                  AND a.period = fl.period AND a.superseded_at IS NULL) AS known
                  FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key LEFT JOIN line_state ls ON ls.line_id = fl.line_id`;

const KNOWN_FILTER_KEYS = new Set(['text', 'category', 'owner', 'lag']);

/** The same selection getRunLines shows for this filter (queries/runs.ts). */
function byFilter(db: Db, runId: number, filter: LineFilter): Candidate[] {
  // A filter field this code does not apply would accept more lines than the planner sees.
  const unknown = Object.keys(filter).filter((k) => !KNOWN_FILTER_KEYS.has(k));
  if (unknown.length > 0) throw new WorkbenchError('INVALID_REQUEST', `Bulk accept cannot apply the filter ${unknown.join(', ')}; select the lines by lineIds instead.`);
  const where = ['fl.run_id = @runId'];
  const params: Record<string, unknown> = { runId };
  if (filter.text) {
    where.push("(i.item_id LIKE @text ESCAPE '\\' OR i.name LIKE @text ESCAPE '\\')");
    params.text = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (filter.category !== undefined) {
    where.push('i.category = @category');
    params.category = filter.category;
  }
  if (filter.owner !== undefined) {
    where.push('i.owner_id = @owner');
    params.owner = filter.owner;
  }
  if (filter.lag !== undefined) {
    where.push('fl.lag = @lag');
    params.lag = filter.lag;
  }
  return db.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY fl.line_id`).all(params) as Candidate[];
}

function byIds(db: Db, runId: number, lineIds: readonly number[]): Candidate[] {
  const ids = [...new Set(lineIds)];
  const rows = db
    .prepare(`${SELECT} WHERE fl.line_id IN (SELECT value FROM json_each(@ids)) AND fl.run_id = @runId ORDER BY fl.line_id`)
    .all({ ids: JSON.stringify(ids), runId }) as Candidate[];
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.lineId));
    const missing = ids.filter((id) => !found.has(id));
    throw new WorkbenchError('INVALID_REQUEST', `${missing.length} of the lines are not in run ${runId} (for example line ${missing[0]}); nothing was accepted.`);
  }
  return rows;
}

export function bulkAccept(ctx: BackendContext, req: BulkRequest): BulkAcceptOutcome {
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
        if (c.status !== null && c.status !== 'undecided') skippedDecided++;
        else if (isFrozen(c.lag, policyOf(c))) skippedFrozen++;
        else if (c.known) skippedPast++;
        else accept.push(c);
      }
      const accepted = appendModelFinals(db, accept, { action: 'accept', decidedBy: user.userId, decidedAt });
      return { accepted, skippedFrozen, skippedDecided, skippedPast };
    })
    .immediate();
}
