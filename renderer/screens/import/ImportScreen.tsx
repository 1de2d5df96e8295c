import { useEffect } from 'react';
import { IMPORT_FILE_KINDS, type ImportFileKind } from '../../../shared/domain';
import { IMPORT_KINDS_BY_ROLE, importKindsNote } from '../../../shared/import-rules';
import { formatBytes, formatCount } from '../../../shared/format';
import { Choice } from '../../components/Choice';
import { useAppStore } from '../../stores/app';
import { useImportStore } from '../../stores/import';
import { useSessionStore } from '../../stores/session';
import { BatchHistory } from './BatchHistory';
import { FileDrop } from './FileDrop';
import { KIND_LABELS, withScreenHint } from './hints';
import { ImportOptions } from './ImportOptions';
import { ImportOutcomeView } from './ImportOutcomeView';
import { MappingEditor } from './MappingEditor';
import { PreviewTable } from './PreviewTable';
import { QuarantineTable } from './QuarantineTable';



export function ImportScreen() {
  const { kind, setKind, staged, preview, running, outcome, error, runImport, reset } = useImportStore();
  // Only the kinds the person may import are offered; the backend refuses the others on every way in.
  const user = useSessionStore((s) => s.session?.user ?? null);
  const kinds = user ? IMPORT_KINDS_BY_ROLE[user.role] : IMPORT_FILE_KINDS;
  const note = user ? importKindsNote(user) : null;
  useEffect(() => {
    if (!kinds.includes(kind)) setKind(kinds[0]!);
  }, [kinds, kind, setKind]);
  const job = useAppStore((s) => s.job);
  const progress = running && job?.job === 'import' && !job.finished ? job : null;
  const canImport = !!preview && preview.missing.length === 0 && !preview.otherKind && !running;
  const f = preview?.format;

  return (
    <section className="screen import" aria-labelledby="import-title">
      <div className="toolbar">
        <h2 id="import-title">Import</h2>
        <Choice label="Kind of data" caption="Kind" value={kind} options={kinds.map((k) => ({ value: k, label: KIND_LABELS[k] }))} disabled={running} onChange={(k) => setKind(k as ImportFileKind)} />
        {note && (
          <span className="hint" role="note">
            {note}
          </span>
        )}
        <FileDrop />
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error.file ? `${error.file}${error.row ? `, row ${error.row}` : ''}${error.column ? `, column ${error.column}` : ''}: ` : ''}
          {withScreenHint(error.message, error.hint)}
        </div>
      )}
      {staged && preview && (
        <section className="panel" aria-labelledby="preview-title">
          <h3 id="preview-title">
            {staged.name} · {formatBytes(staged.size)} · {f?.format.toUpperCase()}
            {f?.delimiter ? ` · delimiter ${f.delimiter === '\t' ? 'tab' : `“${f.delimiter}”`}` : ''}
            {f?.encoding ? ` · ${f.encoding}` : ''}
            {f?.decimalComma ? ' · decimal comma' : ''}
            {f?.sheet ? ` · sheet ${f.sheet}` : ''}
            {f?.leadingIndex ? ' · unnamed first column (row index) ignored' : ''} · layout {preview.layout}
            {preview.models.length ? ` · models ${preview.models.join(', ')}` : ''}
          </h3>
          <div className="import-setup">
            <MappingEditor preview={preview} />
            <ImportOptions kind={kind} />
          </div>
          {preview.otherKind && (
            <p className="banner error" role="alert">
              {withScreenHint(preview.otherKind.message, preview.otherKind.hint)}.
            </p>
          )}
          {preview.missing.length > 0 && !preview.otherKind && (
            <p className="banner error" role="alert">
              Map the required fields first: {preview.missing.join(', ')}.
            </p>
          )}
          <PreviewTable preview={preview} />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void runImport()} disabled={!canImport}>
              Import file
            </button>
            <button type="button" onClick={reset} disabled={running}>
              Cancel
            </button>
            {progress && (
              <span className="progress" role="status">
                <progress aria-label="Import progress" max={progress.total ?? undefined} value={progress.done} />
                {progress.total ? `${Math.round((100 * progress.done) / progress.total)} %` : ''} · {progress.phase} · {progress.message ?? ''}
              </span>
            )}
            {running && !progress && <span role="status">Starting…</span>}
          </div>
        </section>
      )}
      {outcome && <ImportOutcomeView outcome={outcome} />}
      <QuarantineTable />
      <BatchHistory />
    </section>
  );
}
