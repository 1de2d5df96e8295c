// The Review screen's state: chosen run, sort and filters, and the worklist's
// rows fetched page by page as the grid scrolls (the backend does the sorting,
// and, grouped by item, places each item's header row and lines).
import { create } from 'zustand';
import type { RunLineSortColumn } from '../../shared/contract';
import type { ApiError, ForecastLineRow, ForecastRunSummary, ItemAttributeFacet, ItemDetail, ItemGroupHeader, LineStatus, RunOverview } from '../../shared/domain';
import { formatPeriod } from '../../shared/format';
import { api } from '../api';
import { useSessionStore } from './session';

export const PAGE_SIZE = 200;

export interface LineFilter {
  text: string;
  category: string;
  owner: string;
  lag: string;
  status: string;
  /** An item attribute (brand, family, abcClass, unit or an imported one) and its value; both or neither. */
  attributeName: string;
  attributeValue: string;
}

/**
 * A short confirmation of what an action did. It belongs to the line and the
 * moment it describes: it shows while that line still stands as it says (an
 * approval or another decision ends it), and goes when the person moves on to
 * another line or someone else signs in.
 */
export interface Notice {
  text: string;
  /** The line it describes and the status it reported; null for notices about many lines (bulk accept). */
  lineId: number | null;
  status: LineStatus | null;
}

/** The notice as it may be shown now: null once its line no longer stands as it said. */
export function currentNotice(state: Pick<ReviewState, 'notice' | 'rows'>): Notice | null {
  const n = state.notice;
  if (!n || n.lineId === null) return n;
  for (const row of state.rows.values()) if (row.lineId === n.lineId) return row.status === n.status ? n : null;
  return n;
}

export interface DecisionInput {
  action: 'accept' | 'override';
  quantity?: number;
  percent?: number;
  useSalesInput?: boolean;
  reasonCode?: string;
  comment?: string;
}

interface ReviewState {
  runs: ForecastRunSummary[];
  runId: number | null;
  overview: RunOverview | null;
  /** The run overview chart's drawer is open (closed by default: the worklist keeps the height). */
  overviewOpen: boolean;
  setOverviewOpen(open: boolean): void;
  sort: { column: RunLineSortColumn; direction: 'asc' | 'desc' };
  filter: LineFilter;
  /** Each item's lines together under a header row. */
  groupByItem: boolean;
  /** The item attributes of the run's items and their values, for the attribute filter. */
  attributes: ItemAttributeFacet[];
  /** Rows of the list: grouped, header rows and lines together. */
  total: number | null;
  /** Lines of the list, and (grouped) items. */
  lineTotal: number | null;
  itemTotal: number | null;
  /** Lines by their index in the sorted, filtered list; missing ones are still loading (or are headers). */
  rows: Map<number, ForecastLineRow>;
  /** Grouped: the item header rows by their index. */
  groups: Map<number, ItemGroupHeader>;
  requestedPages: Set<number>;
  /** Changes with every new query, so late answers to an old query are dropped. */
  queryKey: number;
  selectedIndex: number;
  /** The selected line's item, seen from the chosen run. */
  detail: ItemDetail | null;
  error: ApiError | null;
  loadRuns(preferredRunId?: number | null): Promise<void>;
  selectRun(runId: number): Promise<void>;
  setSort(column: RunLineSortColumn): void;
  setFilter(patch: Partial<LineFilter>): void;
  setGroupByItem(on: boolean): void;
  ensureRows(fromIndex: number, toIndex: number): void;
  /** Selects a line; landing on a group header, moves on in `direction` (1 down, -1 up) to a line. */
  select(index: number, direction?: 1 | -1): void;
  selectedRow(): ForecastLineRow | undefined;
  /** The last refusal or failure of a decision, shown beside the line. */
  decisionError: ApiError | null;
  /** A short confirmation of what the last action did (see currentNotice). */
  notice: Notice | null;
  /** The override editor of the selected line, when open. */
  editor: { quantity: string; useSalesInput: boolean } | null;
  openEditor(useSalesInput?: boolean): void;
  closeEditor(): void;
  decide(input: DecisionInput): Promise<boolean>;
  /** Accepts the selected line and moves on to the next, keeping the confirmation in view. */
  acceptAndAdvance(): Promise<void>;
  undo(): Promise<void>;
  bulkAccept(): Promise<void>;
  nextException(): void;
  refreshLoaded(): Promise<void>;
  /** Opens one line (from the Team panel, the status bar's conflict list): its run, its item's lines, the line selected. */
  openLine(line: { lineId: number; runId: number | null; itemId: string | null }): Promise<void>;
}

