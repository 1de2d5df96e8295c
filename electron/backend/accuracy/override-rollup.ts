// The slices of what overrides did, rolled up (migration 012): per slice key, run,
// period, lag and item group, the sums of the override cells, so a slice over a
// big workbook adds up a few thousand rows instead of grouping every override
// cell (split by category, class, owner and every other override fact) on each
// call. The item groups stay, for the bootstrap; run, period and lag stay, for
// the filters that narrow by them. A filter by an item's category, class or
// owner reads the cells, which carry those. Rewritten with the cells, run by run
// and period by period, in the same refresh (cube-build.ts).
import type { AccuracyFilter, Slice } from '../../../shared/accuracy';
import type { WritableDb } from '../db/handles';
import { CellSums } from './cell-sums';
import { cellWhere, type CellWhere } from './filter';

export type RollupSlice = 'planner' | 'reason' | 'direction_size';

/** The cells' key columns each rolled-up slice keeps. */
const ROLLUP_KEYS: Record<RollupSlice, string[]> = { planner: ['decided_by'], reason: ['reason_code'], direction_size: ['direction', 'size_bucket'] };
const KEY_COLUMNS = ['direction', 'size_bucket', 'reason_code', 'decided_by'];
/** The override cells' sums (migration 002), summed again. */
const SUMS = ['n', 'a', 'n_pos', 'n_scaled', ...['m', 'f'].flatMap((p) => ['abs', 'e', 'sq', 'ape', 'sape', 'sc'].map((s) => `${p}_${s}`)), 'better_m_f', 'worse_m_f'];

/** Each rolled-up slice's key columns and item group, in the order of its index (migration 019). */
const ROLLUP_ORDER: Record<RollupSlice, string> = { planner: 'c.decided_by, c.item_group', reason: 'c.reason_code, c.item_group', direction_size: 'c.size_bucket, c.direction, c.item_group' };

/** Which rolled-up slice serves each slice of overrides (the direction × size table reads 'direction_size' too). */
const ROLLUP_OF: Partial<Record<Slice, RollupSlice>> = { planner: 'planner', reason: 'reason', direction: 'direction_size', size: 'direction_size' };

/** Whether answers read the override cells themselves (the rollup's oracle in tests) or the rollup where it can serve. */
export type OverrideSource = 'rollup' | 'cells';

/**
 * Where a slice of overrides reads its sums: the rollup's totals when nothing is filtered,
 * the rollup when the filter narrows only by what it keeps (run, model, lag, periods), else the cells.
 */
export function overrideSliceWhere(filter: AccuracyFilter, slice: RollupSlice | Slice, source: OverrideSource = 'rollup'): CellWhere {
  const rollup = slice === 'direction_size' ? slice : ROLLUP_OF[slice as Slice];
  const byItem = filter.category !== undefined || filter.abcClass !== undefined || filter.owner !== undefined;
  if (source === 'cells' || rollup === undefined || byItem) return cellWhere(filter, [], 'overrides');
  const everything = Object.values(filter).every((v) => v === undefined);
  return { ...cellWhere(filter, [`c.slice = '${rollup}'`], everything ? 'override-totals' : 'override-rollup'), order: ROLLUP_ORDER[rollup] };
}

/**
 * Rewrites the rollup's totals over every run, period and lag, which a slice over
 * everything reads: at the end of every refresh of the cube (cube.ts), whatever it rebuilt,
 * since an undone run takes its rollup rows with it by cascade, outside any refresh.
 * Slice by slice, each from its own index in its order (key, item group, scoring split:
 * migration 019), so no row of the table is read and nothing is sorted.
 */
export function writeOverrideTotals(db: WritableDb): void {
  db.prepare('DELETE FROM accuracy_override_totals').run();
  for (const [slice, keys] of Object.entries(ROLLUP_KEYS) as [RollupSlice, string[]][]) {
    const own = KEY_COLUMNS.map((k) => (keys.includes(k) ? k : 'NULL')).join(', ');
    db.prepare(
      `INSERT INTO accuracy_override_totals (slice, ${KEY_COLUMNS.join(', ')}, item_group, pos, scaled, ${SUMS.join(', ')})
       SELECT '${slice}', ${own}, c.item_group, c.pos, c.scaled, ${SUMS.map((s) => `sum(c.${s})`).join(', ')}
       FROM accuracy_override_rollup c WHERE c.slice = '${slice}' GROUP BY ${ROLLUP_ORDER[slice]}, c.pos, c.scaled`,
    ).run();
  }
}

