// Accuracy sliced by any item attribute (SPEC §3 "category or any item
// attribute"): brand, family, unit, ABC class, or a key of the items' imported
// attributes. The cube (accuracy_cells) carries only the engine's own slice
// dimensions, so this slice is computed from the lines themselves: forecast
// lines with a current actual, the final plan from line_state, the item's
// attribute value. The per-line terms are the cube's (cube.ts), named as its
// columns are, so METRIC_TERMS, metricValue, fvaOf and the bootstrap apply
// unchanged: model versus final plan per attribute value, every row with its
// sample size, FVA, interval and improved / worsened counts.
import { bucketKeyOf, type Grain } from '../../../shared/period';
import type { AccuracyFilter, Metric, SliceRow, SliceTable } from '../../../shared/accuracy';
import type { ReadableDb } from '../db/handles';
import { workbookGrain } from '../db/open';
import { WorkbenchError } from '../errors';
import { ATTRIBUTE_COLUMNS, ATTRIBUTE_TEXT_SQL } from '../review/line-filter';
import { CI_METHOD, bootstrapWeights } from './bootstrap';
import { itemGroupSql, seasonsBackSql } from './cube';
import { keyedSums } from './grouped-sums';
import { LINE_ERROR_TERMS, METRIC_TERMS, SCORED_LINE_SQL } from './metrics';
import { comparisonRow } from './slices';
import { lineWhere } from './filter';


/** The denominators METRIC_TERMS names, per line. */
const DEN_SQL: Record<string, string> = { n: '1', a: 'act', n_pos: 'act > 0', n_scaled: 'coalesce(scale > 0, 0)' };

function isAttributeColumn(name: string): name is keyof typeof ATTRIBUTE_COLUMNS {
  return Object.hasOwn(ATTRIBUTE_COLUMNS, name);
}

/** Names an attribute slice can use: the attribute columns and every key of the items' imported attributes. */
export function itemAttributeNames(db: ReadableDb): string[] {
  const keys = db.prepare("SELECT DISTINCT a.key FROM items, json_each(items.attributes) a WHERE a.type <> 'null' ORDER BY a.key").pluck().all() as string[];
  return [...Object.keys(ATTRIBUTE_COLUMNS), ...keys.filter((k) => !isAttributeColumn(k))];
}

/**
 * MASE's scale per run, item and location, as the cube makes it: the mean
 * absolute seasonal difference of the item's actuals up to the bucket of the
 * run's origin. Only built when the metric is MASE.
 */
export function scaleCte(db: ReadableDb, filter: AccuracyFilter): string {
  const grain = workbookGrain(db);
  const runs = db.prepare('SELECT run_id, origin, grain FROM forecast_runs').all() as { run_id: number; origin: number; grain: Grain }[];
  if (runs.length === 0) return 'scale (run_id, item_key, location_key, scale) AS (SELECT NULL, NULL, NULL, NULL WHERE 0)';
  const buckets = runs
    .map((r) => `(${r.run_id}, ${bucketKeyOf(r.origin, r.grain)})`)
    .join(', ');
  const runOnly = filter.runId === undefined ? '' : 'WHERE run_id = @runId';
  return `origin_bucket (run_id, ob) AS (VALUES ${buckets}),
  diffs AS (
    SELECT a.item_key, a.location_key, a.period, abs(a.quantity - b.quantity) AS d
      FROM actuals a
      JOIN actuals b ON b.item_key = a.item_key AND b.location_key = a.location_key AND b.period = ${seasonsBackSql('a.period', '1', grain)} AND b.superseded_at IS NULL
     WHERE a.superseded_at IS NULL),
  scale AS (
    SELECT k.run_id, k.item_key, k.location_key, avg(d.d) AS scale
      FROM (SELECT DISTINCT run_id, item_key, location_key FROM forecast_lines ${runOnly}) k
      JOIN origin_bucket o ON o.run_id = k.run_id
      JOIN diffs d ON d.item_key = k.item_key AND d.location_key = k.location_key AND d.period <= o.ob
     GROUP BY k.run_id, k.item_key, k.location_key)`;
}

