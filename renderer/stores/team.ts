// A linked workbook's team sync as the page shows it. The host syncs (on open, every
// 30 s, on demand); this store reads its status every few seconds and after Sync now,
// and tells the screens to reload when a sync brought rows in.
import { create } from 'zustand';
import type { TeamStatus } from '../../shared/team-status';
import type { TeamAnswers } from '../../shared/team-journal';
import { api } from '../api';
import { useAppStore } from './app';
import { useReviewStore } from './review';

interface TeamState {
  status: TeamStatus | null;
  /** Sync now was asked and has not answered yet. */
  requested: boolean;
  /** The conflict list is open (the status bar's conflict segment toggles it). */
  showConflicts: boolean;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
  setShowConflicts(open: boolean): void;
  /** The refusals and open conflicts with their lines and values (Review's Team panel), read from the workbook. */
  answers: TeamAnswers | null;
  loadAnswers(): Promise<void>;
  /** Opens a line of the team's answers in Review. */
  openLine(lineId: number): void;
  /** The Connect or Disconnect dialog the page's Team workbook menu opened (browser host). */
  dialog: 'connect' | 'disconnect' | null;
  setDialog(dialog: 'connect' | 'disconnect' | null): void;
}

const POLL_MS = 3000;
let timer: ReturnType<typeof setInterval> | undefined;

export const useTeamStore = create<TeamState>((set, get) => {
  /** A sync that brought rows in since the last status: the screens reload what they show. */
  const take = (next: TeamStatus) => {
    const before = get().status?.lastSync?.at;
    set({ status: next });
    // New refusals or conflicts (or settled ones): the Team panel reads them again.
    const shown = get().answers;
    if (next.linked && (!shown || shown.refusals.length !== next.refusals.length || shown.conflicts.length !== next.conflicts.length)) void get().loadAnswers();
    // Also the first sync on open: it may land after the screens loaded what the workbook held before it.
    if (next.lastSync && next.lastSync.at !== before && next.lastSync.pulled > 0) {
      useAppStore.getState().handleEvent({ type: 'workbook-changed', reason: 'team-sync' });
    }
  };
  return {
    status: null,
    requested: false,
    showConflicts: false,
    async refresh() {
      const r = await api.team('teamStatus');
      if (r.ok) {
        // The first answer also starts the polling, only in a linked workbook.
        if (r.value.linked && timer === undefined) timer = setInterval(() => void get().refresh(), POLL_MS);
        take(r.value);
      }
    },
    async syncNow() {
      if (!get().status?.linked) return;
      set({ requested: true });
      const r = await api.team('syncNow');
      set({ requested: false });
      if (r.ok) {
        take(r.value);
      }
    },
    setShowConflicts(open) {
      set({ showConflicts: open });
    },
    dialog: null,
    setDialog(dialog) {
      set({ dialog });
    },
    answers: null,
    async loadAnswers() {
      const r = await api.call('listTeamAnswers', {});
      if (r.ok) set({ answers: r.value });
    },
    openLine(lineId) {
      const answers = get().answers;
      const line = answers?.conflicts.find((c) => c.lineId === lineId) ?? answers?.refusals.find((r) => r.lineId === lineId);
      set({ showConflicts: false });
      useAppStore.getState().setScreen('review');
      void useReviewStore.getState().openLine({ lineId, runId: line?.runId ?? null, itemId: line?.itemId ?? null });
    },
  };
});

/** Ctrl+Shift+S (⌘⇧S): File → Sync now. */
export function isSyncShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 's';
}
