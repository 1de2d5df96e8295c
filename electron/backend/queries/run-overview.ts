// A run's overview (Review's first call when a run opens): the history of the
// run's items up to its origin, the forecast by period and lag, the categories
// and owners there are. Computed from every line of the run and every actual of
// its items (seconds at 1M lines), so it is kept in the workbook per run as
// derived data (derived/registry.ts), built after the import that brings the
// run (imports/handlers.ts) and brought up to date by what moved since:
// - new actuals recompute the history of their periods at or before the origin
//   (a value that supersedes another has a new id and the same period);
// - new lines of the run, items re-imported (their category or owner), an import
//   undone or ids gone down rebuild the run's overview;
// - decisions change none of it.
// Beside the overview it keeps what Review's views by status count before any
// decision (review/worklist.ts): each cell's closed lines (actual known), and the
// run's first and last line id; new actuals recount the cells of their periods.
import type { RunOverview } from '../../../shared/domain';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../../shared/period';
import { REBUILD_ALL_KINDS } from '../accuracy/cube-change';
import type { ReadableDb, WritableDb } from '../db/handles';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import { derivedTable, isCurrent, metaStampRecord, need, type DerivedNeed, type SourceChange } from '../derived/registry';
import { WorkbenchError } from '../errors';
import { startOverviewThread, takeOverviewFromThread } from './run-overview-thread';
import { ACTUAL_KNOWN_SQL } from '../review/line-filter';
import { dropWrittenLines, servingWrittenLines, type WrittenRunLines } from '../exceptions/written-lines';

/** What is kept per run: every period of history up to the origin, the forecast cells, the categories and owners. */
interface KeptOverview {
  /** [period key, actual, items] */
  history: [number, number, number][];
  /** [period key, lag, quantity, lines, closed lines], ordered by period and lag */
  forecast: [number, number, number, number, number][];
  /** The run's first and last line id (null: no lines). */
  lineIds: [number, number] | null;
  categories: string[];
  owners: string[];
}

const FORMAT = 2;
const dataKey = (runId: number) => `run_overview:${runId}`;
const stampKey = (runId: number) => `run_overview_stamp:${runId}`;


interface RunRow {
  runId: number;
  origin: number;
  grain: Grain;
}

const runRow = (db: ReadableDb, runId: number) =>
  db.prepare('SELECT run_id AS runId, origin, grain FROM forecast_runs WHERE run_id = ?').get(runId) as RunRow | undefined;

/**
 * History of the run's own items only, so the two series add up like for like; periods from `from` to `to`.
 * `itemKeys`: the run's items as a JSON array, when known (an import's kept lines), instead of a pass over its lines.
 */
function historyBetween(db: ReadableDb, runId: number, from: number, to: number, itemKeys?: string): [number, number, number][] {
  return db
    .prepare(
      `SELECT a.period, sum(a.quantity) AS actual, count(DISTINCT a.item_key) AS items
         FROM actuals a
        WHERE a.superseded_at IS NULL AND a.period BETWEEN ? AND ?
          AND a.item_key IN (${itemKeys === undefined ? 'SELECT DISTINCT item_key FROM forecast_lines WHERE run_id = ?' : 'SELECT value FROM json_each(?)'})
        GROUP BY a.period ORDER BY a.period`,
    )
    .raw()
    .all(from, to, itemKeys ?? runId) as [number, number, number][];
}

/** The overview of `runId` as kept (a run's overview thread computes it with this); null when the run does not exist. */
export function overviewOfRun(db: ReadableDb, runId: number): KeptOverview | null {
  const run = runRow(db, runId);
  return run ? computeOverview(db, run) : null;
}

/**
 * Whether any current actual falls at or after the run's first period: when none does, no line of the run is
 * closed, and its cells are counted without a look-up of an actual per line (a third of the overview of a new
 * 1M-line run). The first period comes from the run's index alone; newest actuals are looked at first.
 */
function actualsReachRun(db: ReadableDb, runId: number): boolean {
  return actualsFrom(db, db.prepare('SELECT min(period) FROM forecast_lines WHERE run_id = ?').pluck().get(runId) as number | null);
}

