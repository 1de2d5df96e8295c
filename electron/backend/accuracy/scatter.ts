// Override size against what it did to the error, one point per overridden line
// with a known actual. Reads lines directly (the cube has no single lines); a
// deterministic sample keeps the chart and the payload light on big workbooks.
import type { AccuracyFilter, OverridePoint } from '../../../shared/accuracy';
import { periodFromKey } from '../../../shared/period';
import { lineWhere } from './filter';
import type { ReadableDb } from '../db/handles';

export const SCATTER_MAX_POINTS = 3000;

export function overrideScatter(db: ReadableDb, filter: AccuracyFilter): OverridePoint[] {
  const where = lineWhere(filter, ['ls.final_quantity <> fl.quantity', 'a.superseded_at IS NULL', 'fl.quantity > 0']);
  const rows = db
    .prepare(
      `SELECT fl.line_id, i.item_id, fl.period, fl.quantity AS m, ls.final_quantity AS f, a.quantity AS act, ls.reason_code
         FROM line_state ls
         JOIN forecast_lines fl ON fl.line_id = ls.line_id
         JOIN forecast_runs r ON r.run_id = fl.run_id
         JOIN items i ON i.item_key = fl.item_key
         JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period
        ${where.sql}
        -- A fixed pseudo-random order, so the sample is the same on every call.
        ORDER BY (fl.line_id * 2654435761) % 4294967296
        LIMIT ${SCATTER_MAX_POINTS}`,
    )
    .all(where.params) as { line_id: number; item_id: string; period: number; m: number; f: number; act: number; reason_code: string | null }[];
  return rows.map((r) => ({
    lineId: r.line_id,
    itemId: r.item_id,
    period: periodFromKey(r.period),
    sizePct: ((r.f - r.m) / r.m) * 100,
    errorReductionPct: ((Math.abs(r.m - r.act) - Math.abs(r.f - r.act)) / Math.max(r.act, 1)) * 100,
    direction: r.f > r.m ? 'up' : 'down',
    reasonCode: r.reason_code,
  }));
}
