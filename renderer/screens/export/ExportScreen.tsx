import { useEffect } from 'react';
import type { ExportFormat } from '../../../shared/exports';
import { formatCount, formatPeriod, formatTimestamp } from '../../../shared/format';
import { useAppStore } from '../../stores/app';
import { EXPORT_CHOICES, formatsFor, selectionOf, useExportStore, type ExportChoice } from '../../stores/export';
import { AccuracyExportFields } from './AccuracyExportFields';
import { ExportOutcomeView } from './ExportOutcomeView';
import { ExportPreviewTable } from './ExportPreviewTable';

const CHOICE_LABELS: Record<ExportChoice, string> = {
  plan: 'Reconciled plan of a run',
  version: 'Released plan version',
  quarantine: 'Quarantined rows of an import',
  audit: 'Audit log',
  accuracy: 'Accuracy table',
  governance: 'Governance report (HTML)',
};
const FORMAT_LABELS: Record<ExportFormat, string> = { csv: 'CSV', xlsx: 'Excel (XLSX)', html: 'HTML' };

/** What the chosen format does to the data, and where the file goes. */
function FormatHint({ choice }: { choice: ExportChoice }) {
  if (choice === 'governance') {
    return (
      <p className="hint">
        HTML: one self-contained file — the seven questions answered with figures, tables and the charts embedded as SVG; it prints on A4. The preview lists its headline figures.
        Files go to the <code>exports</code> folder next to the workbook.
      </p>
    );
  }
  return (
    <p className="hint">
      CSV: RFC 4180, UTF-8, formula-looking text prefixed with an apostrophe. XLSX: typed numbers and dates, frozen header.
      {choice === 'accuracy' && ' Accuracy figures are the backend’s, as on the Accuracy screen (FVA in points of the metric, 95 % intervals).'} Files go to the <code>exports</code> folder next
      to the workbook.
    </p>
  );
}

export function ExportScreen() {
  const s = useExportStore();
  const revision = useAppStore((a) => a.revision);
  const job = useAppStore((a) => a.job);
  const progress = s.running && job?.job === 'export' && !job.finished ? job : null;

  useEffect(() => {
    void useExportStore.getState().load();
  }, [revision]);

  const ready = selectionOf(s) !== null && !s.running;
  const needsRun = s.choice === 'plan' || s.choice === 'version';
  const formats = formatsFor(s.choice);
  return (
    <section className="screen export" aria-labelledby="export-title">
      <div className="toolbar">
        <h2 id="export-title">Export</h2>
        <label>
          <span>What</span>
          <select aria-label="What" value={s.choice} onChange={(e) => s.setChoice(e.target.value as ExportChoice)} disabled={s.running}>
            {EXPORT_CHOICES.map((c) => (
              <option key={c} value={c}>
                {CHOICE_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        {needsRun && (
          <label>
            <span>Run</span>
            <select aria-label="Run" value={s.runId ?? ''} onChange={(e) => void s.setRun(Number(e.target.value))} disabled={s.running || s.runs.length === 0}>
              {s.runs.map((r) => (
                <option key={r.runId} value={r.runId}>
                  {`${r.modelName} ${r.modelVersion} · origin ${formatPeriod(r.origin, r.grain)} · ${formatCount(r.lines)} lines`}
                </option>
              ))}
            </select>
          </label>
        )}
        {s.choice === 'version' && (
          <label>
            <span>Version</span>
            <select aria-label="Version" value={s.version ?? ''} onChange={(e) => s.setVersion(Number(e.target.value))} disabled={s.running || s.releases.length === 0}>
              {s.releases.length === 0 && <option value="">never released</option>}
              {s.releases.map((r) => (
                <option key={r.version} value={r.version}>
                  {`v${r.version}${r.kind === 'rollback' ? ` (rollback to v${r.restoresVersion})` : ''} · ${formatTimestamp(r.releasedAt)}${r.current ? ' · current' : ''}`}
                </option>
              ))}
            </select>
          </label>
        )}
        {s.choice === 'quarantine' && (
          <label>
            <span>Import</span>
            <select aria-label="Import batch" value={s.batchId ?? ''} onChange={(e) => s.setBatch(Number(e.target.value))} disabled={s.running || s.batches.length === 0}>
              {s.batches.length === 0 && <option value="">no import has quarantined rows</option>}
              {s.batches.map((b) => (
                <option key={b.batchId} value={b.batchId}>
                  {`Batch ${b.batchId} · ${b.fileName} · ${formatCount(b.rowsQuarantined)} rows`}
                </option>
              ))}
            </select>
          </label>
        )}
        {s.choice === 'accuracy' && <AccuracyExportFields disabled={s.running} />}
        <label>
          <span>Format</span>
          <select aria-label="Format" value={s.format} onChange={(e) => s.setFormat(e.target.value as ExportFormat)} disabled={s.running || formats.length < 2}>
            {formats.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void s.runExport()} disabled={!ready}>
          Export
        </button>
        {progress && (
          <span className="progress" role="status">
            <progress aria-label="Export progress" max={progress.total ?? undefined} value={progress.done} />
            {progress.total ? `${Math.round((100 * progress.done) / progress.total)} %` : ''} · {formatCount(progress.done)} rows
          </span>
        )}
        {s.running && !progress && <span role="status">Exporting…</span>}
      </div>
      <FormatHint choice={s.choice} />
      {s.error && (
        <div className="banner error" role="alert">
          {s.error.message}
        </div>
      )}
      {s.outcome && <ExportOutcomeView outcome={s.outcome} />}
      {s.choice === 'version' && s.runId !== null && s.releases.length === 0 && (
        <p className="notice">This run’s plan was never released; release it on the Review screen, or export the plan as it stands.</p>
      )}
      {s.preview ? <ExportPreviewTable preview={s.preview} /> : s.previewing ? <p className="empty">Loading the preview…</p> : null}
    </section>
  );
}
