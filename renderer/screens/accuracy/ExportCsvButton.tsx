import { api } from '../../api';
import { downloadCsv, type CsvTable } from './csv';

/**
 * A table built in the page and downloaded by the browser: only the trust map
 * still goes this way (every other accuracy table is written by the backend,
 * ExportTableButton). The desktop shell refuses page downloads
 * (electron/main/security.ts), so there the button says why it is off.
 */
export function ExportCsvButton({ table, label }: { table: () => CsvTable; label: string }) {
  const desktop = api.transport === 'desktop';
  return (
    <button
      type="button"
      className="small"
      aria-label={`Export CSV: ${label}`}
      disabled={desktop}
      title={desktop ? 'The trust map is saved as a file in the browser host only; the figures per category are in the governance report (Governance → Report → Save as HTML).' : `Save ${label} as a CSV file`}
      onClick={() => downloadCsv(table())}
    >
      Export CSV
    </button>
  );
}
