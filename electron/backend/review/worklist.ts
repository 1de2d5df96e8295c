// The Review worklist: a run's lines, filtered, sorted and paged in SQL; or
// grouped by item, each item's lines together under a header row, the items in
// the order of the sort (by default the highest exception of their lines).
//
// Scrolling only changes the offset, so what does not depend on it is kept per
// filter (and sort): the filtered set's count and the grouped layout (each item's
// place in the list). A page then costs one indexed query for its own rows. What
// a decision cannot move is kept across decisions (issue 14, a 1M-line run): the
// layout of a view that reads no line state (a decision changes a line's status,
// not its item's place; the page counts its items' decided lines itself), and a
// status view's count as if nothing were decided, to which the run's decided
// lines add their own difference. The default grouped view's layout is also kept
// in the workbook (group-layout.ts), so its first open in a process reads it.
import type { ForecastLinePage, ForecastLineRow, ItemGroupHeader } from '../../../shared/domain';
import type { ParsedRequestOf, RunLineSortColumn } from '../../../shared/contract';
import { lineLock, type LinePolicy } from '../../../shared/decision-rules';
import { periodFromKey } from '../../../shared/period';
import type { ReadContext } from '../context';
import type { ReadableDb } from '../db/handles';
import { policyResolver } from '../decisions/policy';
import { DerivedMemo, SourcesMemo } from '../derived/registry';
import { EXCEPTION_REASON_COLUMNS, EXCEPTION_REASON_JOINS, exceptionReasonsOf, type ExceptionReasonInputs } from '../exceptions/reasons';
import { WorkbenchError } from '../errors';
import { keptRunCells } from '../queries/run-overview';
import { DEFAULT_GROUP_SORT, groupLayout, keptDefaultLayout, type GroupSlot } from './group-layout';
import { lineFilterSql, STATUS_BEFORE_DECISIONS, UNDECIDED_STATE_SQL, type LineFilter, type LineFilterSql } from './line-filter';

type RunLinesRequest = ParsedRequestOf<'getRunLines'>;

// Whitelisted ORDER BY expressions: the request names a column, never SQL. The line id
// last makes every order total, so pages never overlap or leave a line out.
const SORT_SQL: Record<RunLineSortColumn, string> = {
  exception: 'e.score, i.item_id, l.period, l.line_id',
  item: 'i.item_id, loc.location_id, l.period, l.line_id',
  period: 'l.period, i.item_id, loc.location_id, l.line_id',
  lag: 'l.lag, i.item_id, loc.location_id, l.line_id',
  quantity: 'l.quantity, i.item_id, l.period, l.line_id',
  lower: 'l.lower, i.item_id, l.period, l.line_id',
  upper: 'l.upper, i.item_id, l.period, l.line_id',
  category: 'i.category, i.item_id, l.period, l.line_id',
  width: '(l.upper - l.lower), i.item_id, l.period, l.line_id',
};

const LINE_COLUMNS = `l.line_id AS lineId, i.item_id AS itemId, i.name AS itemName, i.category, i.abc_class AS abcClass,
       i.owner_id AS owner, loc.location_id AS locationId, l.period, l.lag, l.quantity, l.lower, l.upper,
       coalesce(e.score, 0) AS exceptionScore, ${EXCEPTION_REASON_COLUMNS}, s.quantity AS salesInput,
       coalesce(ls.status, 'undecided') AS status, coalesce(ls.final_quantity, l.quantity) AS finalQuantity,
       coalesce(ls.source, 'model') AS planSource, ls.reason_code AS reasonCode, ls.decided_by AS decidedBy, act.quantity AS actual`;

const LINE_JOINS = `JOIN items i ON i.item_key = l.item_key JOIN locations loc ON loc.location_key = l.location_key
       ${EXCEPTION_REASON_JOINS}
       LEFT JOIN line_state ls ON ls.line_id = l.line_id
       LEFT JOIN sales_inputs s ON s.item_key = l.item_key AND s.location_key = l.location_key AND s.period = l.period AND s.superseded_at IS NULL
       LEFT JOIN actuals act ON act.item_key = l.item_key AND act.location_key = l.location_key AND act.period = l.period AND act.superseded_at IS NULL`;

/** What the sorts and the filter need besides the scores (e). */
const ITEM_AND_STATE_JOINS = `JOIN items i ON i.item_key = l.item_key JOIN locations loc ON loc.location_key = l.location_key
       LEFT JOIN line_state ls ON ls.line_id = l.line_id`;

