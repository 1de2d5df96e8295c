// Disconnect from Team Workbook… in the browser host (the desktop app asks in native message
// boxes, electron/main/team-menu.ts): asked once; decisions the team has not received refuse
// it with the workbook's sentence, and only a second yes (Disconnect Anyway) keeps them here.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useAppStore } from '../stores/app';
import { useSessionStore } from '../stores/session';
import { useTeamStore } from '../stores/team';

export function TeamDisconnectDialog() {
  const open = useTeamStore((s) => s.dialog === 'disconnect');
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const close = () => useTeamStore.getState().setDialog(null);
  return (
    <dialog ref={dialog} className="sign-in team-disconnect" aria-labelledby="team-disconnect-title" onCancel={close}>
      {open && <DisconnectForm onDone={close} />}
    </dialog>
  );
}

function DisconnectForm({ onDone }: { onDone: () => void }) {
  const name = useAppStore((s) => s.workbook?.name ?? 'This workbook');
  const status = useTeamStore((s) => s.status);
  const [busy, setBusy] = useState(false);
  /** The workbook's sentence when decisions are unsent: the second question. */
  const [unsent, setUnsent] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function disconnect(keepUnsent: boolean) {
    setBusy(true);
    setProblem(null);
    const r = await api.teamDisconnect(keepUnsent);
    setBusy(false);
    if (!r.ok) return setProblem(r.error.message);
    if (!r.value.done) {
      if ('unsent' in r.value && r.value.unsent) return setUnsent(r.value.message);
      if (r.value.message) return setProblem(r.value.message);
      return onDone();
    }
    onDone();
    // Single-seat again: the person is the signed-in one, and everything on screen is read again.
    void useTeamStore.getState().refresh();
    void useSessionStore.getState().load();
    useAppStore.getState().handleEvent({ type: 'workbook-changed', reason: 'team-disconnect' });
  }

  return (
    <div>
      <h2 id="team-disconnect-title">{unsent === null ? `Disconnect ${name} from the team workbook?` : 'Disconnect with decisions the team has not received?'}</h2>
      <p>
        {unsent ??
          `It stops syncing with ${status?.url ?? 'the team workbook'}${status?.login ? ` as ${status.login}` : ''} and becomes a single-seat workbook again. What it holds stays: the team’s data, the decisions and what the team answered. It cannot join the team again: to work with the team later, connect a new, empty workbook.`}
      </p>
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void disconnect(unsent !== null)}>
          {busy ? 'Disconnecting…' : unsent === null ? 'Disconnect' : 'Disconnect Anyway'}
        </button>
        {/* Cancel is the default, as in the desktop app's question: Enter does not disconnect. */}
        <button type="button" autoFocus onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
