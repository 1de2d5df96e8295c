// Override size against what it did to the error, one point per overridden line
// with a known actual. Reads lines directly (the cube has no single lines); a
// deterministic sample keeps the chart and the payload light on big workbooks.
import type { AccuracyFilter, OverridePoint } from '../../../shared/accuracy';
import { periodFromKey } from '../../../shared/period';
import { lineWhere } from './filter';
import type { ReadableDb } from '../db/handles';

export const SCATTER_MAX_POINTS = 3000;

/** A fixed pseudo-random order of lines (a hash of the line id below 2^32), so the sample is the same on every call. */
const sampleOrder = (lineId: string) => `((${lineId} * 2654435761) % 4294967296)`;
const HASH_RANGE = 4294967296;

type PointRow = { line_id: number; item_id: string; period: number; m: number; f: number; act: number; reason_code: string | null };

export function overrideScatter(db: ReadableDb, filter: AccuracyFilter, maxPoints = SCATTER_MAX_POINTS): OverridePoint[] {
  // The sample is the maxPoints lines lowest in the order. Rather than
  // ordering every overridden line of a big workbook (most of the Accuracy
  // screen's first answer), the order is read range by range from its low end,
  // each range twice as wide as the one before, until the sample is full or the
  // ranges cover every line: the lowest lines of the ranges read are the lowest
  // of all. No line is read twice, so starting narrow costs nothing when it falls short.
  const order = sampleOrder('ls.line_id');
  const where = lineWhere(filter, ['ls.final_quantity <> fl.quantity', 'a.superseded_at IS NULL', 'fl.quantity > 0', `${order} >= @from`, `${order} < @bound`]);
  const query = db.prepare(
    `SELECT fl.line_id, i.item_id, fl.period, fl.quantity AS m, ls.final_quantity AS f, a.quantity AS act, ls.reason_code
       FROM line_state ls
       CROSS JOIN forecast_lines fl ON fl.line_id = ls.line_id
       JOIN forecast_runs r ON r.run_id = fl.run_id
       JOIN items i ON i.item_key = fl.item_key
       JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period
      ${where.sql}
      ORDER BY ${sampleOrder('fl.line_id')}
      LIMIT ${maxPoints}`,
  );
  const decided = db.prepare('SELECT count(*) FROM line_state').pluck().get() as number;
  // The first range holds twice the sample's worth of decided lines: enough where most decided lines are overrides with actuals.
  let share = Math.min(1, (2 * maxPoints) / Math.max(decided, 1));
  let from = 0;
  const rows: PointRow[] = [];
  for (;;) {
    const bound = share >= 1 ? HASH_RANGE : Math.ceil(share * HASH_RANGE);
    // Ranges come in ascending order, each in the order: together, still in the order.
    for (const row of query.all({ ...where.params, from, bound }) as PointRow[]) rows.push(row);
    if (rows.length >= maxPoints || bound >= HASH_RANGE) return rows.slice(0, maxPoints).map(toPoint);
    from = bound;
    share = Math.min(1, share * 2);
  }
}

function toPoint(r: PointRow): OverridePoint {
  return {
    lineId: r.line_id,
    itemId: r.item_id,
    period: periodFromKey(r.period),
    sizePct: ((r.f - r.m) / r.m) * 100,
    errorReductionPct: ((Math.abs(r.m - r.act) - Math.abs(r.f - r.act)) / Math.max(r.act, 1)) * 100,
    direction: r.f > r.m ? 'up' : 'down',
    reasonCode: r.reason_code,
  };
}
