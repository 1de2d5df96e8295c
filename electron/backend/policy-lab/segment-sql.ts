// The SQL of a segment's item dimension (category, ABC class or any item
// attribute) over items `i`: one definition for the lab's replay (line-facts.ts)
// and for the adopted rules applied to a line being decided (levers.ts).
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { ATTRIBUTE_COLUMNS, ATTRIBUTE_TEXT_SQL } from '../review/line-filter';
import type { SegmentBy } from './line-facts';

function isAttributeColumn(name: string): name is keyof typeof ATTRIBUTE_COLUMNS {
  return Object.hasOwn(ATTRIBUTE_COLUMNS, name);
}

/** The SQL of a dimension over items `i`; throws INVALID_REQUEST for an attribute no item has. */
export function dimensionSql(db: ReadableDb, by: SegmentBy, params: Record<string, unknown>, n: number): string {
  if (by === 'category') return 'i.category';
  if (by === 'abc_class') return 'i.abc_class';
  const name = by.slice('attr:'.length);
  if (isAttributeColumn(name)) return `i.${ATTRIBUTE_COLUMNS[name]}`;
  if (!db.prepare('SELECT 1 FROM items, json_each(items.attributes) a WHERE a.key = ? LIMIT 1').get(name)) {
    throw new WorkbenchError('INVALID_REQUEST', `No item has an attribute named “${name}”: a segment can be all, category, abc_class or an item attribute.`);
  }
  params[`attr${n}`] = name;
  return `(SELECT ${ATTRIBUTE_TEXT_SQL} FROM json_each(i.attributes) a WHERE a.key = @attr${n})`;
}
