import { api } from '../../api';
import { downloadCsv, type CsvTable } from './csv';

/**
 * The desktop shell refuses page downloads (files are written by the backend,
 * electron/main/security.ts), so there the button says why it is off.
 */
export function ExportCsvButton({ table, label }: { table: () => CsvTable; label: string }) {
  const desktop = api.transport === 'desktop';
  return (
    <button
      type="button"
      className="small"
      aria-label={`Export CSV: ${label}`}
      disabled={desktop}
      title={desktop ? 'In the desktop app, accuracy tables are saved through the Export screen once it offers them.' : `Save ${label} as a CSV file`}
      onClick={() => downloadCsv(table())}
    >
      Export CSV
    </button>
  );
}
