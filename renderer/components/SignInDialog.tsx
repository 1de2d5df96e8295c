import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RequestOf } from '../../shared/contract';
import { DEMO_PASSPHRASE, USER_ROLES, type UserRole } from '../../shared/domain';
import { api } from '../api';
import { useSessionStore } from '../stores/session';
import { useTeamStore } from '../stores/team';
import { ChangePassphraseForm } from './ChangePassphraseForm';
import { NewPassphraseFields } from './NewPassphraseFields';

const ROLE_LABEL: Record<UserRole, string> = { planner: 'Planner', manager: 'Planning manager', analyst: 'Analyst' };

/** First start, "switch user", sign out and change of passphrase: who is working in this launch of the app. */
export function SignInDialog() {
  const choosing = useSessionStore((s) => s.choosing);
  const session = useSessionStore((s) => s.session);
  const setChoosing = useSessionStore((s) => s.setChoosing);
  const clearError = useSessionStore((s) => s.clearError);
  const [changing, setChanging] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (choosing && !d.open) d.showModal();
    if (!choosing && d.open) d.close();
  }, [choosing]);
  // Closed: the next opening starts on the sign-in form, without the last notice (adjusted while rendering, not in an effect).
  const [wasChoosing, setWasChoosing] = useState(choosing);
  if (wasChoosing !== choosing) {
    setWasChoosing(choosing);
    if (!choosing) {
      setChanging(false);
      setNotice(null);
    }
  }

  const showForm = (change: boolean, message: string | null = null) => {
    clearError();
    setChanging(change);
    setNotice(message);
  };

  return (
    <dialog ref={dialog} className="sign-in" aria-labelledby="sign-in-title" onCancel={(e) => (session?.user ? setChoosing(false) : e.preventDefault())}>
      {/* Keyed by the opening, so a reopened dialog starts empty: no passphrase stays in a field. */}
      {changing && session?.user ? (
        <ChangePassphraseForm onDone={(changed) => showForm(false, changed ? 'Your passphrase was changed; use the new one from now on.' : null)} />
      ) : (
        choosing && <SignInForm notice={notice} onChangePassphrase={() => showForm(true)} />
      )}
    </dialog>
  );
}

function SignInForm({ notice, onChangePassphrase }: { notice: string | null; onChangePassphrase: () => void }) {
  const { session, error, signIn, signOut, setChoosing, clearError } = useSessionStore();
  const users = session?.users ?? [];
  const mayAdd = session?.mayAdd ?? ['planner'];
  const me = session?.user ?? null;
  const firstManager = !users.some((u) => u.role === 'manager') && mayAdd.includes('manager');
  const [userId, setUserId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>(firstManager ? 'manager' : 'planner');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const passphraseInput = useRef<HTMLInputElement>(null);

  const existing = users.find((u) => u.userId === userId);
  const asks = existing ? existing.signInWith : role === 'planner' ? 'name' : 'new-passphrase';
  const mine = users.find((u) => u.userId === me?.userId);

  useEffect(() => {
    if (existing && existing.signInWith !== 'name') passphraseInput.current?.focus();
  }, [existing]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (asks === 'new-passphrase' && passphrase !== repeat) {
      clearError();
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const secret = asks === 'passphrase' ? { passphrase } : asks === 'new-passphrase' ? { newPassphrase: passphrase } : {};
    const request: RequestOf<'signIn'> = existing ? { userId: existing.userId, ...secret } : { displayName: name.trim(), role, ...secret };
    // Whatever the answer, the typed passphrase does not stay in the page.
    setPassphrase('');
    setRepeat('');
    if (!(await signIn(request)) && asks !== 'name') passphraseInput.current?.focus();
  }

  const ready = existing ? asks === 'name' || passphrase.length > 0 : name.trim().length > 0 && (asks === 'name' || passphrase.length > 0);

  return (
    <form onSubmit={(e) => void submit(e)}>
      <h2 id="sign-in-title">Who is working?</h2>
      <p>
        {firstManager
          ? 'This workbook has no manager yet: create the first one here, with a passphrase. Managers approve large overrides and set policy.'
          : 'Your name goes on every decision you make in this workbook. Managers and analysts sign in with their passphrase; planners by name.'}
      </p>
      {session?.demoWorkbook && (
        <p className="notice" role="note">
          Demo workbook: its managers and analysts sign in with the passphrase <code>{DEMO_PASSPHRASE}</code>.
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
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
            <input aria-label="Your name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          <label>
            <span>Role</span>
            <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
              {USER_ROLES.map((r) => (
                <option key={r} value={r} disabled={!mayAdd.includes(r)}>
                  {ROLE_LABEL[r]}
                  {mayAdd.includes(r) ? '' : ' — a signed-in manager adds them'}
                </option>
              ))}
            </select>
          </label>
          {!mayAdd.includes('analyst') && (
            <p className="hint">{firstManager ? 'Analysts are added by a signed-in manager, once the first manager exists.' : 'Only a signed-in manager adds managers and analysts.'}</p>
          )}
        </>
      )}
      {asks === 'passphrase' && (
        <label>
          <span>Passphrase</span>
          <input ref={passphraseInput} type="password" aria-label="Passphrase" autoComplete="current-password" value={passphrase} maxLength={1024} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
      )}
      {asks === 'new-passphrase' && (
        <>
          {existing && <p className="hint">{existing.displayName} has no passphrase yet (this workbook comes from an earlier version): choose one now; from then on it is asked at every sign-in.</p>}
          <NewPassphraseFields inputRef={passphraseInput} label={existing ? 'Choose a passphrase' : `Passphrase for the new ${role === 'manager' ? 'manager' : 'analyst'}`} value={passphrase} repeat={repeat} onChange={setPassphrase} onRepeat={setRepeat} />
          {mismatch && (
            <p className="banner error" role="alert">
              The two passphrases differ; type the same one twice.
            </p>
          )}
        </>
      )}
      {error && (
        <p className="banner error" role="alert">
          {error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!ready}>
          Continue
        </button>
        {/* A new workbook may be meant to join a team: the browser host has no File menu to say so from. */}
        {!me && users.length === 0 && api.transport === 'browser' && (
          <button type="button" onClick={() => useTeamStore.getState().setDialog('connect')}>
            Connect to a Team Workbook…
          </button>
        )}
        {me && (
          <>
            <button type="button" onClick={() => setChoosing(false)}>
              Cancel
            </button>
            <span className="spacer" />
            {mine?.signInWith === 'passphrase' && (
              <button type="button" onClick={onChangePassphrase}>
                Change my passphrase…
              </button>
            )}
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </>
        )}
      </div>
      {me && <p className="hint">Signed in as {me.displayName} ({me.role}) until you sign out or close the app.</p>}
    </form>
  );
}
