// Writing a file through the backend (runExport) from any screen, and saying
// where it went: the path on disk and, in the browser host, a copy to download
// (GET /api/exports/<fileName> behind the token). The desktop app refuses page
// downloads, so the backend writing the file is the one way that works in both.
import { useCallback, useRef, useState } from 'react';
import type { RequestOf } from '../../shared/contract';
import type { ApiError } from '../../shared/domain';
import type { ExportOutcome } from '../../shared/exports';
import { formatCount } from '../../shared/format';
import { api } from '../api';
import { downloadExport } from '../download';

export interface FileExport {
  saving: boolean;
  outcome: ExportOutcome | null;
  error: ApiError | null;
  save(request: RequestOf<'runExport'>): Promise<void>;
  clear(): void;
}

/**
 * One export at a time from one place on a screen. `subject` names what is
 * exported ("reason-wape"); when it changes, the note about the last file goes,
 * so it never sits under a table it was not made from.
 */
export function useFileExport(subject: string): FileExport {
  const [state, setState] = useState<{ subject: string; saving: boolean; outcome: ExportOutcome | null; error: ApiError | null }>({ subject, saving: false, outcome: null, error: null });
  const ticket = useRef(0);
  // Another table now: forget the last file for good (React's "adjust state when a prop changes" pattern).
  if (state.subject !== subject) setState({ subject, saving: false, outcome: null, error: null });
  const current = state.subject === subject ? state : { subject, saving: false, outcome: null, error: null };
  const save = useCallback(
    async (request: RequestOf<'runExport'>) => {
      const mine = ++ticket.current;
      setState({ subject, saving: true, outcome: null, error: null });
      const result = await api.call('runExport', request);
      if (mine !== ticket.current) return;
      setState({ subject, saving: false, outcome: result.ok ? result.value : null, error: result.ok ? null : result.error });
    },
    [subject],
  );
  const clear = useCallback(() => {
    ticket.current++;
    setState({ subject, saving: false, outcome: null, error: null });
  }, [subject]);
  return { ...current, save, clear };
}

/** "Saved to <path>" in one line, with a download in the browser host; a refusal in red. */
export function SavedFileNote({ exp, label }: { exp: FileExport; label: string }) {
  const [downloadError, setDownloadError] = useState<string | null>(null);
  if (exp.error) {
    return (
      <p className="saved-file error" role="alert">
        {label} could not be saved: {exp.error.message}
        <button type="button" className="link-button" aria-label="Dismiss" onClick={exp.clear}>
          ×
        </button>
      </p>
    );
  }
  if (!exp.outcome) return null;
  const { outcome } = exp;
  return (
    <p className="saved-file" role="status" aria-label={`Saved: ${label}`}>
      <span className="saved-what">
        {outcome.format === 'html' ? 'HTML report' : `${outcome.format.toUpperCase()} · ${formatCount(outcome.rows)} rows`}
      </span>
      <span className="saved-path">
        Saved to <code>{outcome.path}</code>
      </span>
      {api.transport === 'browser' && (
        <button type="button" className="link" onClick={() => void downloadExport(outcome.fileName).then((e) => setDownloadError(e ? e.message : null))}>
          Download a copy
        </button>
      )}
      {downloadError && <span className="inline-error">{downloadError}</span>}
      <button type="button" className="link-button" aria-label="Dismiss" title="Dismiss" onClick={exp.clear}>
        ×
      </button>
    </p>
  );
}
