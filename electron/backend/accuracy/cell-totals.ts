// The cells' totals (migration 021): what the stairstep and the slices by category, lag
// and period add up over every line, added up once per refresh of the cube, so an
// unfiltered call (as `fwb accuracy` is mostly called) reads a few hundred rows instead
// of summing the thousands of cells. One row per subset, key and item group (the
// bootstrap resamples the groups): the stairstep's three subsets (the benchmarks'
// points, the lines with both benchmarks, those with a sales input) without a key, and
// every cell by category, by lag and by period.
//
// Each row holds exactly what the call's own GROUP BY over the cells holds for its key
// and group: it is written by the same statement over the same cells (same WHERE, same
// grouping), so the figures do not move. A metric counting only some lines (MAPE: an
// actual above 0; MASE: a scale) takes its improved / worsened over those lines by a
// CASE on each cell's count (metrics.ts scoredSum), which a total cannot: those counts
// are kept summed apart, as `<column>_pos` and `<column>_scaled`.
//
// Any filter reads the cells, as does `source` 'cells' (the totals' oracle in tests).
import type { AccuracyFilter } from '../../../shared/accuracy';
import type { WritableDb } from '../db/handles';
import { cellWhere, type CellWhere } from './filter';

/** The subsets the totals keep: the stairstep's (no key) and the slices' (keyed by their column). */
export type CellTotalsSlice = 'points' | 'bench' | 'sales' | 'category' | 'lag' | 'period';

/** Whether answers read the cells themselves (the totals' oracle in tests) or the totals where they can serve. */
export type CellSource = 'totals' | 'cells';

/** The pairs of forecast sources the stairstep and slices count improved / worsened lines of. */
type Pair = 'nv_sn' | 'sn_m' | 'm_f' | 'm_si';

interface SubsetSpec {
  /** The cells' condition, as the unfiltered call puts it (filter.ts benchmarkCells, stairstep.ts). */
  where: string[];
  /** The key column, as the slice's key (slices.ts KEY_SQL), or null for the stairstep's. */
  key: 'category' | 'lag' | 'period' | null;
  prefixes: string[];
  pairs: Pair[];
}

const SUBSETS: Record<CellTotalsSlice, SubsetSpec> = {
  points: { where: ['c.has_bench = 1', 'c.bench_once = 2'], key: null, prefixes: ['nv', 'sn'], pairs: ['nv_sn'] },
  bench: { where: ['c.has_bench = 1'], key: null, prefixes: ['sn', 'm', 'f'], pairs: ['sn_m', 'm_f'] },
  sales: { where: ['c.has_sales = 1'], key: null, prefixes: ['m', 'si'], pairs: ['m_si'] },
  category: { where: [], key: 'category', prefixes: ['m', 'f'], pairs: ['m_f'] },
  lag: { where: [], key: 'lag', prefixes: ['m', 'f'], pairs: ['m_f'] },
  period: { where: [], key: 'period', prefixes: ['m', 'f'], pairs: ['m_f'] },
};

const TERMS = ['abs', 'e', 'sq', 'ape', 'sape', 'sc'];

/** The totals' columns (after slice, key column and item group) with the SQL over the cells that fills each for a subset; the others stay NULL. */
function sumsOf(spec: SubsetSpec): [string, string][] {
  const sums: [string, string][] = ['n', 'a', 'n_pos', 'n_scaled'].map((c) => [c, `sum(c.${c})`]);
  for (const p of spec.prefixes) for (const t of TERMS) sums.push([`${p}_${t}`, `sum(c.${p}_${t})`]);
  for (const pair of spec.pairs) {
    for (const side of ['better', 'worse']) {
      const column = `${side}_${pair}`;
      sums.push([column, `sum(c.${column})`], [`${column}_pos`, `sum(CASE WHEN c.n_pos > 0 THEN c.${column} END)`], [`${column}_scaled`, `sum(CASE WHEN c.n_scaled > 0 THEN c.${column} END)`]);
    }
  }
  return sums;
}

/** One subset's rows, from the cells, grouped as the unfiltered call groups them (as migration 021 first wrote them). */
function insertSql(slice: CellTotalsSlice): string {
  const spec = SUBSETS[slice];
  const sums = sumsOf(spec);
  const key = spec.key === null ? [] : [spec.key];
  const where = spec.where.length > 0 ? `WHERE ${spec.where.join(' AND ')}` : '';
  return `INSERT INTO accuracy_cell_totals (slice, ${[...key, 'item_group', ...sums.map(([c]) => c)].join(', ')})
    SELECT '${slice}', ${[...key.map((k) => `c.${k}`), 'c.item_group', ...sums.map(([, sql]) => sql)].join(', ')}
    FROM accuracy_cells c ${where} GROUP BY ${[...key.map((k) => `c.${k}`), 'c.item_group'].join(', ')}`;
}

/**
 * Rewrites the cells' totals from the cells (~40 ms at 1M lines: six GROUP BYs over the
 * ~6,400 cells). Each total is what the unfiltered call's own GROUP BY gives: the same
 * scan of the table in its order, the same sorter (its merges take the earlier of equal
 * keys first, so a group's cells stay in the order they came, however wide the rows) and
 * the same sum(). cube.ts calls it at the end of a refresh of the cube that changed the
 * cells, or when the count of cells moved.
 */
export function writeCellTotals(db: WritableDb): void {
  db.prepare('DELETE FROM accuracy_cell_totals').run();
  for (const slice of Object.keys(SUBSETS) as CellTotalsSlice[]) db.prepare(insertSql(slice)).run();
}

/** Whether the filter narrows nothing, so the totals can answer. */
export function unfiltered(filter: AccuracyFilter): boolean {
  return Object.values(filter).every((v) => v === undefined);
}

/**
 * Where an unfiltered read of the cells reads instead: one subset's totals (the grouping
 * key is the same column, one row per key and item group).
 */
export function cellTotalsWhere(slice: CellTotalsSlice): CellWhere {
  return cellWhere({}, [`c.slice = '${slice}'`], 'cell-totals');
}