/** What the sorts and the filter need, without the columns only a page shows. */
const ORDER_JOINS = `${ITEM_AND_STATE_JOINS}
       LEFT JOIN line_exceptions e ON e.line_id = l.line_id`;

type RawLine = Omit<ForecastLineRow, 'period' | 'exceptionReasons' | 'frozen' | 'freezeLags' | 'lock' | 'policy'> & { period: number } & ExceptionReasonInputs;

const counts = new DerivedMemo<number>('worklist line counts', 16);
/**
 * The count of a filter that reads only the lines and their items (no status): kept
 * while those stand still, so a decision does not cost a count of a 1M-line run.
 */
const stateFreeCounts = new SourcesMemo<number>('worklist line counts without status', ['lines', 'runs', 'imports'], 16);
/**
 * A status view's count as if no line were decided: it reads the lines, their
 * items and the actuals (closed lines), not the decisions.
 */
const undecidedStateCounts = new SourcesMemo<number>('worklist status counts before decisions', ['lines', 'runs', 'imports', 'history'], 16);
/** The first and last line id of a run: where its decided lines are, in line_state's own order. */
const lineRanges = new SourcesMemo<{ first: number | null; last: number | null }>('worklist run line ranges', ['lines', 'runs'], 16);
const layouts = new DerivedMemo<GroupSlot[]>('worklist item layouts', 4);
/**
 * The layout of a view that reads no line state: kept while the lines, the items and
 * the exception scores (their sources) stand still, so a decision does not lay out a
 * 1M-line run again.
 */
const stateFreeLayouts = new SourcesMemo<GroupSlot[]>('worklist item layouts without status', ['lines', 'runs', 'imports', 'history', 'drift'], 4);
/** The flat list's line ids in order, per run, filter and sort (400 KB for 100 000 lines). */
const orders = new DerivedMemo<Int32Array>('worklist line orders', 4);

/** The filter as a cache key: the same conditions in any key order are the same filter. */
function filterKey(req: RunLinesRequest): string {
  const f = req.filter;
  return JSON.stringify(Object.keys(f).sort().map((k) => [k, f[k as keyof typeof f]]));
}

/** A page of the worklist; the run's exception scores are current (api.ts declares them). */
export function getRunLines({ db }: ReadContext, req: RunLinesRequest): ForecastLinePage {
  const run = db.prepare('SELECT run_id FROM forecast_runs WHERE run_id = ?').get(req.runId);
  if (!run) throw new WorkbenchError('NOT_FOUND', `Forecast run ${req.runId} does not exist.`);
  const filter = lineFilterSql(db, req.runId, req.filter);
  return req.groupByItem ? groupedPage(db, req, filter) : flatPage(db, req, filter);
}

function flatPage(db: ReadableDb, req: RunLinesRequest, filter: LineFilterSql): ForecastLinePage {
  const direction = req.sort.direction === 'desc' ? 'DESC' : 'ASC';
  const order = SORT_SQL[req.sort.column]
    .split(', ')
    .map((expr) => `${expr} ${direction}`)
    .join(', ');
  if (req.offset === 0) {
    // The first page of a view: the top of the sort (SQLite keeps only the best `limit` rows) and the count.
    const total = filter.readsState
      ? counts.get(db, `${req.runId}|${filterKey(req)}`, () => statusViewCount(db, req.runId, req.filter, filter))
      : stateFreeCounts.get(db, `${req.runId}|${filterKey(req)}`, () => {
          // Only the joins the filter reads: every line has its item (a foreign key); counting
          // the run's index alone is a third of the work at 1M lines.
          const joins = filter.readsItem ? 'JOIN items i ON i.item_key = l.item_key' : '';
          return db.prepare(`SELECT count(*) FROM forecast_lines l ${joins} WHERE ${filter.where}`).pluck().get(filter.params) as number;
        });
    // The top `limit` ids over the sort's own joins first, then the page's columns for those
    // alone: joined before the sort, the page-only columns (sales input, actual) cost a
    // lookup for every line of the run.
    const topIds =
      topByScore(db, req, filter, order, total) ??
      (db
        .prepare(`SELECT l.line_id FROM forecast_lines l ${ORDER_JOINS} WHERE ${filter.where} ORDER BY ${order} LIMIT @limit`)
        .pluck()
        .all({ ...filter.params, limit: req.limit }) as number[]);
    return { runId: req.runId, total, lineTotal: total, offset: 0, rows: finishLines(db, linesById(db, topIds)) };
  }
  // Scrolling: the whole list's order once (line ids), then each page by its ids, rather
  // than sorting every line again and skipping `offset` of them for every page.
  const ids = orders.get(db, `${req.runId}|${req.sort.column}|${req.sort.direction}|${filterKey(req)}`, () =>
    Int32Array.from(db.prepare(`SELECT l.line_id FROM forecast_lines l ${ORDER_JOINS} WHERE ${filter.where} ORDER BY ${order}`).pluck().all(filter.params) as number[]),
  );
  const pageIds = ids.subarray(req.offset, req.offset + req.limit);
  return { runId: req.runId, total: ids.length, lineTotal: ids.length, offset: req.offset, rows: finishLines(db, linesById(db, [...pageIds])) };
}

