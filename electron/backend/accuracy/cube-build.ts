// Writes runs' accuracy cells (cube.ts says which runs and periods) in one pass
// over the items, a chunk of items at a time: each chunk's actuals and sales
// inputs are read once, in index order, for every run, and each line then finds
// its actual, naive, seasonal naive, sales input and MASE scale in memory instead
// of probing the tables for each of them once per run. The sums are added in
// typed arrays (cell-sums.ts): SQLite's GROUP BY sorted every line of a run and
// evaluated sixty sums per line, most of the cold build's time. Memory is a chunk
// of items, the cells, and for a cold build every decided line's final plan (16
// bytes a line), whatever the number of lines.
import type { Grain } from '../../../shared/period';
import { SIZE_BUCKET_EDGES } from '../../../shared/accuracy';
import { IMPORTED_PLANNER_PREFIX } from '../../../shared/decision-provenance';
import type { WritableDb } from '../db/handles';
import { withPageCache } from '../db/page-cache';
import { CellSums, cellsInKeyOrder } from './cell-sums';
import { addLineErrorTerms } from './metrics';
import { writeOverrideRollup } from './override-rollup';
import { actualAt, scaleAt, seasonsBack, seasonsForLag, type Series } from './series';

/** Items read at a time: their actuals (a few dozen each) and lines stay in memory together. */
const ITEMS_PER_CHUNK = 500;

/**
 * The page cache while the cells are inserted (db/page-cache.ts): a cold build's
 * cells, override cells and rollup are some 30 MB, and with SQLite's 2 MB their
 * pages spill to the log as they are written, a quarter more CPU. Only then: the
 * lines are read once, and a larger cache while reading them only allocates.
 */
const INSERT_CACHE_KIB = 65_536;

/** One run's cells to write: all of them (periods null) or those of some periods. */
export interface RunCellsBuild {
  runId: number;
  originBucket: number;
  grain: Grain;
  /** The SQL of a line's bench_once over `fl` (cube.ts). */
  benchOnceSql: string;
  periods: number[] | null;
}

/** An item's group: a fixed multiplicative hash of its key, so groups do not follow the order items were imported in. */
export const ITEM_GROUPS = 32;
export const itemGroupSql = (itemKey: string) => `((${itemKey} * 2654435761) % 4294967296) % ${ITEM_GROUPS}`;

/**
 * Whom the planner slice credits decision `d` to: its person, or for imported
 * history 'imported:<the name the file recorded>' (shared/decision-provenance.ts),
 * so history never counts as the person of the workbook who has that name.
 */
const plannerKeySql = (d: string) => `CASE WHEN ${d}.batch_id IS NOT NULL THEN '${IMPORTED_PLANNER_PREFIX}' || coalesce(${d}.recorded_by, ${d}.decided_by, '') ELSE ${d}.decided_by END`;

/** Override size bucket as the cells have always had it (and the policy lab replays it): |final − model| × 100 / model against the edges. */
export function sizeBucket(m: number, f: number): number {
  if (m <= 0) return SIZE_BUCKET_EDGES.length - 1;
  const pct = (Math.abs(f - m) * 100.0) / m;
  for (let b = SIZE_BUCKET_EDGES.length - 1; b >= 1; b--) if (pct >= SIZE_BUCKET_EDGES[b]!) return b;
  return 0;
}

