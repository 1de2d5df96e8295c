// The Review screen's state: chosen run, sort and filters, and the worklist's
// rows fetched page by page as the grid scrolls (the backend does the sorting).
import { create } from 'zustand';
import type { RunLineSortColumn } from '../../shared/contract';
import type { ApiError, ForecastLineRow, ForecastRunSummary, ItemDetail, RunOverview } from '../../shared/domain';
import { formatPeriod } from '../../shared/format';
import { api } from '../api';

export const PAGE_SIZE = 200;

export interface LineFilter {
  text: string;
  category: string;
  owner: string;
  lag: string;
  status: string;
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
  sort: { column: RunLineSortColumn; direction: 'asc' | 'desc' };
  filter: LineFilter;
  total: number | null;
  /** Rows by their index in the sorted, filtered list; missing ones are still loading. */
  rows: Map<number, ForecastLineRow>;
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
  ensureRows(fromIndex: number, toIndex: number): void;
  select(index: number): void;
  selectedRow(): ForecastLineRow | undefined;
  /** The last refusal or failure of a decision, shown beside the line. */
  decisionError: ApiError | null;
  /** A short confirmation of what the last action did. */
  notice: string | null;
  /** The override editor of the selected line, when open. */
  editor: { quantity: string; useSalesInput: boolean } | null;
  openEditor(useSalesInput?: boolean): void;
  closeEditor(): void;
  decide(input: DecisionInput): Promise<boolean>;
  undo(): Promise<void>;
  bulkAccept(): Promise<void>;
  nextException(): void;
  refreshLoaded(): Promise<void>;
}

/** The form's filter as the API takes it: empty fields mean no condition. */
function filterPayload(filter: LineFilter) {
  return {
    ...(filter.text ? { text: filter.text } : {}),
    ...(filter.category ? { category: filter.category } : {}),
    ...(filter.owner ? { owner: filter.owner } : {}),
    ...(filter.lag ? { lag: Number(filter.lag) } : {}),
    ...(filter.status ? { status: filter.status as never } : {}),
  };
}

const NO_FILTER: LineFilter = { text: '', category: '', owner: '', lag: '', status: '' };

export const useReviewStore = create<ReviewState>((set, get) => {
  async function fetchPage(page: number, queryKey: number): Promise<void> {
    const { runId, sort, filter } = get();
    if (runId === null) return;
    const result = await api.call('getRunLines', {
      runId,
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
      sort,
      filter: filterPayload(filter),
    });
    if (get().queryKey !== queryKey) return;
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    const rows = new Map(get().rows);
    result.value.rows.forEach((row, i) => rows.set(result.value.offset + i, row));
    set({ rows, total: result.value.total, error: null });
    if (page === 0) scheduleDetail();
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

  function requery(): void {
    const queryKey = get().queryKey + 1;
    set({ queryKey, rows: new Map(), requestedPages: new Set([0]), total: null, selectedIndex: 0 });
    void fetchPage(0, queryKey);
  }

  return {
    runs: [],
    runId: null,
    overview: null,
    sort: { column: 'exception', direction: 'desc' },
    filter: NO_FILTER,
    total: null,
    rows: new Map(),
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
      set({ decisionError: null, notice: null });
      const result = await api.call('decideLine', { lineId: row.lineId, ...input });
      if (!result.ok) {
        set({ decisionError: result.error });
        return false;
      }
      const state = result.value.lineState;
      set({
        notice:
          state.status === 'pending_approval'
            ? `${row.itemId} ${formatPeriod(row.period)}: override waits for a manager’s approval.`
            : `${row.itemId} ${formatPeriod(row.period)}: ${input.action === 'accept' ? 'accepted' : `planned at ${state.finalQuantity}`}.`,
      });
      await get().refreshLoaded();
      return true;
    },
    async undo() {
      const { runId } = get();
      set({ decisionError: null, notice: null });
      const result = await api.call('undoLastDecision', runId === null ? {} : { runId });
      if (!result.ok) {
        set({ decisionError: result.error });
        return;
      }
      set({ notice: `Undone: decision ${result.value.undoneDecisionId}.` });
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
      set({ notice: `Accepted ${r.accepted} lines; skipped ${r.skippedDecided} already decided, ${r.skippedFrozen} frozen.` });
      await get().refreshLoaded();
    },
    nextException() {
      const { rows, selectedIndex, total } = get();
      // The list is in exception order: the next undecided line below is the next exception.
      for (let i = selectedIndex + 1; i < (total ?? 0); i++) {
        const row = rows.get(i);
        if (!row) break;
        if (row.status === 'undecided' && !row.frozen) {
          get().select(i);
          return;
        }
      }
      get().select(selectedIndex + 1);
    },
    async refreshLoaded() {
      const { requestedPages, queryKey } = get();
      await Promise.all([...requestedPages].map((page) => fetchPage(page, queryKey)));
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
      if (next !== undefined) await get().selectRun(next);
    },
    async selectRun(runId) {
      set({ runId, overview: null, filter: NO_FILTER });
      requery();
      const overview = await api.call('getRunOverview', { runId });
      if (overview.ok && get().runId === runId) set({ overview: overview.value });
    },
    setSort(column) {
      const { sort } = get();
      // Numbers worth a look come biggest first; names and dates start at the top of the alphabet.
      const firstDirection = column === 'exception' || column === 'quantity' || column === 'width' ? 'desc' : 'asc';
      set({ sort: { column, direction: sort.column === column ? (sort.direction === 'asc' ? 'desc' : 'asc') : firstDirection } });
      requery();
    },
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
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
    select(index) {
      const total = get().total ?? 0;
      set({ selectedIndex: Math.max(0, Math.min(index, total - 1)), editor: null, decisionError: null });
      scheduleDetail();
    },
    selectedRow() {
      return get().rows.get(get().selectedIndex);
    },
  };
});
