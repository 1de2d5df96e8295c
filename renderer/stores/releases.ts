// Plan versions of a run (SPEC §5): the released snapshots, releasing the
// current final plan, and rolling back to an earlier version.
import { create } from 'zustand';
import type { ApiError, ReleaseOutcome, ReleaseSummary, Result } from '../../shared/domain';
import { api } from '../api';
import { errorText } from './governance';

interface ReleasesState {
  runId: number | null;
  releases: ReleaseSummary[] | null;
  error: ApiError | null;
  busy: boolean;
  /** What the last release or rollback of this run did, until dismissed or the run changes. */
  outcome: ReleaseOutcome | null;
  /** The last refusal of a release or rollback, shown where it was asked for. */
  actionError: string | null;
  load(runId: number): Promise<void>;
  release(note: string): Promise<boolean>;
  rollback(toVersion: number, note: string): Promise<boolean>;
  dismiss(): void;
}

export const useReleasesStore = create<ReleasesState>((set, get) => {
  // The backend announces a release or rollback (plan-changed) to every view of the plan.
  async function act(call: () => Promise<Result<ReleaseOutcome>>): Promise<boolean> {
    const runId = get().runId;
    set({ busy: true, actionError: null });
    const result = await call();
    set({ busy: false });
    if (get().runId !== runId) return false;
    if (!result.ok) {
      set({ actionError: errorText(result.error) });
      return false;
    }
    set({ outcome: result.value });
    await get().load(result.value.runId);
    return true;
  }

  return {
    runId: null,
    releases: null,
    error: null,
    busy: false,
    outcome: null,
    actionError: null,
    async load(runId) {
      if (get().runId !== runId) set({ runId, releases: null, outcome: null, actionError: null });
      const result = await api.call('listReleases', { runId });
      if (get().runId !== runId) return;
      if (result.ok) set({ releases: result.value.releases, error: null });
      else set({ error: result.error });
    },
    release(note) {
      const runId = get().runId;
      if (runId === null) return Promise.resolve(false);
      const trimmed = note.trim();
      return act(() => api.call('releaseRun', trimmed ? { runId, note: trimmed } : { runId }));
    },
    rollback(toVersion, note) {
      const runId = get().runId;
      if (runId === null) return Promise.resolve(false);
      return act(() => api.call('rollbackRun', { runId, toVersion, note }));
    },
    dismiss() {
      set({ outcome: null, actionError: null });
    },
  };
});