/** accuracy_cells' sums, in column order after its key columns. */
const LINE_SUMS = [
  'n', 'a', 'n_pos', 'n_scaled',
  ...['m', 'f', 'nv', 'sn', 'si'].flatMap((p) => ['abs', 'e', 'sq', 'ape', 'sape', 'sc'].map((s) => `${p}_${s}`)),
  'better_nv_sn', 'worse_nv_sn', 'better_sn_m', 'worse_sn_m', 'better_m_f', 'worse_m_f', 'better_m_si', 'worse_m_si',
  'n_bounded', 'n_inside',
] as const;
const LINE_KEYS = ['period', 'lag', 'category', 'abc_class', 'owner_id', 'has_bench', 'has_sales', 'item_group'] as const;
const OVERRIDE_SUMS = ['n', 'a', 'n_pos', 'n_scaled', ...['m', 'f'].flatMap((p) => ['abs', 'e', 'sq', 'ape', 'sape', 'sc'].map((s) => `${p}_${s}`)), 'better_m_f', 'worse_m_f'] as const;
const OVERRIDE_KEYS = ['period', 'lag', 'category', 'abc_class', 'owner_id', 'direction', 'size_bucket', 'reason_code', 'decided_by', 'item_group'] as const;
/** The positions of `names` among `sums`. */
function positions<N extends string>(sums: readonly string[], names: readonly N[]): Record<N, number> {
  return Object.fromEntries(names.map((n) => [n, sums.indexOf(n)])) as Record<N, number>;
}
const COUNTS = ['n', 'a', 'n_pos', 'n_scaled', 'm_abs', 'f_abs', 'better_m_f', 'worse_m_f'] as const;
const L = positions(LINE_SUMS, [...COUNTS, 'nv_abs', 'sn_abs', 'si_abs', 'better_nv_sn', 'worse_nv_sn', 'better_sn_m', 'worse_sn_m', 'better_m_si', 'worse_m_si', 'n_bounded', 'n_inside'] as const);
const O = positions(OVERRIDE_SUMS, COUNTS);

/** An item's slice dimensions, numbered so a cell's key is a number. */
interface ItemDims {
  category: string | null;
  abcClass: string | null;
  ownerId: string | null;
  group: number;
  /** dims number × ITEM_GROUPS + group. */
  part: number;
}

/** The cells of one run being built. */
interface RunCells {
  build: RunCellsBuild;
  lines: CellSums<number>;
  overrides: CellSums<string>;
  /** (period, lag) pairs (packed as the lines query packs them) numbered. */
  pairs: Map<number, number>;
  /** Per pair, the offsets of its cells by the rest of their key (item dims and flags): a small number, quick to find. */
  slots: Map<number, number>[];
  select: ReturnType<WritableDb['prepare']>;
}

/**
 * A run's lines of a chunk of items, as few values each as will do (each value
 * read costs more than the SQL that makes it): the period and lag packed in one
 * number (a lag is below 2^20 buckets), bench_once only when earlier runs at the
 * origin can hold the line's point. The final plan is looked up by line id
 * (FinalPlans), the reason and author of overridden lines only.
 */
function linesSelectSql(build: RunCellsBuild): string {
  return `
SELECT fl.item_key * @seriesBase + fl.location_key, fl.period * ${PERIOD_LAG} + fl.lag, fl.quantity, fl.lower, fl.upper, fl.line_id${build.benchOnceSql === '2' ? '' : `, ${build.benchOnceSql}`}
  FROM forecast_lines fl
 WHERE fl.run_id = @runId AND fl.item_key IN (SELECT value FROM json_each(@items))${build.periods ? ' AND fl.period IN (SELECT value FROM json_each(@periods))' : ''}`;
}
const PERIOD_LAG = 1_048_576;

const latestOverride = (what: string) =>
  `(SELECT ${what} FROM decisions d WHERE d.line_id = ls.line_id AND d.action = 'override' AND d.quantity = ls.final_quantity ORDER BY d.decision_id DESC LIMIT 1)`;

/**
 * The reason and author of an overridden line (line_state ls, its decision ld):
 * those of the latest decision when it is in force, else of the override whose
 * quantity the plan still carries. Also what the policy lab slices by.
 */
export const OVERRIDE_REASON_SQL = `CASE WHEN ls.status IN ('final', 'approved') THEN ls.reason_code ELSE ${latestOverride('d.reason_code')} END`;
export const OVERRIDE_PLANNER_SQL = `CASE WHEN ls.status IN ('final', 'approved') THEN ${plannerKeySql('ld')} ELSE ${latestOverride(plannerKeySql('d'))} END`;

