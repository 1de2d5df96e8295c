import { formatCount } from '../../../shared/format';
import { useImportStore } from '../../stores/import';

/** Rows that failed validation: where, why, and the text as it was in the file. */
export function QuarantineTable() {
  const quarantine = useImportStore((s) => s.quarantine);
  if (!quarantine) return null;
  return (
    <section aria-labelledby="quarantine-title" className="panel">
      <h3 id="quarantine-title">
        Quarantine of batch {quarantine.batchId} · {formatCount(quarantine.total)} rows
        {quarantine.total > quarantine.rows.length ? ` (first ${formatCount(quarantine.rows.length)} shown)` : ''}
      </h3>
      <div className="table-scroll">
        <table className="table" aria-label="Quarantined rows">
          <thead>
            <tr>
              <th scope="col" className="num">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Reason</th>
              <th scope="col">Raw text</th>
            </tr>
          </thead>
          <tbody>
            {quarantine.rows.map((r, i) => (
              <tr key={i}>
                <td className="num">{r.rowNumber}</td>
                <td>{r.column ?? ''}</td>
                <td>{r.reason}</td>
                <td className="raw">{r.raw ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