/** A (period, lag) as one number: a lag is below 2^20 buckets. */
const PERIOD_LAG = 1_048_576;

/** Rows inserted per statement: one call binding many rows costs less than a call per row. */
const ROWS_PER_INSERT = 32;

/**
 * Adds up a run's override cells, as the build holds them (cube-build.ts, after it
 * deleted the rollup rows it rewrites), into the rollup: per slice key, period, lag,
 * item group and scoring split. In memory rather than three GROUP BYs over the cells
 * just written, which cost a cold build of 1 M lines some 0.7 s.
 * `keyNames` / `sumNames` name each cell's key columns and sums.
 */
export function writeOverrideRollup(db: WritableDb, runId: number, cells: CellSums<unknown>, keyNames: readonly string[], sumNames: readonly string[]): void {
  const at = (name: string) => {
    const i = keyNames.indexOf(name);
    if (i < 0) throw new Error(`override cells have no key column ${name}`);
    return i;
  };
  const [period, lag, group, pos, scaled] = ['period', 'lag', 'item_group', 'pos', 'scaled'].map(at) as [number, number, number, number, number];
  const sumsAt = SUMS.map((name) => sumNames.indexOf(name));
  const columns = ['slice', 'run_id', 'period', 'lag', ...KEY_COLUMNS, 'item_group', 'pos', 'scaled', ...SUMS];
  const statement = (rows: number) => db.prepare(`INSERT INTO accuracy_override_rollup (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`);
  const full = statement(ROWS_PER_INSERT);
  // A (period, lag) pair numbered, so a rollup row's key is one number: a string built per cell cost most of the rollup.
  const pairIds = new Map<number, number>();
  const pairOf = new Int32Array(cells.size);
  // Item groups are 0 up to ITEM_GROUPS; counted here rather than assumed, so no two rows can share a key.
  let groups = 1;
  for (let i = 0; i < cells.size; i++) {
    const k = cells.keys[i]!;
    groups = Math.max(groups, (k[group] as number) + 1);
    const pl = (k[period] as number) * PERIOD_LAG + (k[lag] as number);
    let id = pairIds.get(pl);
    if (id === undefined) pairIds.set(pl, (id = pairIds.size));
    pairOf[i] = id;
  }
  // Each cell's sums read once for the three slices (NaN for NULL).
  const width = SUMS.length;
  const sums = new Float64Array(cells.size * width);
  for (let i = 0; i < cells.size; i++) for (let v = 0; v < width; v++) sums[i * width + v] = cells.value(i, sumsAt[v]!) ?? NaN;
  for (const [slice, keys] of Object.entries(ROLLUP_KEYS)) {
    const keyAt = KEY_COLUMNS.map((k) => (keys.includes(k) ? at(k) : -1));
    const rollup = new CellSums<number>(SUMS.length);
    // The slice's key values numbered (fewer than the cells), so a rollup row's key is pair, key, item group and split as one number.
    const keyIds = new Map<unknown, number>();
    const own = keyAt.filter((j) => j >= 0);
    for (let i = 0; i < cells.size; i++) {
      const k = cells.keys[i]!;
      // One key column is its own Map key (NULL and the text 'null' apart); two are direction (-1 or 1) and size bucket (0 up) as one number.
      const keyOf = own.length === 1 ? k[own[0]!] : (k[own[0]!] as number) * 1024 + (k[own[1]!] as number);
      let keyId = keyIds.get(keyOf);
      if (keyId === undefined) keyIds.set(keyOf, (keyId = keyIds.size));
      // pos and scaled are 0 or 1.
      const id = ((pairOf[i]! * cells.size + keyId) * groups + (k[group] as number)) * 4 + (k[pos] as number) * 2 + (k[scaled] as number);
      let o = rollup.find(id);
      if (o < 0) o = rollup.make(id, [k[period], k[lag], ...keyAt.map((j) => (j < 0 ? null : k[j])), k[group], k[pos], k[scaled]]);
      for (let v = 0; v < width; v++) {
        const x = sums[i * width + v]!;
        rollup.add(o, v, x === x ? x : null);
      }
    }
    let values: unknown[] = [];
    for (let r = 0; r < rollup.size; r++) {
      values.push(slice, runId, ...rollup.keys[r]!);
      for (let v = 0; v < SUMS.length; v++) values.push(rollup.value(r, v));
      const rows = values.length / columns.length;
      if (rows === ROWS_PER_INSERT || r === rollup.size - 1) {
        (rows === ROWS_PER_INSERT ? full : statement(rows)).run(values);
        values = [];
      }
    }
  }
}
