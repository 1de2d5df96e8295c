// Who is working: chosen once per workbook (no passwords: a single-seat desktop
// tool); the backend records it on every decision and enforces what each role may do.
import { create } from 'zustand';
import type { ApiError, ReasonCode, Session, UserRole } from '../../shared/domain';
import { api } from '../api';

interface SessionState {
  session: Session | null;
  reasonCodes: ReasonCode[];
  error: ApiError | null;
  /** The sign-in dialog is open (first start, or the user asked to switch). */
  choosing: boolean;
  load(): Promise<void>;
  signIn(who: { userId?: string; displayName: string; role: UserRole }): Promise<boolean>;
  setChoosing(open: boolean): void;
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
  setChoosing(open) {
    set({ choosing: open, error: null });
  },
}));
