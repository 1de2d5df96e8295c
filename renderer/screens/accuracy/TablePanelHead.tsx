import type { ReactNode } from 'react';
import type { RequestOf } from '../../../shared/contract';
import { SavedFileNote, type FileExport } from '../../components/FileExport';

/**
 * Writes the table as the backend computes it (runExport, what 'accuracy') into
 * the workbook's exports folder, in the desktop app and the browser host alike;
 * the panel shows where the file went (SavedFileNote) beneath its heading.
 */
function ExportTableButton({ label, request, exp }: { label: string; request: RequestOf<'runExport'>; exp: FileExport }) {
  return (
    <button
      type="button"
      className="small"
      aria-label={`Export CSV: ${label}`}
      disabled={exp.saving}
      title={`Save ${label} as a CSV file in the workbook’s exports folder`}
      onClick={() => void exp.save(request)}
    >
      {exp.saving ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

/** An accuracy table's heading: its title, what it shows (`children`), its Export CSV button, and where the file went. */
export function TablePanelHead({
  titleId,
  title,
  label,
  exp,
  request,
  children,
}: {
  titleId: string;
  title: string;
  /** The table's name, for the button and the saved-file note. */
  label: string;
  exp: FileExport;
  /** What the button exports; none while there is no table to export. */
  request: RequestOf<'runExport'> | null;
  children?: ReactNode;
}) {
  return (
    <>
      <div className="panel-head">
        <h3 id={titleId}>{title}</h3>
        {children}
        <span className="spacer" />
        {request && <ExportTableButton label={label} exp={exp} request={request} />}
      </div>
      <SavedFileNote exp={exp} label={label} />
    </>
  );
}
