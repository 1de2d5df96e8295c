import { useEffect, useState } from 'react';
import type { ImportBatchSummary } from '../../../shared/domain';
import { formatCount, formatTimestamp } from '../../../shared/format';
import { api } from '../../api';
import { useAppStore } from '../../stores/app';

/** The batch history: every file (or demo seeding) that put data in this workbook. */
export function ImportScreen() {
  const revision = useAppStore((s) => s.revision);
  const [batches, setBatches] = useState<ImportBatchSummary[] | null>(null);
  useEffect(() => {
    void api.call('listImportBatches', {}).then((r) => setBatches(r.ok ? r.value.batches : []));
  }, [revision]);
  return (
    <section className="screen" aria-labelledby="import-title">
      <div className="toolbar">
        <h2 id="import-title">Import</h2>
      </div>
      <p className="notice">Importing files is not available in this build yet. The batches below show where this workbook’s data came from.</p>
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
          </tr>
        </thead>
        <tbody>
          {batches?.map((b) => (
            <tr key={b.batchId}>
              <td className="num">{b.batchId}</td>
              <td>{b.kind}</td>
              <td title={b.sha256 ?? undefined}>{b.fileName}</td>
              <td>{b.modelName ? `${b.modelName} ${b.modelVersion ?? ''}` : ''}</td>
              <td className="num">{formatCount(b.rowsRead)}</td>
              <td className="num">{formatCount(b.rowsAccepted)}</td>
              <td className="num">{formatCount(b.rowsQuarantined)}</td>
              <td>{b.importedBy ?? ''}</td>
              <td>{formatTimestamp(b.importedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {batches?.length === 0 && <p className="empty">No imports yet.</p>}
    </section>
  );
}
