// The Accuracy screen's state: the filter and metric the planner chose, and the
// backend's answers (overview, slice table, trust map). Each part is fetched on
// its own, keeps its last answer on screen while a new one loads, and drops
// answers to requests that a newer one replaced.
import { create } from 'zustand';
import type { AccuracyFilter, AccuracyOptions, AccuracyOverview, AttributeSlice, Metric, Slice, SliceTable, SourceRanking, TrustMap } from '../../shared/accuracy';
import type { ApiError, ItemAttributeFacet } from '../../shared/domain';
import { api } from '../api';

/** The toolbar's fields as text; empty means "all". */
export interface AccuracyFilterForm {
  runId: string;
  model: string;
  fromPeriod: string;
  toPeriod: string;
  lag: string;
  category: string;
  owner: string;
}

export const NO_ACCURACY_FILTER: AccuracyFilterForm = { runId: '', model: '', fromPeriod: '', toPeriod: '', lag: '', category: '', owner: '' };

export type AccuracySliceBy = Slice | AttributeSlice;

/** The form as the API takes it. */
export function accuracyFilterPayload(f: AccuracyFilterForm): Omit<AccuracyFilter, 'abcClass'> {
  return {
    ...(f.runId ? { runId: Number(f.runId) } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.fromPeriod ? { fromPeriod: f.fromPeriod } : {}),
    ...(f.toPeriod ? { toPeriod: f.toPeriod } : {}),
    ...(f.lag ? { lag: Number(f.lag) } : {}),
    ...(f.category ? { category: f.category } : {}),
    ...(f.owner ? { owner: f.owner } : {}),
  };
}

export type AccuracyPart = 'options' | 'overview' | 'slice' | 'trust';

interface AccuracyState {
  filter: AccuracyFilterForm;
  metric: Metric;
  sliceBy: AccuracySliceBy;
  trustWindow: number;
  options: AccuracyOptions | null;
  /** Item attributes a slice can be made by (brand, family, imported keys). */
  attributes: ItemAttributeFacet[];
  overview: AccuracyOverview | null;
  slice: SliceTable | SourceRanking | null;
  /** The filter `slice` was computed with (the form may have moved on while it loads). */
  sliceFilter: AccuracyFilter;
  trust: TrustMap | null;
  loading: Record<AccuracyPart, boolean>;
  errors: Partial<Record<AccuracyPart, ApiError>>;
  /** Everything, as when the screen opens or the workbook changed. */
  load(): Promise<void>;
  setFilter(patch: Partial<AccuracyFilterForm>): void;
  setMetric(metric: Metric): void;
  setSliceBy(by: AccuracySliceBy): void;
  setTrustWindow(cycles: number): void;
}

export const useAccuracyStore = create<AccuracyState>((set, get) => {
  // The latest request of each part; an answer to an older one is dropped.
  const latest: Record<AccuracyPart, number> = { options: 0, overview: 0, slice: 0, trust: 0 };

  async function fetchPart<T>(part: AccuracyPart, call: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>, store: (value: T) => Partial<AccuracyState>): Promise<void> {
    const mine = ++latest[part];
    set({ loading: { ...get().loading, [part]: true } });
    const result = await call();
    if (latest[part] !== mine) return;
    const errors = { ...get().errors };
    if (result.ok) delete errors[part];
    else errors[part] = result.error;
    set({ ...(result.ok ? store(result.value) : {}), errors, loading: { ...get().loading, [part]: false } });
  }

  const loadOptions = () =>
    Promise.all([
      fetchPart('options', () => api.call('getAccuracyOptions', {}), (options) => ({ options })),
      // Only a convenience for the "Slice by" list: without it the engine's own slices remain.
      api.call('listItemAttributes', {}).then((r) => r.ok && set({ attributes: r.value.attributes })),
    ]);
  const loadOverview = () => {
    const { filter, metric } = get();
    return fetchPart('overview', () => api.call('getAccuracyOverview', { filter: accuracyFilterPayload(filter), metric }), (overview) => ({ overview }));
  };
  const loadSlice = () => {
    const { filter, metric, sliceBy } = get();
    const payload = accuracyFilterPayload(filter);
    return fetchPart('slice', () => api.call('getAccuracySlice', { filter: payload, metric, by: sliceBy }), (slice) => ({ slice, sliceFilter: payload }));
  };
  const loadTrust = () => fetchPart('trust', () => api.call('getTrustMap', { windowCycles: get().trustWindow }), (trust) => ({ trust }));

  return {
    filter: NO_ACCURACY_FILTER,
    metric: 'wape',
    sliceBy: 'planner',
    trustWindow: 9,
    options: null,
    attributes: [],
    overview: null,
    slice: null,
    sliceFilter: {},
    trust: null,
    loading: { options: false, overview: false, slice: false, trust: false },
    errors: {},
    async load() {
      await Promise.all([loadOptions(), loadOverview(), loadSlice(), loadTrust()]);
    },
    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
      void loadOverview();
      void loadSlice();
    },
    setMetric(metric) {
      set({ metric });
      void loadOverview();
      void loadSlice();
    },
    setSliceBy(sliceBy) {
      set({ sliceBy });
      void loadSlice();
    },
    setTrustWindow(trustWindow) {
      set({ trustWindow });
      void loadTrust();
    },
  };
});
