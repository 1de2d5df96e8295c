// The item attributes the worklist can be filtered by, and their values: the
// columns (brand, family, ABC class, unit) and every key of the items' imported
// attributes, each with its most common values among a run's items.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ItemAttributeFacet } from '../../../shared/domain';
import type { ReadContext } from '../context';
import { WorkbenchError } from '../errors';
import { ATTRIBUTE_COLUMNS, ATTRIBUTE_TEXT_SQL } from './line-filter';

/** Values listed per attribute, the most common first. */
export const ATTRIBUTE_VALUES_CAP = 200;

export function listItemAttributes({ db }: ReadContext, req: ParsedRequestOf<'listItemAttributes'>): { attributes: ItemAttributeFacet[] } {
  if (req.runId !== undefined && !db.prepare('SELECT 1 FROM forecast_runs WHERE run_id = ?').get(req.runId)) {
    throw new WorkbenchError('NOT_FOUND', `Forecast run ${req.runId} does not exist.`);
  }
  const columns = Object.entries(ATTRIBUTE_COLUMNS);
  const scope = req.runId === undefined ? '' : 'WHERE item_key IN (SELECT item_key FROM forecast_lines WHERE run_id = @runId)';
  const rows = db
    .prepare(
      `WITH scoped AS (SELECT * FROM items ${scope}),
       vals AS (
         ${columns.map(([name, column]) => `SELECT '${name}' AS name, 'column' AS source, ${column} AS value FROM scoped WHERE ${column} IS NOT NULL`).join('\nUNION ALL ')}
         UNION ALL
         SELECT a.key, 'attribute', ${ATTRIBUTE_TEXT_SQL} FROM scoped, json_each(scoped.attributes) a
          WHERE a.type <> 'null' AND a.key NOT IN (${columns.map(([name]) => `'${name}'`).join(', ')})),
       counted AS (SELECT name, source, value, count(*) AS items FROM vals GROUP BY name, source, value),
       ranked AS (
         SELECT *, row_number() OVER (PARTITION BY name ORDER BY items DESC, value) AS rank, count(*) OVER (PARTITION BY name) AS distinctValues
           FROM counted)
       SELECT name, source, value, items, distinctValues FROM ranked WHERE rank <= @cap
        ORDER BY source = 'attribute', name, rank`,
    )
    .all({ cap: ATTRIBUTE_VALUES_CAP, ...(req.runId === undefined ? {} : { runId: req.runId }) }) as {
    name: string;
    source: ItemAttributeFacet['source'];
    value: string;
    items: number;
    distinctValues: number;
  }[];
  const byName = new Map<string, ItemAttributeFacet>();
  for (const r of rows) {
    let facet = byName.get(r.name);
    if (!facet) byName.set(r.name, (facet = { name: r.name, source: r.source, values: [], distinctValues: r.distinctValues }));
    facet.values.push({ value: r.value, items: r.items });
  }
  // Columns in their fixed order, then the imported attributes by name.
  const order = new Map(columns.map(([name], i) => [name, i]));
  return { attributes: [...byName.values()].sort((a, b) => (order.get(a.name) ?? 99) - (order.get(b.name) ?? 99) || a.name.localeCompare(b.name)) };
}