function overrideFactsSql(): string {
  return `
SELECT ls.line_id, ${OVERRIDE_REASON_SQL}, ${OVERRIDE_PLANNER_SQL}
  FROM line_state ls
  LEFT JOIN decisions ld ON ld.decision_id = ls.decision_id
 WHERE ls.line_id IN (SELECT value FROM json_each(@lines))`;
}

/** The items whose lines the builds read: every item when a run is built whole, else those of the periods rebuilt. */
function itemsToVisit(db: WritableDb, builds: RunCellsBuild[]): number[] {
  if (builds.some((b) => b.periods === null)) return db.prepare('SELECT item_key FROM items ORDER BY item_key').pluck().all() as number[];
  const keys = new Set<number>();
  const of = db.prepare('SELECT DISTINCT item_key FROM forecast_lines WHERE run_id = @runId AND period IN (SELECT value FROM json_each(@periods))').pluck();
  for (const b of builds) for (const k of of.all({ runId: b.runId, periods: JSON.stringify(b.periods) }) as number[]) keys.add(k);
  return [...keys].sort((a, b) => a - b);
}

/** Rewrites the cells of each build: deletes those it covers, adds them up again from the lines. Returns the periods of the lines of each run built whole. */
export function writeRunCells(db: WritableDb, builds: RunCellsBuild[]): Map<number, number[]> {
  for (const b of builds) {
    const some = b.periods ? ' AND period IN (SELECT value FROM json_each(@periods))' : '';
    const params = { runId: b.runId, ...(b.periods ? { periods: JSON.stringify(b.periods) } : {}) };
    db.prepare(`DELETE FROM accuracy_cells WHERE run_id = @runId${some}`).run(params);
    db.prepare(`DELETE FROM accuracy_override_cells WHERE run_id = @runId${some}`).run(params);
    db.prepare(`DELETE FROM accuracy_override_rollup WHERE run_id = @runId${some}`).run(params);
  }
  const runs: RunCells[] = builds.map((build) => ({
    build,
    lines: new CellSums<number>(LINE_SUMS.length),
    overrides: new CellSums<string>(OVERRIDE_SUMS.length),
    pairs: new Map(),
    slots: [],
    select: db.prepare(linesSelectSql(build)).raw(),
  }));
  const selectOverrideFacts = db.prepare(overrideFactsSql()).raw();
  const plans = finalPlans(db, builds.some((b) => b.periods === null));
  const dimsNumbers = new Map<string, number>();
  const items = itemsToVisit(db, builds);
  const selectItems = db.prepare(`SELECT item_key, category, abc_class, owner_id, ${itemGroupSql('item_key')} FROM items WHERE item_key IN (SELECT value FROM json_each(@items))`).raw();
  // An item and location as one number (item × seriesBase + location, far below 2^53), one value to read instead of two.
  const seriesBase = ((db.prepare('SELECT max(location_key) FROM locations').pluck().get() as number | null) ?? 0) + 1;
  const seriesSelect = (table: string) =>
    db.prepare(`SELECT item_key * @seriesBase + location_key, period, quantity FROM ${table} WHERE superseded_at IS NULL AND item_key IN (SELECT value FROM json_each(@items)) ORDER BY item_key, location_key, period`).raw();
  const selectActuals = seriesSelect('actuals');
  const selectSales = seriesSelect('sales_inputs');

  for (let from = 0; from < items.length; from += ITEMS_PER_CHUNK) {
    const chunk = JSON.stringify(items.slice(from, from + ITEMS_PER_CHUNK));
    const dims = new Map<number, ItemDims>();
    const params = { items: chunk, seriesBase };
    for (const [key, category, abcClass, ownerId, group] of selectItems.all({ items: chunk }) as [number, string | null, string | null, string | null, number][]) {
      const name = JSON.stringify([category, abcClass, ownerId]);
      let n = dimsNumbers.get(name);
      if (n === undefined) dimsNumbers.set(name, (n = dimsNumbers.size));
      dims.set(key, { category, abcClass, ownerId, group, part: n * ITEM_GROUPS + group });
    }
    const series = new Map<number, Series>();
    // Indexed rather than destructured: this loop and the lines' run once per value read.
    const actuals = selectActuals.all(params) as [number, number, number][];
    let s: Series | undefined;
    let last = -1;
    for (let i = 0; i < actuals.length; i++) {
      const r = actuals[i]!;
      if (r[0] !== last) {
        last = r[0];
        s = series.get(last);
        if (!s) series.set(last, (s = { periods: [], quantities: [], sales: null, diffs: new Map() }));
      }
      s!.periods.push(r[1]);
      s!.quantities.push(r[2]);
    }
    for (const [key, period, quantity] of selectSales.all(params) as [number, number, number][]) {
      const s = series.get(key);
      if (s) (s.sales ??= new Map()).set(period, quantity);
    }
    for (const run of runs) addRunLines(run, params, dims, series, selectOverrideFacts, plans);
  }
  withPageCache(db, INSERT_CACHE_KIB, () => {
    for (const run of runs) insertRunCells(db, run);
  });
  const periodsOf = (run: RunCells) => [...new Set([...run.pairs.keys()].map((pl) => Math.floor(pl / PERIOD_LAG)))].sort((a, b) => a - b);
  return new Map(runs.filter((r) => r.build.periods === null).map((r) => [r.build.runId, periodsOf(r)]));
}

