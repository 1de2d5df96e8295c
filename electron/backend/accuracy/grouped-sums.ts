// One aggregation serves every table of the engine: sums of chosen cell columns
// per key and item group. Totals per key are the groups added up; the groups
// themselves feed the bootstrap.
import type { ReadableDb } from '../db/handles';
import { withRuns, type CellWhere } from './filter';
import { ITEM_GROUPS } from './cube';

export type Sums = Record<string, number>;

export interface KeyedSums {
  key: string | number | null;
  total: Sums;
  /** Indexed by item group; undefined where the group has no lines. */
  groups: (Sums | undefined)[];
}

/**
 * `columns`: output name → SQL sum expression over cells aliased c (e.g. 'sum(c.m_abs)').
 * `keySql`: the grouping expression, or null for one row over the whole filter.
 */
export function groupedSums(db: ReadableDb, columns: Record<string, string>, where: CellWhere, keySql: string | null): KeyedSums[] {
  const names = Object.keys(columns);
  const select = names.map((n) => `${columns[n]} AS "${n}"`).join(', ');
  const { from } = keySql !== null && /\br\./.test(keySql) ? withRuns(where) : where;
  // Without a key, by item group alone (not by a constant and the group): one sort key fewer.
  const rows = db
    .prepare(`SELECT ${keySql ?? 'NULL'} AS key, c.item_group AS grp, ${select} ${from} ${where.sql} GROUP BY ${where.order ?? (keySql === null ? '2' : '1, 2')}`)
    .all(where.params) as Record<string, number | string | null>[];
  return keyedSums(rows, names);
}

/** The bootstrap's view of one comparison: per group, the shared denominator and both numerators. */
export function comparisonGroups(entry: KeyedSums, den: string, before: string, after: string) {
  return entry.groups.map((g) => (g === undefined ? undefined : { den: g[den]!, before: g[before]!, after: g[after]! }));
}

/** Rows of (key, grp, one column per name) gathered per key: totals, and the sums of each item group (several rows of one key and group added up). */
export function keyedSums(rows: Record<string, number | string | null>[], names: string[]): KeyedSums[] {
  const byKey = new Map<string | number | null, KeyedSums>();
  for (const row of rows) {
    const key = row.key as string | number | null;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { key, total: Object.fromEntries(names.map((n) => [n, 0])), groups: new Array(ITEM_GROUPS).fill(undefined) };
      byKey.set(key, entry);
    }
    const grp = row.grp as number;
    const sums = entry.groups[grp] ?? (entry.groups[grp] = Object.fromEntries(names.map((n) => [n, 0])));
    for (const n of names) {
      const v = Number(row[n] ?? 0);
      sums[n]! += v;
      entry.total[n]! += v;
    }
  }
  return [...byKey.values()];
}
