// App-wide state: the open workbook, which screen is shown, running jobs.
import { create } from 'zustand';
import type { ApiError, BackendEvent, WorkbookInfo } from '../../shared/domain';
import { api } from '../api';
import { useSessionStore } from './session';

export const SCREENS = ['import', 'review', 'accuracy', 'export', 'governance'] as const;
export type Screen = (typeof SCREENS)[number];

export interface JobState {
  jobId: string;
  job: string;
  phase: string;
  done: number;
  total: number | null;
  message?: string;
  finished: boolean;
  error?: ApiError;
}

interface AppState {
  screen: Screen;
  workbook: WorkbookInfo | null;
  error: ApiError | null;
  job: JobState | null;
  /** Bumped whenever the backend says the workbook changed, so screens reload. */
  revision: number;
  /** Bumped whenever the backend says a plan changed (decision, approval, release, rollback), so views of it refresh. */
  planRevision: number;
  setScreen(screen: Screen): void;
  loadWorkbook(): Promise<void>;
  handleEvent(event: BackendEvent): void;
}

function screenFromHash(): Screen {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'review';
}

let countsTimer: ReturnType<typeof setTimeout> | undefined;

export const useAppStore = create<AppState>((set, get) => ({
  screen: screenFromHash(),
  workbook: null,
  error: null,
  job: null,
  revision: 0,
  planRevision: 0,
  setScreen(screen) {
    window.location.hash = `/${screen}`;
    set({ screen });
  },
  async loadWorkbook() {
    const result = await api.call('getWorkbookInfo', {});
    if (result.ok) set({ workbook: result.value, error: null });
    else set({ error: result.error });
  },
  handleEvent(event) {
    switch (event.type) {
      case 'job-progress':
        set({ job: { jobId: event.jobId, job: event.job, phase: event.phase, done: event.done, total: event.total, message: event.message, finished: false } });
        break;
      case 'job-finished': {
        const job = get().job;
        set({ job: { ...(job ?? { jobId: event.jobId, job: event.job, phase: '', done: 0, total: null }), finished: true, error: event.error } });
        break;
      }
      case 'workbook-changed':
        // A reason code changes only what a decision may be given: the decision panel's list
        // (the session store) is reloaded, and Review keeps its filter, line and open editor.
        if (event.reason === 'reason-code') {
          void useSessionStore.getState().load();
          break;
        }
        set({ revision: get().revision + 1 });
        void get().loadWorkbook();
        break;
      case 'plan-changed':
        set({ planRevision: get().planRevision + 1 });
        // The status bar's counts (audit entries): once a burst of decisions settles.
        clearTimeout(countsTimer);
        countsTimer = setTimeout(() => void get().loadWorkbook(), 400);
        break;
    }
  },
}));

window.addEventListener('hashchange', () => useAppStore.setState({ screen: screenFromHash() }));
