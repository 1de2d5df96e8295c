// Which accuracy cells a figure covers: the one WHERE builder for every query of
// the engine, over the cells aliased c (every line's, or the overridden lines')
// and forecast_runs aliased r.
import type { AccuracyFilter } from '../../../shared/accuracy';
import { periodKey } from '../../../shared/period';

export interface CellWhere {
  /** FROM clause: the cells with their run. */
  from: string;
  sql: string;
  params: Record<string, string | number>;
}

/** 'lines': accuracy_cells, every line with an actual; 'overrides': accuracy_override_cells, the overridden ones. */
export type CellTable = 'lines' | 'overrides';

export function cellWhere(filter: AccuracyFilter, extra: string[] = [], table: CellTable = 'lines'): CellWhere {
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
  const cells = table === 'lines' ? 'accuracy_cells' : 'accuracy_override_cells';
  return { from: `FROM ${cells} c JOIN forecast_runs r ON r.run_id = c.run_id`, sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}