/**
 * A view that reads line state, counted as the lines' count as if none were decided
 * (kept across decisions) plus, for the run's lines that have a state, what their
 * state changes: counted with it, less counted without it. Exactly the direct count,
 * at the cost of the run's decided lines rather than all of its lines.
 */
function statusViewCount(db: ReadableDb, runId: number, request: LineFilter, filter: LineFilterSql): number {
  const itemJoin = filter.readsItem ? 'JOIN items i ON i.item_key = l.item_key' : '';
  // A status alone, or with a lag: the run's kept cells count it before decisions (queries/run-overview.ts), even on a first open.
  const cells = Object.keys(request).every((k) => k === 'status' || k === 'lag') ? keptRunCells(db, runId) : null;
  const holds = STATUS_BEFORE_DECISIONS[request.status!];
  const asUndecided = cells
    ? cells.cells
        .filter((c) => request.lag === undefined || c.lag === request.lag)
        .reduce((n, c) => n + (holds === 'open' ? c.lines - c.closed : holds === 'closed' ? c.closed : 0), 0)
    : undecidedStateCounts.get(db, `${runId}|${filter.where}|${JSON.stringify(filter.params)}`, () =>
        db.prepare(`SELECT count(*) FROM forecast_lines l ${itemJoin} ${UNDECIDED_STATE_SQL} WHERE ${filter.where}`).pluck().get(filter.params) as number,
      );
  const range = cells
    ? { first: cells.lineIds?.[0] ?? null, last: cells.lineIds?.[1] ?? null }
    : lineRanges.get(db, String(runId), () =>
        db.prepare('SELECT min(line_id) AS first, max(line_id) AS last FROM forecast_lines WHERE run_id = ?').get(runId) as { first: number | null; last: number | null },
      );
  if (range.first === null) return asUndecided;
  // From line_state's own key over the run's range of line ids: only lines someone decided.
  const decidedLines = (state: string) =>
    db
      .prepare(
        `SELECT count(*) FROM line_state d CROSS JOIN forecast_lines l ON l.line_id = d.line_id ${itemJoin} ${state}
          WHERE d.line_id BETWEEN @first AND @last AND ${filter.where}`,
      )
      .pluck()
      .get({ ...filter.params, first: range.first, last: range.last }) as number;
  return asUndecided + decidedLines('JOIN line_state ls ON ls.line_id = d.line_id') - decidedLines(UNDECIDED_STATE_SQL);
}

/**
 * The default view's first page (highest exception first) read from the top of the
 * run's scores in order (line_exception_order) rather than by sorting every line of the run:
 * SQLite then sorts only lines of equal score and stops after `limit`. Lines without
 * a score come after every scored one, so when the scored lines do not fill the page
 * this gives up (null) and the full sort answers; an ordered row whose score by line is
 * gone (another program deleted it) is passed over, as the full sort puts that line after
 * every scored one. Only for a filter that keeps at
 * least one line in 20, so the walk reads about a twentieth of the run at most.
 */
function topByScore(db: ReadableDb, req: RunLinesRequest, filter: LineFilterSql, order: string, total: number): number[] | null {
  if (req.sort.column !== 'exception' || req.sort.direction !== 'desc' || total < 20 * req.limit) return null;
  const ids = db
    .prepare(
      `SELECT l.line_id FROM line_exception_order e CROSS JOIN line_exceptions kept ON kept.line_id = e.line_id AND kept.score = e.score
        CROSS JOIN forecast_lines l ON l.line_id = e.line_id ${ITEM_AND_STATE_JOINS}
        WHERE e.run_id = @runId AND ${filter.where} ORDER BY ${order} LIMIT @limit`,
    )
    .pluck()
    .all({ ...filter.params, limit: req.limit }) as number[];
  return ids.length === req.limit ? ids : null;
}

