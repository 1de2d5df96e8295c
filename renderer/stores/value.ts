// The Value panel's state (Governance › Value, issue 16 item 4): the backend's
// value measures per run and per planner (getValueMeasures, the same answer as
// `fwb value --json`), fetched when the tab opens and whenever the workbook
// changes. Nothing here computes a figure.
import { create } from 'zustand';
import type { ApiError } from '../../shared/domain';
import type { ValueReport } from '../../shared/value';
import { api } from '../api';

interface ValueState {
  byRun: ValueReport | null;
  byPlanner: ValueReport | null;
  loading: boolean;
  error: ApiError | null;
  load(): Promise<void>;
}

export const useValueStore = create<ValueState>((set) => {
  let latest = 0;
  return {
    byRun: null,
    byPlanner: null,
    loading: false,
    error: null,
    async load() {
      const mine = ++latest;
      set({ loading: true });
      // One after the other: the first brings the exception scores current, the second finds them so.
      const byRun = await api.call('getValueMeasures', { by: 'run' });
      const byPlanner = byRun.ok ? await api.call('getValueMeasures', { by: 'planner' }) : byRun;
      if (mine !== latest) return; // a newer load (the workbook changed again) answers instead
      if (!byRun.ok) return set({ loading: false, error: byRun.error });
      if (!byPlanner.ok) return set({ loading: false, error: byPlanner.error });
      set({ byRun: byRun.value, byPlanner: byPlanner.value, loading: false, error: null });
    },
  };
});