/** Whether any current actual falls at or after `first` (a run's first period; null: no lines). */
function actualsFrom(db: ReadableDb, first: number | null): boolean {
  if (first === null) return false;
  return db.prepare('SELECT 1 FROM actuals WHERE superseded_at IS NULL AND period >= ? ORDER BY actual_id DESC LIMIT 1').get(first) !== undefined;
}

/** Per period and lag of the run's lines (those of `periods` only, when given): quantity, lines, closed lines, first and last line id. */
function cellsOf(db: ReadableDb, runId: number, periods?: number[]): [number, number, number, number, number, number, number][] {
  // A run's cells recounted for new actuals (`periods`) have actuals that reach it: no need to ask.
  const closed = periods || actualsReachRun(db, runId) ? ACTUAL_KNOWN_SQL : '0';
  return db
    .prepare(
      `SELECT l.period, l.lag, sum(l.quantity), count(*), sum(${closed}), min(l.line_id), max(l.line_id)
         FROM forecast_lines l WHERE l.run_id = @runId ${periods ? 'AND l.period IN (SELECT value FROM json_each(@periods))' : ''}
        GROUP BY l.period, l.lag ORDER BY l.period, l.lag`,
    )
    .raw()
    .all({ runId, ...(periods ? { periods: JSON.stringify(periods) } : {}) }) as [number, number, number, number, number, number, number][];
}

export function computeOverview(db: ReadableDb, run: RunRow): KeptOverview {
  const cells = cellsOf(db, run.runId);
  const forecast = cells.map(([period, lag, quantity, lines, closed]) => [period, lag, quantity, lines, closed] as [number, number, number, number, number]);
  const lineIds: [number, number] | null = cells.length === 0 ? null : [Math.min(...cells.map((c) => c[5])), Math.max(...cells.map((c) => c[6]))];
  const column = (sql: string) => db.prepare(sql).pluck().all(run.runId) as string[];
  return {
    history: historyBetween(db, run.runId, 0, run.origin),
    forecast,
    lineIds,
    categories: column('SELECT DISTINCT i.category FROM forecast_lines l JOIN items i ON i.item_key = l.item_key WHERE l.run_id = ? AND i.category IS NOT NULL ORDER BY 1'),
    owners: column('SELECT DISTINCT i.owner_id FROM forecast_lines l JOIN items i ON i.item_key = l.item_key WHERE l.run_id = ? AND i.owner_id IS NOT NULL ORDER BY 1'),
  };
}

/**
 * The overview of a run an import has just written, from the lines it kept (exceptions/written-lines.ts) rather
 * than a pass over a million lines and a sort of them by period and lag (seconds of the second core at 1M lines,
 * issue 14); null when an actual reaches the run, whose closed lines are counted in SQL (computeOverview). Each
 * cell's quantity is summed as SQLite's sum() does (Kahan–Babuška–Neumaier), in line id order.
 */
function overviewFromLines(db: ReadableDb, run: RunRow, w: WrittenRunLines): KeptOverview | null {
  if (actualsFrom(db, firstPeriodOf(w))) return null;
  // Per cell: period, lag, sum, its running error, lines.
  // Per period (a small integer key), its cells by lag: period, lag, sum, the sum's running error, lines.
  const byPeriod = new Map<number, [number, number, number, number, number][]>();
  const items = new Set<number>();
  for (let k = 0; k < w.count; k++) {
    const period = w.period[k]!;
    const lag = w.lag[k]!;
    const q = w.quantity[k]!;
    // An item's lines come together (written together): the set is asked when the item changes.
    if (k === 0 || w.itemKey[k] !== w.itemKey[k - 1]) items.add(w.itemKey[k]!);
    let list = byPeriod.get(period);
    if (!list) byPeriod.set(period, (list = []));
    let c = list.find((x) => x[1] === lag);
    if (!c) list.push((c = [period, lag, 0, 0, 0]));
    const s = c[2];
    const t = s + q;
    c[3] += Math.abs(s) > Math.abs(q) ? s - t + q : q - t + s;
    c[2] = t;
    c[4]++;
  }
  const forecast = [...byPeriod.values()]
    .flat()
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([period, lag, sum, err, lines]) => [period, lag, sum + err, lines, 0] as [number, number, number, number, number]);
  const itemKeys = JSON.stringify([...items]);
  const column = (sql: string) => db.prepare(sql).pluck().all(itemKeys) as string[];
  return {
    history: historyBetween(db, run.runId, 0, run.origin, itemKeys),
    forecast,
    lineIds: w.count === 0 ? null : [w.lineId[0]!, w.lineId[w.count - 1]!],
    categories: column('SELECT DISTINCT category FROM items WHERE item_key IN (SELECT value FROM json_each(?)) AND category IS NOT NULL ORDER BY 1'),
    owners: column('SELECT DISTINCT owner_id FROM items WHERE item_key IN (SELECT value FROM json_each(?)) AND owner_id IS NOT NULL ORDER BY 1'),
  };
}