/**
 * Model versus final plan per value of the item attribute `name`, over every
 * line with a known actual (items without the attribute form the "(none)" row).
 * Throws INVALID_REQUEST, naming the attributes there are, for an unknown name.
 */
export function attributeSlice(db: ReadableDb, filter: AccuracyFilter, metric: Metric, name: string, seed?: number): SliceTable {
  let keySql: string;
  if (isAttributeColumn(name)) keySql = `i.${ATTRIBUTE_COLUMNS[name]}`;
  else if (db.prepare('SELECT 1 FROM items, json_each(items.attributes) a WHERE a.key = ? LIMIT 1').get(name)) {
    keySql = `(SELECT ${ATTRIBUTE_TEXT_SQL} FROM json_each(i.attributes) a WHERE a.key = @attributeName)`;
  } else {
    throw new WorkbenchError('INVALID_REQUEST', `No item has an attribute named “${name}”. Item attributes: ${itemAttributeNames(db).join(', ')}.`);
  }

  const t = METRIC_TERMS[metric];
  const suffix = (column: string) => column.slice(column.indexOf('_') + 1) as keyof typeof LINE_ERROR_TERMS;
  const m = t.num('m');
  const f = t.num('f');
  const needsScale = t.den === 'n_scaled';
  // The lines the metric scores: its n, and the lines improved / worsened are counted among.
  const scored = SCORED_LINE_SQL[t.count];
  const where = lineWhere(filter);
  const params: Record<string, string | number> = { ...where.params };
  if (!isAttributeColumn(name)) params.attributeName = name;

  // Per item first: the attribute's text and the item's bootstrap group, once per item rather than per line.
  const sql = `
WITH ${needsScale ? `${scaleCte(db, filter)},` : ''}
  item_keys AS MATERIALIZED (
    SELECT i.item_key, ${keySql} AS key, ${itemGroupSql('i.item_key')} AS grp FROM items i),
  lines AS (
    SELECT ik.key, ik.grp, fl.quantity AS m, coalesce(ls.final_quantity, fl.quantity) AS f, a.quantity AS act${needsScale ? ', sc.scale' : ', NULL AS scale'}
      FROM forecast_lines fl
      JOIN forecast_runs r ON r.run_id = fl.run_id
      JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
      JOIN items i ON i.item_key = fl.item_key
      JOIN item_keys ik ON ik.item_key = fl.item_key
      LEFT JOIN line_state ls ON ls.line_id = fl.line_id
      ${needsScale ? 'LEFT JOIN scale sc ON sc.run_id = fl.run_id AND sc.item_key = fl.item_key AND sc.location_key = fl.location_key' : ''}
     ${where.sql})
SELECT key, grp, count(*) AS lines, sum(${scored}) AS n, sum(${DEN_SQL[t.den]}) AS den,
       sum(${LINE_ERROR_TERMS[suffix(m)]('m')}) AS m, sum(${LINE_ERROR_TERMS[suffix(f)]('f')}) AS f,
       sum((${scored}) AND abs(f - act) < abs(m - act)) AS better, sum((${scored}) AND abs(f - act) > abs(m - act)) AS worse
  FROM lines
 GROUP BY key, grp`;
  // A key read from the attributes' JSON may be a number; rows are keyed by its text.
  const rows = (db.prepare(sql).all(params) as Record<string, number | string | null>[]).map((r) => ({ ...r, key: r.key === null ? null : String(r.key) }));
  const entries = keyedSums(rows, ['lines', 'n', 'den', 'm', 'f', 'better', 'worse']);

  const weights = bootstrapWeights(seed);
  const out: SliceRow[] = entries.map((e) => comparisonRow(metric, e, e.key === null ? '' : String(e.key), e.key === null || e.key === '' ? '(none)' : String(e.key), weights));
  out.sort((x, y) => y.n - x.n || y.excluded - x.excluded || x.key.localeCompare(y.key));
  return { metric, by: `attr:${name}`, overridesOnly: false, rows: out, ciMethod: CI_METHOD };
}