type LineRow = [number, number, number, number | null, number | null, number, number?];

/** The final plan of lines that have one (line_state): undefined for a line without. */
interface FinalPlans {
  /** Makes the plans of a run's lines of a chunk ready to look up. */
  load(rows: LineRow[]): void;
  get(lineId: number): number | undefined;
}

/**
 * For a cold build, every line's plan read once in line order into typed arrays
 * (a probe per line cost more); for a few periods, those of the lines rebuilt.
 */
function finalPlans(db: WritableDb, whole: boolean): FinalPlans {
  if (whole) {
    const n = db.prepare('SELECT count(*) FROM line_state').pluck().get() as number;
    const ids = new Float64Array(n);
    const finals = new Float64Array(n);
    let i = 0;
    for (const [id, final] of db.prepare('SELECT line_id, final_quantity FROM line_state ORDER BY line_id').raw().iterate() as Iterable<[number, number]>) {
      ids[i] = id;
      finals[i++] = final;
    }
    return {
      load: () => {},
      get: (lineId) => {
        let lo = 0;
        let hi = i - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const v = ids[mid]!;
          if (v === lineId) return finals[mid];
          if (v < lineId) lo = mid + 1;
          else hi = mid - 1;
        }
        return undefined;
      },
    };
  }
  const select = db.prepare('SELECT line_id, final_quantity FROM line_state WHERE line_id IN (SELECT value FROM json_each(?))').raw();
  let plans = new Map<number, number>();
  return {
    load: (rows) => {
      plans = new Map(select.all(JSON.stringify(rows.map((r) => r[5]))) as [number, number][]);
    },
    get: (lineId) => plans.get(lineId),
  };
}