/** The form's filter as the API takes it: empty fields mean no condition. */
function filterPayload(filter: LineFilter) {
  return {
    ...(filter.text ? { text: filter.text } : {}),
    ...(filter.category ? { category: filter.category } : {}),
    ...(filter.owner ? { owner: filter.owner } : {}),
    ...(filter.lag ? { lag: Number(filter.lag) } : {}),
    ...(filter.status ? { status: filter.status as never } : {}),
    ...(filter.attributeName && filter.attributeValue ? { attribute: { name: filter.attributeName, value: filter.attributeValue } } : {}),
  };
}

const NO_FILTER: LineFilter = { text: '', category: '', owner: '', lag: '', status: '', attributeName: '', attributeValue: '' };

/** Whether the API request differs: an attribute without its value is no condition yet. */
function filterChanged(a: LineFilter, b: LineFilter): boolean {
  return JSON.stringify(filterPayload(a)) !== JSON.stringify(filterPayload(b));
}

export const useReviewStore = create<ReviewState>((set, get) => {
  /** Direction of the last move, to step off a header row that turns up under the selection. */
  let lastDirection: 1 | -1 = 1;

  async function fetchPage(page: number, queryKey: number): Promise<void> {
    const { runId, sort, filter, groupByItem } = get();
    if (runId === null) return;
    const result = await api.call('getRunLines', {
      runId,
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
      sort,
      filter: filterPayload(filter),
      groupByItem,
    });
    if (get().queryKey !== queryKey) return;
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    const { offset, total } = result.value;
    const rows = new Map(get().rows);
    const groups = new Map(get().groups);
    // The page's slots: its headers where the backend put them, its lines in the others, in order.
    const headers = new Map((result.value.groups ?? []).map((g) => [g.index, g]));
    const lines = result.value.rows;
    for (let index = offset, next = 0; index < Math.min(offset + PAGE_SIZE, total); index++) {
      const header = headers.get(index);
      if (header) {
        groups.set(index, header);
        rows.delete(index);
      } else if (next < lines.length) {
        rows.set(index, lines[next++]!);
        groups.delete(index);
      }
    }
    set({ rows, groups, total, lineTotal: result.value.lineTotal ?? total, itemTotal: result.value.itemTotal ?? null, error: null });
    // A line asked for by openLine: selected once its page is here.
    if (lineToOpen !== null) {
      const found = [...rows].find(([, row]) => row.lineId === lineToOpen);
      if (found) {
        lineToOpen = null;
        get().select(found[0]);
        return;
      }
    }
    // The selection never rests on a header: step on to the line beside it.
    const selected = get().selectedIndex;
    if (groups.has(selected)) {
      // Not the person moving on: what the last action said still holds.
      const notice = get().notice;
      get().select(selected, selected === 0 ? 1 : lastDirection);
      set({ notice });
    }
    else if (page === 0) scheduleDetail();
  }

  // Holding j/k down moves through many lines; load the detail of the one the planner stops on.
  let detailTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleDetail(): void {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(() => void loadDetail(), 120);
  }
  async function loadDetail(): Promise<void> {
    const { runId } = get();
    const row = get().selectedRow();
    if (runId === null || !row) return;
    if (get().detail?.item.itemId === row.itemId && get().detail?.runId === runId) return;
    const result = await api.call('getItemDetail', { runId, itemId: row.itemId, locationId: row.locationId });
    if (result.ok && get().selectedRow()?.itemId === row.itemId) set({ detail: result.value });
  }

  /** The line openLine asked for, and the line still to select once its page is here. */
  let opening: { lineId: number; runId: number | null; itemId: string | null } | null = null;
  let lineToOpen: number | null = null;

  /** Shows a run: its lines, overview and attributes; with a line being opened, that line's item's lines. */
  async function showRun(runId: number): Promise<void> {
    // Switching runs clears the filters; the first run chosen keeps what was typed while it loaded.
    const filter = opening ? { ...NO_FILTER, text: opening.itemId ?? '' } : get().runId === null ? get().filter : NO_FILTER;
    lineToOpen = opening?.lineId ?? null;
    // Ungrouped, so the opened line is on the first page of its item's lines.
    set({ runId, overview: null, filter, attributes: [], ...(opening ? { groupByItem: false } : {}) });
    requery();
    const [overview, attributes] = await Promise.all([api.call('getRunOverview', { runId }), api.call('listItemAttributes', { runId })]);
    if (get().runId !== runId) return;
    if (overview.ok) set({ overview: overview.value });
    if (attributes.ok) set({ attributes: attributes.value.attributes });
  }

  function requery(): void {
    const queryKey = get().queryKey + 1;
    lastDirection = 1;
    set({ queryKey, rows: new Map(), groups: new Map(), requestedPages: new Set([0]), total: null, lineTotal: null, itemTotal: null, selectedIndex: 0 });
    void fetchPage(0, queryKey);
  }

  // Refreshes of the loaded pages (after a decision here, or one announced from elsewhere)
  // run one at a time; asked for while one runs, one more follows it.
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  async function refreshPages(): Promise<void> {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const { requestedPages, queryKey } = get();
        await Promise.all([...requestedPages].map((page) => fetchPage(page, queryKey)));
      } while (refreshAgain);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
  }

  return {
    runs: [],
    runId: null,
    overview: null,
    overviewOpen: false,
    setOverviewOpen(open) {
      if (get().overviewOpen !== open) set({ overviewOpen: open });
    },
    sort: { column: 'exception', direction: 'desc' },
    filter: NO_FILTER,
    groupByItem: false,
    attributes: [],
    total: null,
    lineTotal: null,
    itemTotal: null,
    rows: new Map(),
    groups: new Map(),
    requestedPages: new Set(),
    queryKey: 0,
    selectedIndex: 0,
    detail: null,
    error: null,
    decisionError: null,
    notice: null,
    editor: null,
    openEditor(useSalesInput = false) {
      const row = get().selectedRow();
      if (!row) return;
      if (row.lock) {
        set({ decisionError: { code: 'FORBIDDEN', message: row.lock.message } });
        return;
      }
      if (useSalesInput && row.salesInput === null) {
        set({ decisionError: { code: 'INVALID_REQUEST', message: 'This line has no sales input to adopt.' } });
        return;
      }
      const start = useSalesInput ? row.salesInput! : row.finalQuantity;
      set({ editor: { quantity: String(Math.round(start * 100) / 100), useSalesInput }, decisionError: null });
    },
    closeEditor() {
      set({ editor: null, decisionError: null });
    },
    async decide(input) {
      const row = get().selectedRow();
      if (!row) return false;
      // A closed or frozen line: say why at once, in the backend's words (the backend refuses it too).
      if (row.lock) {
        set({ decisionError: { code: 'FORBIDDEN', message: row.lock.message }, notice: null });
        return false;
      }
      set({ decisionError: null, notice: null });
      const result = await api.call('decideLine', { lineId: row.lineId, ...input });
      if (!result.ok) {
        set({ decisionError: result.error });
        return false;
      }
      const state = result.value.lineState;
      set({
        notice: {
          lineId: row.lineId,
          status: state.status,
          text:
            state.status === 'pending_approval'
              ? `${row.itemId} ${formatPeriod(row.period)}: override waits for a manager’s approval.`
              : `${row.itemId} ${formatPeriod(row.period)}: ${input.action === 'accept' ? 'accepted' : `planned at ${state.finalQuantity}`}.`,
        },
      });
      await get().refreshLoaded();
      return true;
    },
    async acceptAndAdvance() {
      if (!(await get().decide({ action: 'accept' }))) return;
      const { notice, selectedIndex } = get();
      get().select(selectedIndex + 1);
      set({ notice });
    },
    async undo() {
      const { runId } = get();
      set({ decisionError: null, notice: null });
      const result = await api.call('undoLastDecision', runId === null ? {} : { runId });
      if (!result.ok) {
        set({ decisionError: result.error });
        return;
      }
      set({ notice: { lineId: result.value.lineState.lineId, status: result.value.lineState.status, text: `Undone: decision ${result.value.undoneDecisionId}.` } });
      await get().refreshLoaded();
    },
    async bulkAccept() {
      const { runId, filter } = get();
      if (runId === null) return;
      set({ decisionError: null, notice: null });
      const result = await api.call('bulkAccept', {
        runId,
        filter: filterPayload(filter),
      });
      if (!result.ok) {
        set({ decisionError: result.error });
        return;
      }
      const r = result.value;
      set({
        notice: {
          lineId: null,
          status: null,
          text: `Accepted ${r.accepted} lines; skipped ${r.skippedDecided} already decided, ${r.skippedFrozen} frozen${r.skippedPast ? `, ${r.skippedPast} with actuals already known` : ''}.`,
        },
      });
      await get().refreshLoaded();
    },
    nextException() {
      const { rows, groups, selectedIndex, total } = get();
      // The list is in exception order (grouped: items in the order of their worst line): the next undecided line below is the next exception.
      for (let i = selectedIndex + 1; i < (total ?? 0); i++) {
        if (groups.has(i)) continue;
        const row = rows.get(i);
        if (!row) break;
        if (row.status === 'undecided' && !row.lock) {
          get().select(i);
          return;
        }
      }
      get().select(selectedIndex + 1);
    },
    refreshLoaded() {
      return refreshPages();
    },
    async loadRuns(preferredRunId) {
      const result = await api.call('listRuns', {});
      if (!result.ok) {
        set({ error: result.error });
        return;
      }
      const runs = result.value.runs;
      set({ runs });
      const keep = get().runId;
      const next = runs.find((r) => r.runId === keep)?.runId ?? runs.find((r) => r.runId === preferredRunId)?.runId ?? runs[0]?.runId;
      if (next !== undefined) await showRun(runs.find((r) => r.runId === opening?.runId)?.runId ?? next);
    },
    async selectRun(runId) {
      opening = null;
      await showRun(runId);
    },
    setSort(column) {
      opening = null;
      const { sort } = get();
      // Numbers worth a look come biggest first; names and dates start at the top of the alphabet.
      const firstDirection = column === 'exception' || column === 'quantity' || column === 'width' ? 'desc' : 'asc';
      set({ sort: { column, direction: sort.column === column ? (sort.direction === 'asc' ? 'desc' : 'asc') : firstDirection } });
      requery();
    },
    setFilter(patch) {
      opening = null;
      const before = get().filter;
      const filter = { ...before, ...patch };
      set({ filter });
      // Choosing an attribute alone filters nothing yet: wait for its value.
      if (filterChanged(before, filter)) requery();
    },
    setGroupByItem(on) {
      if (get().groupByItem === on) return;
      opening = null;
      set({ groupByItem: on });
      requery();
    },
    ensureRows(fromIndex, toIndex) {
      const { requestedPages, queryKey } = get();
      for (let page = Math.floor(fromIndex / PAGE_SIZE); page <= Math.floor(toIndex / PAGE_SIZE); page++) {
        if (requestedPages.has(page)) continue;
        requestedPages.add(page);
        void fetchPage(page, queryKey);
      }
    },
    select(index, direction = 1) {
      const { total, groups } = get();
      const last = (total ?? 0) - 1;
      let next = Math.max(0, Math.min(index, last));
      if (groups.has(next)) {
        // A header is not a line: step past it, or back the other way at either end of the list.
        const beyond = next + direction;
        next = beyond >= 0 && beyond <= last ? beyond : next - direction;
      }
      lastDirection = direction;
      // Another line: what was said about the last one and its open editor do not carry over.
      set({ selectedIndex: Math.max(0, next), editor: null, decisionError: null, notice: null });
      scheduleDetail();
    },
    selectedRow() {
      return get().rows.get(get().selectedIndex);
    },
    async openLine(line) {
      // Kept until the person picks another run or filter: the Review screen, mounting after a
      // jump from another screen, loads its runs again and must land on this line too.
      opening = line;
      const runId = line.runId ?? get().runId;
      if (runId !== null) await showRun(runId);
    },
  };
});

// Someone else at the keyboard: the last person's notices, refusals and open editor are not theirs,
// and Review opens on their own run (ReviewScreen loads it once the run is let go here).
useSessionStore.subscribe((now, before) => {
  if (now.session?.user?.userId !== before.session?.user?.userId) useReviewStore.setState({ notice: null, decisionError: null, editor: null, runId: null });
});
