import type { RequestOf } from '../../../shared/contract';
import type { FileExport } from '../../components/FileExport';

/**
 * Writes the table as the backend computes it (runExport, what 'accuracy') into
 * the workbook's exports folder, in the desktop app and the browser host alike;
 * the panel shows where the file went (SavedFileNote) beneath its heading.
 */
export function ExportTableButton({ label, request, exp }: { label: string; request: RequestOf<'runExport'> | null; exp: FileExport }) {
  return (
    <button
      type="button"
      className="small"
      aria-label={`Export CSV: ${label}`}
      disabled={!request || exp.saving}
      title={`Save ${label} as a CSV file in the workbook’s exports folder`}
      onClick={() => request && void exp.save(request)}
    >
      {exp.saving ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}
