// Connect to Team Workbook…, from the desktop app's File menu or the browser host's Team
// workbook menu (TeamMenu.tsx): the member's address (no password in it) and the password in
// its own field. The host links the open workbook (electron/team/app-connect.ts) and keeps the
// password in the OS keychain (desktop) or its own memory until it stops (browser host); the
// page keeps neither once the dialog closes.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAppStore } from '../stores/app';
import { useSessionStore } from '../stores/session';
import { useTeamStore } from '../stores/team';

export function TeamConnectDialog() {
  const [requested, setRequested] = useState(false);
  const fromMenu = useTeamStore((s) => s.dialog === 'connect');
  const open = requested || fromMenu;
  const setOpen = (next: boolean) => {
    setRequested(next);
    if (!next) useTeamStore.getState().setDialog(null);
  };
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => api.onTeamConnectRequest(() => setRequested(true)), []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="sign-in team-connect" aria-labelledby="team-connect-title" onCancel={() => setOpen(false)}>
      {/* Mounted per opening, so no password stays in a field after the dialog closes. */}
      {open && <ConnectForm onDone={() => setOpen(false)} />}
    </dialog>
  );
}

function ConnectForm({ onDone }: { onDone: () => void }) {
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const r = await api.teamConnect({ url, password });
    setBusy(false);
    if (!r.ok || !r.value.ok) {
      setProblem(r.ok ? r.value.message : r.error.message);
      return;
    }
    setPassword('');
    onDone();
    // Linked: the person is now the login, the data the team's; everything on screen is read again.
    void useTeamStore.getState().refresh();
    void useSessionStore.getState().load();
    useAppStore.getState().handleEvent({ type: 'workbook-changed', reason: 'team-connect' });
  }

  return (
    <form onSubmit={(e) => void submit(e)}>
      <h2 id="team-connect-title">Connect to a team workbook</h2>
      <p className="panel-note">
        This workbook becomes your replica of the team’s: an empty workbook pulls the team’s data; the first workbook of an empty team (the analyst’s) publishes its own.
      </p>
      <label>
        <span>Team workbook address</span>
        <input type="text" name="url" required autoFocus spellCheck={false} autoComplete="off" placeholder="postgres://LOGIN@HOST:5432/DATABASE" value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        <span>Password of your login</span>
        <input type="password" name="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <p className="panel-note">
        {api.transport === 'desktop'
          ? 'Kept in this computer’s keychain only, never in the workbook. Leave it empty when ~/.pgpass or PGSERVICE gives it.'
          : 'Kept in the browser host’s memory only, until it stops; never in the workbook. Leave it empty when PGPASSWORD, ~/.pgpass or PGSERVICE gives it, as they do after a restart.'}
      </p>
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || url.trim() === ''}>
          {busy ? 'Connecting…' : 'Connect'}
        </button>
        <button type="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
