// Which lines a figure covers: the one WHERE builder for every query of the
// engine. Over the cube (cells aliased c, every line's or the overridden lines',
// with forecast_runs aliased r), or over the lines themselves (forecast_lines fl,
// forecast_runs r, items i) for the figures the cube does not carry.
import type { AccuracyFilter } from '../../../shared/accuracy';
import { periodKey } from '../../../shared/period';

export interface CellWhere {
  /** FROM clause: the cells, with their run (aliased r) where the filter or a condition names it. */
  from: string;
  sql: string;
  params: Record<string, string | number>;
  /**
   * The rolled-up slice's columns in its index's order (migration 019), when reading the
   * rollup: grouped by them, the rows stream from the index with no sort. Every key read
   * through it is a function of these columns, so its finer groups add up to the key's.
   */
  order?: string;
}

/** The cells' run, for a filter by model and keys such as the model's name. */
const RUN_JOIN = ' JOIN forecast_runs r ON r.run_id = c.run_id';
const namesRun = (sql: string) => /\br\./.test(sql);

/** `where` with the cells' run joined, for a query whose key names it (r.model_name). */
export function withRuns(where: CellWhere): CellWhere {
  return where.from.includes(RUN_JOIN) ? where : { ...where, from: where.from + RUN_JOIN };
}

/** The column each filter field narrows, in one of the two shapes a query reads. */
type FilterColumns = Record<Exclude<keyof AccuracyFilter, 'fromPeriod' | 'toPeriod'> | 'period', string>;

const CELL_COLUMNS: FilterColumns = { runId: 'c.run_id', model: 'r.model_name', period: 'c.period', lag: 'c.lag', category: 'c.category', abcClass: 'c.abc_class', owner: 'c.owner_id' };
const LINE_COLUMNS: FilterColumns = { runId: 'fl.run_id', model: 'r.model_name', period: 'fl.period', lag: 'fl.lag', category: 'i.category', abcClass: 'i.abc_class', owner: 'i.owner_id' };

function filterWhere(filter: AccuracyFilter, columns: FilterColumns, extra: string[]): { sql: string; params: Record<string, string | number> } {
  const where: string[] = [...extra];
  const params: Record<string, string | number> = {};
  const add = (condition: string, name: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(condition);
    params[name] = value;
  };
  for (const name of ['runId', 'model', 'lag', 'category', 'abcClass', 'owner'] as const) add(`${columns[name]} = @${name}`, name, filter[name]);
  add(`${columns.period} >= @fromPeriod`, 'fromPeriod', filter.fromPeriod === undefined ? undefined : periodKey(filter.fromPeriod));
  add(`${columns.period} <= @toPeriod`, 'toPeriod', filter.toPeriod === undefined ? undefined : periodKey(filter.toPeriod));
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * 'lines': accuracy_cells, every line with an actual; 'overrides': accuracy_override_cells,
 * the overridden ones; 'override-rollup': their sums per slice key (override-rollup.ts);
 * 'override-totals': those over every run, period and lag (no filter can narrow them);
 * 'cell-totals': the cells' sums over every run, period and lag per subset (cell-totals.ts).
 */
export type CellTable = 'lines' | 'overrides' | 'override-rollup' | 'override-totals' | 'cell-totals';

const CELL_TABLE_NAMES: Record<CellTable, string> = {
  lines: 'accuracy_cells',
  overrides: 'accuracy_override_cells',
  'override-rollup': 'accuracy_override_rollup',
  'override-totals': 'accuracy_override_totals',
  'cell-totals': 'accuracy_cell_totals',
};

export function cellWhere(filter: AccuracyFilter, extra: string[] = [], table: CellTable = 'lines'): CellWhere {
  const where = filterWhere(filter, CELL_COLUMNS, extra);
  // Every cell's run exists (its foreign key cascades), so the join only costs a look-up per row where nothing names the run.
  return { from: `FROM ${CELL_TABLE_NAMES[table]} c${namesRun(where.sql) ? RUN_JOIN : ''}`, ...where };
}

/** The same filter over forecast_lines fl, forecast_runs r and items i. */
export function lineWhere(filter: AccuracyFilter, extra: string[] = []): { sql: string; params: Record<string, string | number> } {
  return filterWhere(filter, LINE_COLUMNS, extra);
}

/**
 * The cells that carry the benchmarks (naive, seasonal naive) of the lines the
 * filter selects, each forecast point once (migration 003): over every run, the
 * first run at the point's origin that holds it; within one model, the first of
 * that model's runs; within one run, all of its lines. The other filter fields
 * (period, lag, item attributes) are the same for every run's line of one point.
 */
export function benchmarkCells(filter: AccuracyFilter): string[] {
  const once = filter.runId !== undefined ? null : filter.model !== undefined ? 'c.bench_once >= 1' : 'c.bench_once = 2';
  return once === null ? ['c.has_bench = 1'] : ['c.has_bench = 1', once];
}
