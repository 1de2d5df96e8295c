// A forecast line as the decision rules need it: the model quantity, its lag and
// the item's segment, read inside the deciding transaction.
import { periodFromKey } from '../../../shared/period';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { lineLock } from '../../../shared/decision-rules';
import type { ResolvedPolicy } from './policy';

export interface LineFacts {
  lineId: number;
  runId: number;
  itemKey: number;
  locationKey: number;
  period: number;
  lag: number;
  modelQuantity: number;
  category: string | null;
  abcClass: string | null;
}

/** A line of a run: an import's lines are not there to decide on until its run is (imports/commit/committer.ts). */
export function loadLine(db: ReadableDb, lineId: number): LineFacts {
  const line = db
    .prepare(
      `SELECT fl.line_id AS lineId, fl.run_id AS runId, fl.item_key AS itemKey, fl.location_key AS locationKey, fl.period, fl.lag,
              fl.quantity AS modelQuantity, i.category, i.abc_class AS abcClass
         FROM forecast_lines fl JOIN forecast_runs r ON r.run_id = fl.run_id JOIN items i ON i.item_key = fl.item_key
        WHERE fl.line_id = ?`,
    )
    .get(lineId) as LineFacts | undefined;
  if (!line) throw new WorkbenchError('NOT_FOUND', `Forecast line ${lineId} does not exist.`);
  return line;
}

export function assertRunExists(db: ReadableDb, runId: number): void {
  if (!db.prepare('SELECT 1 FROM forecast_runs WHERE run_id = ?').get(runId)) throw new WorkbenchError('NOT_FOUND', `Forecast run ${runId} does not exist.`);
}

/** The line's demand is known: its period has a (current) actual. */
export function actualOf(db: ReadableDb, line: Pick<LineFacts, 'itemKey' | 'locationKey' | 'period'>): number | null {
  const q = db
    .prepare('SELECT quantity FROM actuals WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL')
    .pluck()
    .get(line.itemKey, line.locationKey, line.period) as number | undefined;
  return q ?? null;
}

/**
 * Refuses to change the plan of a line that is closed (its actual is already
 * known) or frozen, with the sentence the worklist shows for the same line
 * (lineLock, shared with the Review screen's keys and buttons).
 */
export function assertOpenForDecision(db: ReadableDb, line: LineFacts, policy: ResolvedPolicy): void {
  const lock = lineLock({ lag: line.lag, period: periodFromKey(line.period), actual: actualOf(db, line) }, policy);
  if (lock) throw new WorkbenchError('FORBIDDEN', lock.message);
}
