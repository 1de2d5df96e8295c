import type { RefObject } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '../../shared/domain';

/** A passphrase being chosen: typed twice, never shown. */
export function NewPassphraseFields({ inputRef, ...props }: { label: string; value: string; repeat: string; onChange: (v: string) => void; onRepeat: (v: string) => void; inputRef?: RefObject<HTMLInputElement | null> }) {
  return (
    <>
      <label>
        <span>{props.label}</span>
        <input ref={inputRef} type="password" aria-label={props.label} autoComplete="new-password" value={props.value} maxLength={1024} onChange={(e) => props.onChange(e.target.value)} />
      </label>
      <label>
        <span>Repeat it</span>
        <input type="password" aria-label="Repeat the passphrase" autoComplete="new-password" value={props.repeat} maxLength={1024} onChange={(e) => props.onRepeat(e.target.value)} />
      </label>
      <p className="hint">At least {MIN_PASSPHRASE_LENGTH} characters; case-sensitive. Keep it somewhere safe: nobody can read it back.</p>
    </>
  );
}
