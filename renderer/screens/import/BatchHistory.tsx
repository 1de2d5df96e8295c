import { useEffect, useState } from 'react';
import type { ImportBatchSummary } from '../../../shared/domain';
import { formatCount, formatTimestamp } from '../../../shared/format';
import { api } from '../../api';
import { useAppStore } from '../../stores/app';
import { useImportStore } from '../../stores/import';

const KIND_LABELS: Record<string, string> = { sales_inputs: 'sales inputs' };

/** Every file (or demo seeding) that put data in this workbook: the provenance record. */
export function BatchHistory() {
  const revision = useAppStore((s) => s.revision);
  const showQuarantine = useImportStore((s) => s.showQuarantine);
  const [batches, setBatches] = useState<ImportBatchSummary[] | null>(null);
  useEffect(() => {
    void api.call('listImportBatches', {}).then((r) => setBatches(r.ok ? r.value.batches : []));
  }, [revision]);
  return (
    <section aria-labelledby="batches-title" className="panel grow">
      <h3 id="batches-title">Import history {batches ? `· ${formatCount(batches.length)} batches` : ''}</h3>
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
            </tr>
          </thead>
          <tbody>
            {batches?.map((b) => (
              <tr key={b.batchId}>
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
                  {b.sha256 ? b.sha256.slice(0, 12) : '–'}
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
