// Who is working. The backend keeps the session for this launch of the app (or
// of the browser host), never in the workbook; managers and analysts sign in
// with a passphrase. The backend records the person on every decision and
// enforces what each role may do; this store carries its answers to the screen.
import { create } from 'zustand';
import type { RequestOf } from '../../shared/contract';
import type { ApiError, ReasonCode, Session } from '../../shared/domain';
import { api } from '../api';

interface SessionState {
  session: Session | null;
  reasonCodes: ReasonCode[];
  error: ApiError | null;
  /** The sign-in dialog is open (first start, or the user asked to switch). */
  choosing: boolean;
  load(): Promise<void>;
  signIn(who: RequestOf<'signIn'>): Promise<boolean>;
  signOut(): Promise<void>;
  changePassphrase(current: string, next: string): Promise<boolean>;
  setChoosing(open: boolean): void;
  clearError(): void;
}

export const useSessionStore = create<SessionState>((set) => ({
  session: null,
  reasonCodes: [],
  error: null,
  choosing: false,
  async load() {
    const [session, reasons] = await Promise.all([api.call('getSession', {}), api.call('listReasonCodes', {})]);
    if (session.ok) set({ session: session.value, choosing: session.value.user === null });
    if (reasons.ok) set({ reasonCodes: reasons.value.reasonCodes });
  },
  async signIn(who) {
    const result = await api.call('signIn', who);
    if (!result.ok) {
      set({ error: result.error });
      return false;
    }
    set({ session: result.value, error: null, choosing: false });
    return true;
  },
  async signOut() {
    const result = await api.call('signOut', {});
    if (result.ok) set({ session: result.value, error: null, choosing: true });
    else set({ error: result.error });
  },
  async changePassphrase(current, next) {
    const result = await api.call('changePassphrase', { current, next });
    if (!result.ok) {
      set({ error: result.error });
      return false;
    }
    set({ session: result.value, error: null });
    return true;
  },
  setChoosing(open) {
    set({ choosing: open, error: null });
  },
  clearError() {
    set({ error: null });
  },
}));