/** A page's lines with every column the grid shows, in the order of `ids`. */
function linesById(db: ReadableDb, ids: number[]): RawLine[] {
  if (ids.length === 0) return [];
  return db
    .prepare(`SELECT ${LINE_COLUMNS} FROM json_each(@ids) g CROSS JOIN forecast_lines l ON l.line_id = g.value ${LINE_JOINS} ORDER BY g.key`)
    .all({ ids: JSON.stringify(ids) }) as RawLine[];
}

function groupedPage(db: ReadableDb, req: RunLinesRequest, filter: LineFilterSql): ForecastLinePage {
  // The default view (no filter, highest exception first) on its first open in a process: its layout as kept in the workbook.
  const isDefault = Object.keys(req.filter).length === 0 && req.sort.column === DEFAULT_GROUP_SORT.column && req.sort.direction === DEFAULT_GROUP_SORT.direction;
  const slots = (filter.readsState ? layouts : stateFreeLayouts).get(
    db,
    `${req.runId}|${req.sort.column}|${req.sort.direction}|${filterKey(req)}`,
    () => (isDefault ? keptDefaultLayout(db, req.runId) : null) ?? groupLayout(db, req.sort, filter),
  );
  const last = slots.at(-1);
  const total = last ? last.start + last.lines + 1 : 0;
  const lineTotal = total - slots.length;
  const end = Math.min(req.offset + req.limit, total);

  // The first item whose rows reach the page (binary search on start), then every item up to its end.
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slots[mid]!.start + slots[mid]!.lines < req.offset) lo = mid + 1;
    else hi = mid;
  }
  const onPage: GroupSlot[] = [];
  for (let g = lo; g < slots.length && slots[g]!.start < end; g++) onPage.push(slots[g]!);

  // The page's items' lines, each item's in location and period order (CROSS JOIN:
  // from the few keys into the run's index, never the run's lines scanned for the keys).
  const raw = onPage.length
    ? (db
        .prepare(
          `SELECT ${LINE_COLUMNS}, g.key AS groupOrder
             FROM json_each(@itemKeys) g CROSS JOIN forecast_lines l ON l.item_key = g.value AND l.run_id = @runId ${LINE_JOINS}
            WHERE ${filter.where}
            ORDER BY g.key, loc.location_id, l.period`,
        )
        .all({ ...filter.params, itemKeys: JSON.stringify(onPage.map((s) => s.itemKey)) }) as (RawLine & { groupOrder: number })[])
    : [];
  const groupOrders = raw.map((r) => r.groupOrder);
  const lines = finishLines(db, raw);

  const bySlot = onPage.map((): ForecastLineRow[] => []);
  lines.forEach((line, i) => bySlot[groupOrders[i]!]!.push(line));
  const rows: ForecastLineRow[] = [];
  const groups: ItemGroupHeader[] = [];
  onPage.forEach((slot, k) => {
    const { itemKey: _key, start, ...header } = slot;
    // Every line of the item in the view is read above: its decided ones are counted from them.
    const decided = bySlot[k]!.filter((line) => line.status !== 'undecided').length;
    if (start >= req.offset) groups.push({ index: start, ...header, decided });
    bySlot[k]!.forEach((line, j) => {
      const index = start + 1 + j;
      if (index >= req.offset && index < end) rows.push(line);
    });
  });
  return { runId: req.runId, total, lineTotal, itemTotal: slots.length, offset: req.offset, rows, groups };
}

/**
 * Periods as ISO dates, reasons as values, the governing policy's thresholds, and
 * whether a decision may change the line: the same lineLock the backend refuses with.
 */
function finishLines(db: ReadableDb, rows: (RawLine & { groupOrder?: number })[]): ForecastLineRow[] {
  const policyOf = policyResolver(db);
  return rows.map(({ groupOrder: _order, keptScore, keptReference, keptRunRate, keptHistory, keptErrAbs, keptErrAct, keptDrift, ...r }) => {
    const p = policyOf({ category: r.category, abcClass: r.abcClass });
    const policy: LinePolicy = {
      segmentType: p.segmentType,
      segmentValue: p.segmentValue,
      freezeLags: p.freezeLags,
      approvalPct: p.approvalPct,
      approvalUnits: p.approvalUnits,
      commentPct: p.commentPct,
    };
    const period = periodFromKey(r.period);
    return {
      ...r,
      period,
      exceptionReasons: exceptionReasonsOf({ ...r, keptScore, keptReference, keptRunRate, keptHistory, keptErrAbs, keptErrAct, keptDrift }),
      frozen: r.lag <= p.freezeLags,
      freezeLags: p.freezeLags,
      lock: lineLock({ lag: r.lag, period, actual: r.actual }, p),
      policy,
    };
  });
}
