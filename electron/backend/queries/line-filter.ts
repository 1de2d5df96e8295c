// The worklist's filter as SQL, in one place: the Review grid (getRunLines) and
// bulk accept must select exactly the same lines. Expects the aliases
// l = forecast_lines, i = items, ls = line_state (LEFT JOINed).
import type { ParsedRequestOf } from '../../../shared/contract';

export type LineFilter = ParsedRequestOf<'getRunLines'>['filter'];

const STATUS_SQL: Record<NonNullable<LineFilter['status']>, string> = {
  undecided: "coalesce(ls.status, 'undecided') = 'undecided'",
  decided: "coalesce(ls.status, 'undecided') <> 'undecided'",
  final: "ls.status = 'final'",
  pending_approval: "ls.status = 'pending_approval'",
  approved: "ls.status = 'approved'",
  rejected: "ls.status = 'rejected'",
  overridden: "ls.source IN ('override', 'sales_input')",
};

export function lineFilterSql(runId: number, filter: LineFilter): { where: string; params: Record<string, unknown> } {
  const where = ['l.run_id = @runId'];
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
  if (filter.status !== undefined) where.push(STATUS_SQL[filter.status]);
  if (filter.lag !== undefined) {
    where.push('l.lag = @lag');
    params.lag = filter.lag;
  }
  return { where: where.join(' AND '), params };
}
