import { formatCount } from '../../../shared/format';
import type { QuarantineRow } from '../../../shared/domain';
import { DataTable, type Column } from '../../components/DataTable';
import { useImportStore } from '../../stores/import';

const COLUMNS: Column<QuarantineRow>[] = [
  { key: 'row', head: 'Row', num: true, cell: (r) => r.rowNumber },
  { key: 'column', head: 'Column', cell: (r) => r.column ?? '' },
  { key: 'reason', head: 'Reason', cell: (r) => r.reason },
  { key: 'raw', head: 'Raw text', cell: (r) => r.raw ?? '', cellProps: () => ({ className: 'raw' }) },
];

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
        <DataTable label="Quarantined rows" className="table" columns={COLUMNS} rows={quarantine.rows} rowKey={(_, i) => i} />
      </div>
    </section>
  );
}
