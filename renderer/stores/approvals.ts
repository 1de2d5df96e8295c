// Over-threshold overrides waiting for a manager (SPEC §5 Approvals): the queue,
// optionally of one run, and the verdicts given from it.
import { create } from 'zustand';
import type { ApiError, ForecastRunSummary, PendingApproval } from '../../shared/domain';
import { api } from '../api';
import { errorText } from './governance';

interface ApprovalsState {
  /** The run the queue was loaded for (undefined: every run). */
  runId: number | undefined;
  approvals: PendingApproval[] | null;
  /** Run facts for labelling rows when the queue spans runs. */
  runs: Map<number, ForecastRunSummary>;
  error: ApiError | null;
  /** Refusals and in-flight verdicts per decision id. */
  rowErrors: Record<number, string>;
  busy: Record<number, boolean>;
  load(runId?: number): Promise<void>;
  review(decisionId: number, verdict: 'approved' | 'rejected', note: string): Promise<boolean>;
}

export const useApprovalsStore = create<ApprovalsState>((set, get) => ({
  runId: undefined,
  approvals: null,
  runs: new Map(),
  error: null,
  rowErrors: {},
  busy: {},
  async load(runId) {
    if (get().runId !== runId) set({ runId, approvals: null, rowErrors: {} });
    const [queue, runs] = await Promise.all([
      api.call('listPendingApprovals', runId === undefined ? {} : { runId }),
      runId === undefined ? api.call('listRuns', {}) : Promise.resolve(null),
    ]);
    if (get().runId !== runId) return; // a newer load for another run is under way
    if (!queue.ok) {
      set({ error: queue.error });
      return;
    }
    set({ approvals: queue.value.approvals, error: null });
    if (runs?.ok) set({ runs: new Map(runs.value.runs.map((r) => [r.runId, r])) });
  },
  async review(decisionId, verdict, note) {
    set({ busy: { ...get().busy, [decisionId]: true } });
    const result = await api.call('reviewOverride', { decisionId, verdict, note });
    const { [decisionId]: _busy, ...busy } = get().busy;
    const { [decisionId]: _error, ...rowErrors } = get().rowErrors;
    if (!result.ok) {
      set({ busy, rowErrors: { ...rowErrors, [decisionId]: errorText(result.error) } });
      return false;
    }
    // The backend announces the change (plan-changed), so every view of the plan refreshes.
    set({ busy, rowErrors, approvals: (get().approvals ?? []).filter((a) => a.decisionId !== decisionId) });
    return true;
  },
}));