function firstPeriodOf(w: WrittenRunLines): number | null {
  let first = Infinity;
  for (let k = 0; k < w.count; k++) if (w.period[k]! < first) first = w.period[k]!;
  return w.count === 0 ? null : first;
}

/**
 * The periods whose history a change touches, or 'all' when the run's overview
 * is to be built again: where the ids cannot tell what changed, or the run's own
 * lines or its items moved.
 */
function touchedHistory(db: WritableDb, runId: number, { built, now }: SourceChange): number[] | 'all' {
  const [bi, ni, bh, nh, bl, nl] = [built?.imports, now.imports, built?.history, now.history, built?.lines, now.lines];
  if (!bi || !ni || !bh || !nh || !bl || !nl) return 'all';
  const wentDown = (b: number | null, n: number | null) => (n ?? 0) < (b ?? 0);
  if (bi.undone !== ni.undone || wentDown(bi.batch, ni.batch) || wentDown(bh.actual, nh.actual) || wentDown(bl.line, nl.line)) return 'all';
  // A line edited or deleted in place by another program: its id does not say which run's.
  if (bl.edits !== nl.edits) return 'all';
  if (ni.batch !== bi.batch) {
    const kinds = db.prepare('SELECT DISTINCT kind FROM import_batches WHERE batch_id > ?').pluck().all(bi.batch ?? 0) as string[];
    if (kinds.some((k) => REBUILD_ALL_KINDS.includes(k))) return 'all';
  }
  // Lines added since, by id (a rowid range): any of this run's?
  if (nl.line !== bl.line && db.prepare('SELECT 1 FROM forecast_lines WHERE line_id > ? AND run_id = ? LIMIT 1').get(bl.line ?? 0, runId)) return 'all';
  if (nh.actual === bh.actual) return [];
  return db.prepare('SELECT DISTINCT period FROM actuals WHERE actual_id > ? ORDER BY period').pluck().all(bh.actual ?? 0) as number[];
}

