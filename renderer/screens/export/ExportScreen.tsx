import { useEffect } from 'react';
import type { ExportFormat } from '../../../shared/exports';
import { formatCount, formatRunLabel, formatTimestamp } from '../../../shared/format';
import { Choice } from '../../components/Choice';
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
        <Choice label="What" caption="What" value={s.choice} options={EXPORT_CHOICES.map((c) => ({ value: c, label: CHOICE_LABELS[c] }))} disabled={s.running} onChange={(c) => s.setChoice(c as ExportChoice)} />
        {needsRun && (
          <Choice
            label="Run"
            caption="Run"
            value={s.runId ?? ''}
            options={s.runs.map((r) => ({ value: r.runId, label: `${formatRunLabel(r)} · ${formatCount(r.lines)} lines` }))}
            disabled={s.running || s.runs.length === 0}
            onChange={(runId) => void s.setRun(Number(runId))}
          />
        )}
        {s.choice === 'version' && (
          <Choice
            label="Version"
            caption="Version"
            value={s.version ?? ''}
            any={s.releases.length === 0 ? 'never released' : undefined}
            options={s.releases.map((r) => ({ value: r.version, label: `v${r.version}${r.kind === 'rollback' ? ` (rollback to v${r.restoresVersion})` : ''} · ${formatTimestamp(r.releasedAt)}${r.current ? ' · current' : ''}` }))}
            disabled={s.running || s.releases.length === 0}
            onChange={(version) => s.setVersion(Number(version))}
          />
        )}
        {s.choice === 'quarantine' && (
          <Choice
            label="Import batch"
            caption="Import"
            value={s.batchId ?? ''}
            any={s.batches.length === 0 ? 'no import has quarantined rows' : undefined}
            options={s.batches.map((b) => ({ value: b.batchId, label: `Batch ${b.batchId} · ${b.fileName} · ${formatCount(b.rowsQuarantined)} rows` }))}
            disabled={s.running || s.batches.length === 0}
            onChange={(batchId) => s.setBatch(Number(batchId))}
          />
        )}
        {s.choice === 'accuracy' && <AccuracyExportFields disabled={s.running} />}
        <Choice label="Format" caption="Format" value={s.format} options={formats.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))} disabled={s.running || formats.length < 2} onChange={(f) => s.setFormat(f as ExportFormat)} />
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
