import { useEffect, useRef, useState } from 'react';
import type { ImportBatchSummary } from '../../../shared/domain';
import { formatCount, formatTimestamp, formatUndoOutcome, NO_VALUE } from '../../../shared/format';
import { api } from '../../api';
import { useAppStore } from '../../stores/app';
import { useImportStore } from '../../stores/import';

const KIND_LABELS: Record<string, string> = { sales_inputs: 'sales inputs' };
/** Decision history is in the append-only journal and the demo data is the workbook itself: neither is offered. */
const undoable = (b: ImportBatchSummary) => b.undoneAt === null && b.kind !== 'demo' && b.kind !== 'decisions';

/** Every file (or demo seeding) that put data in this workbook: the provenance record, and undo of a batch. */
export function BatchHistory() {
  const revision = useAppStore((s) => s.revision);
  const showQuarantine = useImportStore((s) => s.showQuarantine);
  const undo = useImportStore((s) => s.undo);
  const undoBatch = useImportStore((s) => s.undoBatch);
  const [batches, setBatches] = useState<ImportBatchSummary[] | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    void api.call('listImportBatches', {}).then((r) => setBatches(r.ok ? r.value.batches : []));
  }, [revision, undo?.outcome]);
  useEffect(() => confirmButton.current?.focus(), [confirming]);

  const pending = confirming === null ? null : (batches?.find((b) => b.batchId === confirming) ?? null);

  async function confirmUndo(batchId: number) {
    setConfirming(null);
    await undoBatch(batchId);
  }

  return (
    <section aria-labelledby="batches-title" className="panel grow">
      <h3 id="batches-title">Import history {batches ? `· ${formatCount(batches.length)} batches` : ''}</h3>
      {undo?.outcome && (
        <p className="banner ok" role="status">
          <strong>Batch {undo.outcome.batchId} undone</strong> ({undo.outcome.fileName}): {formatUndoOutcome(undo.outcome)}. Its record stays below; the file can be imported again.
        </p>
      )}
      {undo?.error && (
        <p className="banner error" role="alert">
          <strong>Not undone.</strong> {undo.error.message}
        </p>
      )}
      {pending && (
        <div className="confirm-undo" role="group" aria-label={`Confirm undo of batch ${pending.batchId}`} onKeyDown={(e) => e.key === 'Escape' && setConfirming(null)}>
          <span>
            Undo batch {pending.batchId} ({pending.fileName})? Its {pending.kind === 'items' ? 'items' : pending.kind === 'forecasts' ? 'runs and lines' : KIND_LABELS[pending.kind] ?? pending.kind} and the items
            only it created are removed; the record stays here, marked undone.
          </span>
          <button type="button" ref={confirmButton} className="danger" onClick={() => void confirmUndo(pending.batchId)}>
            Undo batch {pending.batchId}
          </button>
          <button type="button" onClick={() => setConfirming(null)}>
            Keep
          </button>
        </div>
      )}
      <div className="table-scroll">
        <table className="table" aria-label="Import batches">
          <thead>
            <tr>
              <th scope="col" className="num">Batch</th>
              <th scope="col">Kind</th>
              <th scope="col">File</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">Rows read</th>
              <th scope="col" className="num">Accepted</th>
              <th scope="col" className="num">Quarantined</th>
              <th scope="col">By</th>
              <th scope="col">At (UTC)</th>
              <th scope="col">SHA-256</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {batches?.map((b) => (
              <tr key={b.batchId} className={b.undoneAt ? 'undone' : confirming === b.batchId ? 'confirming' : undefined}>
                <td className="num">{b.batchId}</td>
                <td>{KIND_LABELS[b.kind] ?? b.kind}</td>
                <td>{b.fileName}</td>
                <td>{b.modelName ? `${b.modelName} ${b.modelVersion ?? ''}` : ''}</td>
                <td className="num">{formatCount(b.rowsRead)}</td>
                <td className="num">{formatCount(b.rowsAccepted)}</td>
                <td className="num">
                  {b.rowsQuarantined > 0 ? (
                    <button type="button" className="link" onClick={() => void showQuarantine(b.batchId)} aria-label={`Show ${b.rowsQuarantined} quarantined rows of batch ${b.batchId}`}>
                      {formatCount(b.rowsQuarantined)}
                    </button>
                  ) : (
                    '0'
                  )}
                </td>
                <td>{b.importedBy ?? ''}</td>
                <td>{formatTimestamp(b.importedAt)}</td>
                <td className="hash" title={b.sha256 ?? undefined}>
                  {b.sha256 ? b.sha256.slice(0, 12) : NO_VALUE}
                </td>
                <td>
                  {b.undoneAt ? (
                    <span className="muted undone-note">
                      undone{b.undoneBy ? ` by ${b.undoneBy}` : ''}
                      <br />
                      {formatTimestamp(b.undoneAt)}
                    </span>
                  ) : undoable(b) ? (
                    <button type="button" className="link" disabled={undo?.running === true} onClick={() => setConfirming(b.batchId)} aria-label={`Undo batch ${b.batchId}…`} aria-pressed={confirming === b.batchId}>
                      Undo…
                    </button>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {batches?.length === 0 && <p className="empty">No imports yet.</p>}
    </section>
  );
}