function addRunLines(
  run: RunCells,
  chunk: { items: string; seriesBase: number },
  dims: Map<number, ItemDims>,
  series: Map<number, Series>,
  selectOverrideFacts: ReturnType<WritableDb['prepare']>,
  plans: FinalPlans,
): void {
  const { runId, originBucket, grain, periods } = run.build;
  const { lines: cells, overrides } = run;
  const params = { runId, ...chunk, ...(periods ? { periods: JSON.stringify(periods) } : {}) };
  let lastSeries = -1;
  let s: Series | undefined;
  let d: ItemDims | undefined;
  let scale: number | null = null;
  let naive: number | undefined;
  const rows = run.select.all(params) as LineRow[];
  if (rows.length === 0) return;
  plans.load(rows);
  // Each line's final plan, NaN for a line without one (its plan is the model's).
  const finals = new Float64Array(rows.length);
  const overridden: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const final = plans.get(r[5]);
    finals[i] = final ?? NaN;
    if (final !== undefined && final !== r[2]) overridden.push(r[5]);
  }
  const facts = new Map<number, [string | null, string | null]>();
  if (overridden.length > 0) for (const [id, reason, by] of selectOverrideFacts.all({ lines: JSON.stringify(overridden) }) as [number, string | null, string | null][]) facts.set(id, [reason, by]);
  let lastPeriodLag = -1;
  let period = 0;
  let lag = 0;
  let pair = 0;
  let slot: Map<number, number> = new Map();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const seriesKey = r[0];
    const periodLag = r[1];
    const m = r[2];
    const lower = r[3];
    const upper = r[4];
    const benchOnce = r[6] ?? 2;
    if (periodLag !== lastPeriodLag) {
      period = Math.floor(periodLag / PERIOD_LAG);
      lag = periodLag - period * PERIOD_LAG;
      const known = run.pairs.get(periodLag);
      if (known === undefined) {
        run.pairs.set(periodLag, (pair = run.pairs.size));
        run.slots.push(new Map());
      } else pair = known;
      slot = run.slots[pair]!;
      lastPeriodLag = periodLag;
    }
    if (seriesKey !== lastSeries) {
      s = series.get(seriesKey);
      d = dims.get(Math.floor(seriesKey / chunk.seriesBase));
      // The naive forecast (the actual at the origin) and the scale are the series' for the whole run.
      scale = s ? scaleAt(s, grain, originBucket) : null;
      naive = s ? actualAt(s, originBucket) : undefined;
      lastSeries = seriesKey;
    }
    if (!s || !d) continue;
    const act = actualAt(s, period);
    if (act === undefined) continue;
    const final = finals[i]!;
    const f = final === final ? final : m;
    const nv0 = naive;
    const sn0 = actualAt(s, seasonsBack(period, seasonsForLag(lag, grain), grain));
    const hb = nv0 !== undefined && sn0 !== undefined;
    const si = s.sales?.get(period);
    const hasSales = si !== undefined;
    const pos = act > 0 ? 1 : 0;
    const scaled = scale !== null && scale > 0 ? 1 : 0;

    const flags = (((+hb * 2 + +hasSales) * 2 + pos) * 2 + scaled) * 3 + benchOnce;
    const key = d.part * 48 + flags;
    let c = slot.get(key);
    if (c === undefined) slot.set(key, (c = cells.make(pair * 2 ** 32 + key, [period, lag, d.category, d.abcClass, d.ownerId, +hb, +hasSales, d.group, pos, scaled, benchOnce])));
    cells.count(c, L.n, 1);
    cells.add(c, L.a, act);
    cells.count(c, L.n_pos, pos);
    cells.count(c, L.n_scaled, scaled);
    addLineErrorTerms(cells, c, L.m_abs, m, act, scale);
    addLineErrorTerms(cells, c, L.f_abs, f, act, scale);
    const mErr = Math.abs(m - act);
    const fErr = Math.abs(f - act);
    if (hb) {
      addLineErrorTerms(cells, c, L.nv_abs, nv0, act, scale);
      addLineErrorTerms(cells, c, L.sn_abs, sn0, act, scale);
      const nvErr = Math.abs(nv0 - act);
      const snErr = Math.abs(sn0 - act);
      cells.count(c, L.better_nv_sn, snErr < nvErr ? 1 : 0);
      cells.count(c, L.worse_nv_sn, snErr > nvErr ? 1 : 0);
      cells.count(c, L.better_sn_m, mErr < snErr ? 1 : 0);
      cells.count(c, L.worse_sn_m, mErr > snErr ? 1 : 0);
    }
    if (hasSales) {
      addLineErrorTerms(cells, c, L.si_abs, si, act, scale);
      const siErr = Math.abs(si - act);
      cells.count(c, L.better_m_si, siErr < mErr ? 1 : 0);
      cells.count(c, L.worse_m_si, siErr > mErr ? 1 : 0);
    }
    cells.count(c, L.better_m_f, fErr < mErr ? 1 : 0);
    cells.count(c, L.worse_m_f, fErr > mErr ? 1 : 0);
    const bounded = lower !== null && upper !== null;
    cells.count(c, L.n_bounded, bounded ? 1 : 0);
    cells.count(c, L.n_inside, bounded && act >= lower && act <= upper ? 1 : 0);

    if (f === m) continue;
    const [reason, decidedBy] = facts.get(r[5]) ?? [null, null];
    const dir = f > m ? 1 : -1;
    const size = sizeBucket(m, f);
    const overrideKey = `${pair}|${d.part}|${dir}|${size}|${pos}|${scaled}|${reason === null ? '\u0000' : `\u0001${reason}`}|${decidedBy === null ? '\u0000' : `\u0001${decidedBy}`}`;
    let o = overrides.find(overrideKey);
    if (o < 0) o = overrides.make(overrideKey, [period, lag, d.category, d.abcClass, d.ownerId, dir, size, reason, decidedBy, d.group, pos, scaled]);
    overrides.count(o, O.n, 1);
    overrides.add(o, O.a, act);
    overrides.count(o, O.n_pos, pos);
    overrides.count(o, O.n_scaled, scaled);
    addLineErrorTerms(overrides, o, O.m_abs, m, act, scale);
    addLineErrorTerms(overrides, o, O.f_abs, f, act, scale);
    overrides.count(o, O.better_m_f, fErr < mErr ? 1 : 0);
    overrides.count(o, O.worse_m_f, fErr > mErr ? 1 : 0);
  }
}

