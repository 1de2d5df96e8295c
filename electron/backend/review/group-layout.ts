// The grouped worklist's layout: each item's place in the list (its header row's
// position, its lines right after), the items in the order of the sort. Laid out
// in SQL per view; the default view's (no filter, highest exception first) is also
// kept in the workbook per run as derived data beside the exception scores, laid
// out in the same refresh, so a first open in a new process reads it instead of
// grouping and ordering a 1M-line run (issue 14).
import type { ItemGroupHeader } from '../../../shared/domain';
import type { RunLineSortColumn } from '../../../shared/contract';
import type { ReadableDb, WritableDb } from '../db/handles';
import type { ScoredItems } from '../exceptions/score';
import { deleteMeta, readMeta, writeMeta } from '../db/meta';
import { onlyActualsAfter } from '../derived/actuals-after';
import { derivedTable, isCurrent, metaStampRecord, need, type DerivedNeed, type SourceChange } from '../derived/registry';
import { movedSources, readSourceStamp } from '../derived/sources';
import type { LineFilterSql } from './line-filter';

/** An item's place in the grouped list: its header at `start`, its lines right after (its decided lines are counted with its page). */
export interface GroupSlot extends Omit<ItemGroupHeader, 'index' | 'decided'> {
  itemKey: number;
  start: number;
}

/**
 * Grouped by item: what orders the items for each sort, an aggregate over the
 * item's filtered lines (l, e) or the item itself (i, after grouping).
 */
const GROUP_SORT_SQL: Record<RunLineSortColumn, { aggregate: string; order: string }> = {
  exception: { aggregate: 'max(coalesce(e.score, 0))', order: 'g.sortKey' },
  item: { aggregate: 'NULL', order: 'i.item_id' },
  period: { aggregate: 'min(l.period)', order: 'g.sortKey' },
  lag: { aggregate: 'min(l.lag)', order: 'g.sortKey' },
  quantity: { aggregate: 'sum(l.quantity)', order: 'g.sortKey' },
  lower: { aggregate: 'sum(l.lower)', order: 'g.sortKey' },
  upper: { aggregate: 'sum(l.upper)', order: 'g.sortKey' },
  category: { aggregate: 'NULL', order: 'i.category' },
  width: { aggregate: 'max(l.upper - l.lower)', order: 'g.sortKey' },
};

/** Each item's place in the grouped list, in the sort's order: ordered and positioned in SQL. */
export function groupLayout(db: ReadableDb, sort: { column: RunLineSortColumn; direction: 'asc' | 'desc' }, filter: LineFilterSql): GroupSlot[] {
  const direction = sort.direction === 'desc' ? 'DESC' : 'ASC';
  const by = GROUP_SORT_SQL[sort.column];
  const order = `${by.order} ${direction}, i.item_id ${direction}`;
  // Aggregate per item first (grouping follows the (run_id, item_key) index), then
  // join the items' own columns to the groups only, and order those.
  return db
    .prepare(
      `WITH g AS (
         SELECT l.item_key, count(*) AS lines, max(coalesce(e.score, 0)) AS maxExceptionScore, ${by.aggregate} AS sortKey
           FROM forecast_lines l JOIN items i ON i.item_key = l.item_key
           LEFT JOIN line_exceptions e ON e.line_id = l.line_id
           ${filter.readsState ? 'LEFT JOIN line_state ls ON ls.line_id = l.line_id' : ''}
          WHERE ${filter.where}
          GROUP BY l.item_key)
       SELECT g.item_key AS itemKey, i.item_id AS itemId, i.name AS itemName, i.owner_id AS owner, i.category, i.abc_class AS abcClass,
              g.lines, g.maxExceptionScore,
              -- The header rows and lines of every item before this one.
              coalesce(sum(g.lines + 1) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS start
         FROM g JOIN items i ON i.item_key = g.item_key
        ORDER BY ${order}`,
    )
    .all(filter.params) as GroupSlot[];
}

/**
 * What a run's scoring left for its default layout: its items' lines and highest score, in
 * temporary tables of this connection, written in the scoring's own transaction (so taken
 * back with it), with the stamp of the layout's sources then.
 */
