import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { UserRole } from '../../shared/domain';
import { useSessionStore } from '../stores/session';

/** First start (or "switch user"): pick yourself from the workbook's people, or add yourself. */
export function SignInDialog() {
  const { session, choosing, error, signIn, setChoosing } = useSessionStore();
  const [userId, setUserId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('planner');
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (choosing && !d.open) d.showModal();
    if (!choosing && d.open) d.close();
  }, [choosing]);

  const users = session?.users ?? [];
  const existing = users.find((u) => u.userId === userId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (existing) await signIn({ userId: existing.userId, displayName: existing.displayName, role: existing.role });
    else if (name.trim()) await signIn({ displayName: name.trim(), role });
  }

  return (
    <dialog ref={dialog} className="sign-in" aria-labelledby="sign-in-title" onCancel={(e) => (session?.user ? setChoosing(false) : e.preventDefault())}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="sign-in-title">Who is working?</h2>
        <p>Your name goes on every decision you make in this workbook. Managers also approve large overrides and set policy.</p>
        {users.length > 0 && (
          <label>
            <span>Person</span>
            <select aria-label="Person" value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">Someone new…</option>
              {users.map((u) => (
                <option key={u.userId} value={u.userId}>
                  {u.displayName} ({u.role})
                </option>
              ))}
            </select>
          </label>
        )}
        {!existing && (
          <>
            <label>
              <span>Your name</span>
              <input aria-label="Your name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </label>
            <label>
              <span>Role</span>
              <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
                <option value="planner">Planner</option>
                <option value="manager">Planning manager</option>
                <option value="analyst">Analyst</option>
              </select>
            </label>
          </>
        )}
        {error && (
          <p className="banner error" role="alert">
            {error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={!existing && !name.trim()}>
            Continue
          </button>
          {session?.user && (
            <button type="button" onClick={() => setChoosing(false)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
