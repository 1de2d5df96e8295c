// The worklist's filter as SQL, in one place: the Review grid (getRunLines) and
// bulk accept must select exactly the same lines. Expects the aliases
// l = forecast_lines, i = items, ls = line_state (LEFT JOINed).
import type { ReadableDb } from '../db/handles';
import type { ParsedRequestOf } from '../../../shared/contract';
import { WorkbenchError } from '../errors';

export type LineFilter = ParsedRequestOf<'getRunLines'>['filter'];

/** The line's actual is known: it is closed to decisions (shared/decision-rules.ts lineLock). */
export const ACTUAL_KNOWN_SQL =
  'EXISTS (SELECT 1 FROM actuals ac WHERE ac.item_key = l.item_key AND ac.location_key = l.location_key AND ac.period = l.period AND ac.superseded_at IS NULL)';

const STATUS_SQL: Record<NonNullable<LineFilter['status']>, string> = {
  // Not decided: still open to a decision; a closed line is history, not a plan to decide.
  undecided: `coalesce(ls.status, 'undecided') = 'undecided' AND NOT ${ACTUAL_KNOWN_SQL}`,
  closed: ACTUAL_KNOWN_SQL,
  decided: "coalesce(ls.status, 'undecided') <> 'undecided'",
  final: "ls.status = 'final'",
  pending_approval: "ls.status = 'pending_approval'",
  approved: "ls.status = 'approved'",
  rejected: "ls.status = 'rejected'",
  overridden: "ls.source IN ('override', 'sales_input')",
};

/**
 * What each status view holds among lines nobody decided (STATUS_SQL with no line
 * state): the open ones, the closed ones, or none. A status view's count before
 * decisions can then be read from a run's kept counts of lines and closed lines.
 */
export const STATUS_BEFORE_DECISIONS: Record<NonNullable<LineFilter['status']>, 'open' | 'closed' | 'none'> = {
  undecided: 'open',
  closed: 'closed',
  decided: 'none',
  final: 'none',
  pending_approval: 'none',
  approved: 'none',
  rejected: 'none',
  overridden: 'none',
};

/**
 * In place of `LEFT JOIN line_state ls`: the state of a line nobody decided, as
 * that join gives it (every column NULL). A status view counted over it counts
 * the lines as if none were decided, which decisions do not change (worklist.ts).
 * Only the columns STATUS_SQL reads.
 */
export const UNDECIDED_STATE_SQL = 'JOIN (SELECT NULL AS status, NULL AS source) ls';

/**
 * Item attributes kept in columns of their own, by the name the API uses. Any
 * other name is a key of items.attributes (the imported extra columns); a column
 * wins over an attributes key of the same name. Category and owner have filters
 * of their own.
 */
export const ATTRIBUTE_COLUMNS = { brand: 'brand', family: 'family', abcClass: 'abc_class', unit: 'unit' } as const;

/** A JSON attribute's value as the text the filter compares and the facet list shows (json_each row `a`). */
export const ATTRIBUTE_TEXT_SQL = "CASE a.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(a.value AS TEXT) END";

function isAttributeColumn(name: string): name is keyof typeof ATTRIBUTE_COLUMNS {
  return Object.hasOwn(ATTRIBUTE_COLUMNS, name);
}

/** The filter's conditions, and whether they read the item (i) or the line's state (ls), so a count can leave out joins nothing reads. */
export interface LineFilterSql {
  where: string;
  params: Record<string, unknown>;
  readsItem: boolean;
  readsState: boolean;
}

export function lineFilterSql(db: ReadableDb, runId: number, filter: LineFilter): LineFilterSql {
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
  if (filter.attribute !== undefined) {
    const { name, value } = filter.attribute;
    params.attributeValue = value;
    if (isAttributeColumn(name)) {
      where.push(`i.${ATTRIBUTE_COLUMNS[name]} = @attributeValue`);
    } else {
      if (!db.prepare('SELECT 1 FROM items, json_each(items.attributes) a WHERE a.key = ? LIMIT 1').get(name)) {
        throw new WorkbenchError('INVALID_REQUEST', `No item has an attribute named “${name}”.`);
      }
      // Uncorrelated: SQLite evaluates it once over the items, not once per line.
      where.push(`i.item_key IN (SELECT it.item_key FROM items it, json_each(it.attributes) a WHERE a.key = @attributeName AND ${ATTRIBUTE_TEXT_SQL} = @attributeValue)`);
      params.attributeName = name;
    }
  }
  if (filter.status !== undefined) where.push(STATUS_SQL[filter.status]);
  if (filter.lag !== undefined) {
    where.push('l.lag = @lag');
    params.lag = filter.lag;
  }
  const readsItem = Boolean(filter.text) || filter.category !== undefined || filter.owner !== undefined || filter.attribute !== undefined;
  return { where: where.join(' AND '), params, readsItem, readsState: filter.status !== undefined };
}