function ensureScoredTables(db: WritableDb): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS fwb_scored_run (run_id INTEGER PRIMARY KEY, stamp TEXT NOT NULL);
           CREATE TEMP TABLE IF NOT EXISTS fwb_scored_items (item_key INTEGER PRIMARY KEY, lines INTEGER NOT NULL, max_score REAL NOT NULL)`);
}

/** Called by the scoring of a run (exceptions/cache.ts) inside its transaction, once its scores are written. */
export function offerScoredItems(db: WritableDb, runId: number, items: ScoredItems): void {
  ensureScoredTables(db);
  db.exec('DELETE FROM temp.fwb_scored_run; DELETE FROM temp.fwb_scored_items');
  const insert = db.prepare('INSERT INTO temp.fwb_scored_items (item_key, lines, max_score) VALUES (?, ?, ?)');
  for (let g = 0; g < items.itemKey.length; g++) insert.run(items.itemKey[g], items.lines[g], items.maxScore[g]);
  db.prepare('INSERT INTO temp.fwb_scored_run (run_id, stamp) VALUES (?, ?)').run(runId, JSON.stringify(readSourceStamp(db, LAYOUT_SOURCES)));
}

/**
 * The default layout from what the run's scoring left, when nothing the layout is made of
 * moved since (null: lay it out from the lines): the same order and columns as the query
 * above, which aggregates the same lines and highest scores from the lines. Taken once.
 */
function layoutOfScored(db: WritableDb, runId: number, now: SourceChange['now']): GroupSlot[] | null {
  ensureScoredTables(db);
  try {
    const stamp = db.prepare('SELECT stamp FROM temp.fwb_scored_run WHERE run_id = ?').pluck().get(runId) as string | undefined;
    if (stamp !== JSON.stringify(now)) return null;
    const order = 'g.sortKey DESC, i.item_id DESC';
    return db
      .prepare(
        `WITH g AS (SELECT item_key, lines, max_score AS maxExceptionScore, max_score AS sortKey FROM temp.fwb_scored_items)
         SELECT g.item_key AS itemKey, i.item_id AS itemId, i.name AS itemName, i.owner_id AS owner, i.category, i.abc_class AS abcClass,
                g.lines, g.maxExceptionScore,
                coalesce(sum(g.lines + 1) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS start
           FROM g JOIN items i ON i.item_key = g.item_key
          ORDER BY ${order}`,
      )
      .all() as GroupSlot[];
  } finally {
    db.exec('DELETE FROM temp.fwb_scored_run; DELETE FROM temp.fwb_scored_items');
  }
}

/** The default view's sort: highest exception first (getRunLinesRequest's default). */
export const DEFAULT_GROUP_SORT = { column: 'exception', direction: 'desc' } as const;

/**
 * The slots as kept, column by column (a few long arrays parse in a third less time
 * than 50 000 short ones); `start` follows from the order and the lines.
 */
interface KeptLayout {
  itemKey: number[];
  itemId: string[];
  itemName: string[];
  owner: (string | null)[];
  category: (string | null)[];
  abcClass: (string | null)[];
  lines: number[];
  maxExceptionScore: number[];
}

const FORMAT = 2;
const dataKey = (runId: number) => `group_layout:${runId}`;
const stampKey = (runId: number) => `group_layout_stamp:${runId}`;

// The run's lines and items, and their exception scores (whose sources these include).
const LAYOUT_SOURCES = ['lines', 'runs', 'imports', 'history', 'drift'] as const;

export const defaultGroupLayouts = derivedTable<number>({
  name: 'default grouped layouts',
  sources: LAYOUT_SOURCES,
  format: FORMAT,
  record: metaStampRecord(stampKey),
  refresh(db, runId, change) {
    const origin = db.prepare('SELECT origin FROM forecast_runs WHERE run_id = ?').pluck().get(runId) as number | undefined;
    if (origin === undefined) {
      deleteMeta(db, dataKey(runId), stampKey(runId));
      return null;
    }
    const kept = readMeta(db, dataKey(runId)) !== null;
    // Made of the run's lines, items and scores: actuals after its origin leave all three as they are (exceptions/cache.ts).
    if (kept && onlyActualsAfter(db, change, origin)) return 0;
    // Only new lines moved (another run's import): kept unless one of them is this run's.
    const moved = movedSources(change.built, change.now);
    const builtLines = change.built?.lines;
    if (
      kept &&
      moved.length === 1 &&
      moved[0] === 'lines' &&
      builtLines?.edits === change.now.lines?.edits &&
      !db.prepare('SELECT 1 FROM forecast_lines WHERE line_id > ? AND run_id = ? LIMIT 1').get(builtLines?.line ?? 0, runId)
    )
      return 0;
    const slots =
      layoutOfScored(db, runId, change.now) ??
      groupLayout(db, DEFAULT_GROUP_SORT, { where: 'l.run_id = @runId', params: { runId }, readsItem: false, readsState: false });
    const layout: KeptLayout = {
      itemKey: slots.map((s) => s.itemKey),
      itemId: slots.map((s) => s.itemId),
      itemName: slots.map((s) => s.itemName),
      owner: slots.map((s) => s.owner),
      category: slots.map((s) => s.category),
      abcClass: slots.map((s) => s.abcClass),
      lines: slots.map((s) => s.lines),
      maxExceptionScore: slots.map((s) => s.maxExceptionScore),
    };
    writeMeta(db, dataKey(runId), JSON.stringify(layout));
    return 1;
  },
});

/** The default grouped layout of a run, wanted current. */
export const defaultGroupLayoutOf = (runId: number): DerivedNeed => need(defaultGroupLayouts, runId);

/** The default grouped layout of a run as kept; null unless kept and current (then the caller lays it out in SQL). */
export function keptDefaultLayout(db: ReadableDb, runId: number): GroupSlot[] | null {
  const text = readMeta(db, dataKey(runId));
  if (text === null || !isCurrent(db, [defaultGroupLayoutOf(runId)])) return null;
  const k = JSON.parse(text) as KeptLayout;
  const slots: GroupSlot[] = new Array(k.itemKey.length);
  let start = 0;
  for (let g = 0; g < slots.length; g++) {
    slots[g] = {
      itemKey: k.itemKey[g]!,
      itemId: k.itemId[g]!,
      itemName: k.itemName[g]!,
      owner: k.owner[g]!,
      category: k.category[g]!,
      abcClass: k.abcClass[g]!,
      lines: k.lines[g]!,
      maxExceptionScore: k.maxExceptionScore[g]!,
      start,
    };
    start += k.lines[g]! + 1;
  }
  return slots;
}
