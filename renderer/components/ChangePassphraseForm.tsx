import { useState, type FormEvent } from 'react';
import { useSessionStore } from '../stores/session';
import { NewPassphraseFields } from './NewPassphraseFields';

/** The signed-in person changes their own passphrase, proving the current one first. */
export function ChangePassphraseForm({ onDone }: { onDone: (changed: boolean) => void }) {
  const { session, error, changePassphrase, clearError } = useSessionStore();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== repeat) {
      clearError();
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const changed = await changePassphrase(current, next);
    setCurrent('');
    setNext('');
    setRepeat('');
    if (changed) onDone(true);
  }

  return (
    <form onSubmit={(e) => void submit(e)}>
      <h2 id="sign-in-title">Change your passphrase</h2>
      <p>
        {session?.user?.displayName}: type the passphrase you use now, then the new one twice.
      </p>
      <label>
        <span>Current passphrase</span>
        <input type="password" aria-label="Current passphrase" autoComplete="current-password" value={current} maxLength={1024} onChange={(e) => setCurrent(e.target.value)} autoFocus />
      </label>
      <NewPassphraseFields label="New passphrase" value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} />
      {mismatch && (
        <p className="banner error" role="alert">
          The two new passphrases differ; type the same one twice.
        </p>
      )}
      {error && (
        <p className="banner error" role="alert">
          {error.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!current || !next}>
          Change passphrase
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Back
        </button>
      </div>
    </form>
  );
}
