// Which accuracy cells a figure covers: the one WHERE builder for every query of
// the engine, over accuracy_cells aliased c and forecast_runs aliased r.
import type { AccuracyFilter } from '../../../shared/accuracy';
import { periodKey } from '../../../shared/period';

export interface CellWhere {
  sql: string;
  params: Record<string, string | number>;
}

export function cellWhere(filter: AccuracyFilter, extra: string[] = []): CellWhere {
  const where: string[] = [...extra];
  const params: Record<string, string | number> = {};
  if (filter.runId !== undefined) {
    where.push('c.run_id = @runId');
    params.runId = filter.runId;
  }
  if (filter.model !== undefined) {
    where.push('r.model_name = @model');
    params.model = filter.model;
  }
  if (filter.fromPeriod !== undefined) {
    where.push('c.period >= @fromPeriod');
    params.fromPeriod = periodKey(filter.fromPeriod);
  }
  if (filter.toPeriod !== undefined) {
    where.push('c.period <= @toPeriod');
    params.toPeriod = periodKey(filter.toPeriod);
  }
  if (filter.lag !== undefined) {
    where.push('c.lag = @lag');
    params.lag = filter.lag;
  }
  if (filter.category !== undefined) {
    where.push('c.category = @category');
    params.category = filter.category;
  }
  if (filter.abcClass !== undefined) {
    where.push('c.abc_class = @abcClass');
    params.abcClass = filter.abcClass;
  }
  if (filter.owner !== undefined) {
    where.push('c.owner_id = @owner');
    params.owner = filter.owner;
  }
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** FROM clause every engine query uses: cells with their run. */
export const CELLS_FROM = 'FROM accuracy_cells c JOIN forecast_runs r ON r.run_id = c.run_id';
