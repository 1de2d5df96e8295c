// The governance report on the Governance screen: the backend's answers to the
// seven questions (getGovernanceReport), fetched when the Report tab opens and
// again whenever the workbook changes. Nothing here computes a figure.
import { create } from 'zustand';
import type { ApiError } from '../../shared/domain';
import type { GovernanceReport } from '../../shared/governance';
import { api } from '../api';

interface GovernanceReportState {
  report: GovernanceReport | null;
  loading: boolean;
  error: ApiError | null;
  load(): Promise<void>;
}

export const useGovernanceReportStore = create<GovernanceReportState>((set) => {
  let latest = 0;
  return {
    report: null,
    loading: false,
    error: null,
    async load() {
      const mine = ++latest;
      set({ loading: true });
      const result = await api.call('getGovernanceReport', {});
      if (mine !== latest) return; // a newer load (the workbook changed again) answers instead
      set(result.ok ? { report: result.value, loading: false, error: null } : { loading: false, error: result.error });
    },
  };
});