export const runOverviews = derivedTable<number>({
  name: 'run overviews',
  sources: ['lines', 'runs', 'imports', 'history'],
  format: FORMAT,
  record: metaStampRecord(stampKey),
  // Built anew (no overview kept, or what moved asks for all of it): on another thread while the run's scores are written.
  ahead(db, runId, change) {
    if (!runRow(db, runId)) return;
    // An import's kept lines make it a moment's work here (overviewFromLines): no thread then.
    const lines = servingWrittenLines(db, runId);
    if (lines !== null && !actualsFrom(db, firstPeriodOf(lines))) return;
    if (readMeta(db, dataKey(runId)) === null || touchedHistory(db, runId, change) === 'all') startOverviewThread(db, runId, runOverviews.sources);
  },
  refresh(db, runId, change) {
    const run = runRow(db, runId);
    if (!run) {
      deleteMeta(db, dataKey(runId), stampKey(runId));
      return null;
    }
    const keptText = readMeta(db, dataKey(runId));
    const touched = keptText === null ? 'all' : touchedHistory(db, runId, change);
    let kept: KeptOverview;
    if (touched === 'all') {
      const lines = servingWrittenLines(db, runId);
      kept = (lines && overviewFromLines(db, run, lines)) ?? takeOverviewFromThread<KeptOverview>(db, runId, change.now) ?? computeOverview(db, run);
    }
    else {
      kept = JSON.parse(keptText!) as KeptOverview;
      const periods = touched.filter((p) => p <= run.origin);
      // New actuals of the run's own periods close lines: those cells' closed lines are counted again.
      const linePeriods = touched.filter((p) => kept.forecast.some((c) => c[0] === p));
      if (periods.length === 0 && linePeriods.length === 0) return 0;
      if (periods.length > 0) {
        const fresh = historyBetween(db, runId, periods[0]!, periods.at(-1)!).filter(([p]) => periods.includes(p));
        const history = new Map(kept.history.filter(([p]) => !periods.includes(p)).map((h) => [h[0], h]));
        for (const h of fresh) history.set(h[0], h);
        kept.history = [...history.values()].sort((a, b) => a[0] - b[0]);
      }
      if (linePeriods.length > 0) {
        const closed = new Map(cellsOf(db, runId, linePeriods).map((c) => [`${c[0]}|${c[1]}`, c[4]]));
        for (const cell of kept.forecast) if (linePeriods.includes(cell[0])) cell[4] = closed.get(`${cell[0]}|${cell[1]}`) ?? 0;
      }
    }
    writeMeta(db, dataKey(runId), JSON.stringify(kept));
    // The last of an import's warm-ups that reads its kept lines (imports/effects.ts).
    dropWrittenLines(db);
    return 1;
  },
});

/** The overview of a run, wanted current. */
export const runOverviewOf = (runId: number): DerivedNeed => need(runOverviews, runId);

/** After new data arrives: the newest run's overview, so opening it is not the call that pays. */
export function newestRunOverview(db: ReadableDb): DerivedNeed[] {
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number | undefined;
  return runId === undefined ? [] : [runOverviewOf(runId)];
}

/**
 * What a view by status counts before decisions, kept for the run: per period and
 * lag its lines and closed lines, and its first and last line id; null unless
 * kept and current (then the caller counts in SQL).
 */
export function keptRunCells(db: ReadableDb, runId: number): { cells: { lag: number; lines: number; closed: number }[]; lineIds: [number, number] | null } | null {
  const keptText = readMeta(db, dataKey(runId));
  if (keptText === null || !isCurrent(db, [runOverviewOf(runId)])) return null;
  const kept = JSON.parse(keptText) as KeptOverview;
  return { cells: kept.forecast.map(([, lag, , lines, closed]) => ({ lag, lines, closed })), lineIds: kept.lineIds };
}

/**
 * The overview of `runId` with `historyBuckets` buckets of history up to its
 * origin, from what is kept (dispatch brought it current); a read-only look at a
 * workbook whose kept overview is not current computes it on the spot.
 */
export function runOverview(db: ReadableDb, runId: number, historyBuckets: number): RunOverview {
  const row = runRow(db, runId);
  if (!row) throw new WorkbenchError('NOT_FOUND', `Forecast run ${runId} does not exist.`);
  const keptText = readMeta(db, dataKey(runId));
  const kept = keptText !== null && isCurrent(db, [runOverviewOf(runId)]) ? (JSON.parse(keptText) as KeptOverview) : computeOverview(db, row);
  const origin = periodFromKey(row.origin);
  const firstHistory = periodKey(addBuckets(origin, -(historyBuckets - 1), row.grain));
  const forecast: RunOverview['forecast'] = [];
  for (const [period, lag, quantity, lines] of kept.forecast) {
    const last = forecast.at(-1);
    const iso = periodFromKey(period);
    // Ordered by lag within a period: the first cell of a period holds its lowest lag.
    if (last?.period === iso) {
      last.quantity += quantity;
      last.lines += lines;
    } else forecast.push({ period: iso, lag, quantity, lines });
  }
  return {
    runId,
    origin,
    history: kept.history.filter(([p]) => p >= firstHistory && p <= row.origin).map(([p, actual, items]) => ({ period: periodFromKey(p), actual, items })),
    forecast,
    categories: kept.categories,
    owners: kept.owners,
    lags: [...new Set(kept.forecast.map((c) => c[1]))].sort((a, b) => a - b),
  };
}