/** Cells inserted per statement: one call binding many rows costs less than a call per row. */
const CELLS_PER_INSERT = 32;

/** Inserts a run's cells in the order of their keys, as the GROUP BY they replace wrote them. */
function insertRunCells(db: WritableDb, run: RunCells): void {
  const write = (table: string, keys: readonly string[], sumNames: readonly string[], sums: CellSums<unknown>, tailNames: string[]) => {
    const columns = ['run_id', ...keys, ...sumNames, ...tailNames];
    const statement = (rows: number) => db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`);
    const full = statement(CELLS_PER_INSERT);
    const order = cellsInKeyOrder(sums);
    let values: unknown[] = [];
    for (let n = 0; n < order.length; n++) {
      const i = order[n]!;
      const key = sums.keys[i]!;
      values.push(run.build.runId);
      for (let k = 0; k < keys.length; k++) values.push(key[k]);
      for (let v = 0; v < sumNames.length; v++) values.push(sums.value(i, v));
      // The key columns past the table's own (act > 0, scaled) only split cells; a column stored after the sums is the key's last.
      if (tailNames.length > 0) values.push(key.at(-1));
      const rows = values.length / columns.length;
      if (rows === CELLS_PER_INSERT || n === order.length - 1) {
        (rows === CELLS_PER_INSERT ? full : statement(rows)).run(values);
        values = [];
      }
    }
  };
  write('accuracy_cells', LINE_KEYS, LINE_SUMS, run.lines as CellSums<unknown>, ['bench_once']);
  write('accuracy_override_cells', OVERRIDE_KEYS, OVERRIDE_SUMS, run.overrides as CellSums<unknown>, []);
  // The override slices' rollup (override-rollup.ts), from the same cells: one change keeps both current.
  writeOverrideRollup(db, run.build.runId, run.overrides as CellSums<unknown>, [...OVERRIDE_KEYS, 'pos', 'scaled'], OVERRIDE_SUMS);
}
