// Override size against what it did to the error, one point per overridden line
// with a known actual. Reads lines directly (the cube has no single lines); a
// deterministic sample keeps the chart and the payload light on big workbooks.
import type { AccuracyFilter, OverridePoint } from '../../../shared/accuracy';
import { periodFromKey, periodKey } from '../../../shared/period';
import type { Db } from '../db/open';

export const SCATTER_MAX_POINTS = 3000;

export function overrideScatter(db: Db, filter: AccuracyFilter): OverridePoint[] {
  const where = ['ls.final_quantity <> fl.quantity', 'a.superseded_at IS NULL'];
  const params: Record<string, string | number> = {};
  if (filter.runId !== undefined) (where.push('fl.run_id = @runId'), (params.runId = filter.runId));
  if (filter.model !== undefined) (where.push('r.model_name = @model'), (params.model = filter.model));
  if (filter.fromPeriod !== undefined) (where.push('fl.period >= @fromPeriod'), (params.fromPeriod = periodKey(filter.fromPeriod)));
  if (filter.toPeriod !== undefined) (where.push('fl.period <= @toPeriod'), (params.toPeriod = periodKey(filter.toPeriod)));
  if (filter.lag !== undefined) (where.push('fl.lag = @lag'), (params.lag = filter.lag));
  if (filter.category !== undefined) (where.push('i.category = @category'), (params.category = filter.category));
  if (filter.abcClass !== undefined) (where.push('i.abc_class = @abcClass'), (params.abcClass = filter.abcClass));
  if (filter.owner !== undefined) (where.push('i.owner_id = @owner'), (params.owner = filter.owner));
  const rows = db
    .prepare(
      `SELECT fl.line_id, i.item_id, fl.period, fl.quantity AS m, ls.final_quantity AS f, a.quantity AS act, ls.reason_code
         FROM line_state ls
         JOIN forecast_lines fl ON fl.line_id = ls.line_id
         JOIN forecast_runs r ON r.run_id = fl.run_id
         JOIN items i ON i.item_key = fl.item_key
         JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period
        WHERE ${where.join(' AND ')} AND fl.quantity > 0
        -- A fixed pseudo-random order, so the sample is the same on every call.
        ORDER BY (fl.line_id * 2654435761) % 4294967296
        LIMIT ${SCATTER_MAX_POINTS}`,
    )
    .all(params) as { line_id: number; item_id: string; period: number; m: number; f: number; act: number; reason_code: string | null }[];
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
