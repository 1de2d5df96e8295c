import type { ExportOutcome } from '../../../shared/exports';
import { formatBytes, formatCount } from '../../../shared/format';
import { api } from '../../api';
import { useExportStore } from '../../stores/export';


/** Where the file went: the path on disk, rows and size; in the browser also a download. */
export function ExportOutcomeView({ outcome }: { outcome: ExportOutcome }) {
  const download = useExportStore((s) => s.download);
  return (
    <div className="banner ok export-outcome" role="status" aria-label="Export finished">
      <div>
        {outcome.format === 'html' ? 'HTML report' : `${formatCount(outcome.rows)} rows · ${outcome.format.toUpperCase()}`} · {formatBytes(outcome.bytes)} — {outcome.title}
      </div>
      <div className="export-path">
        Saved to <code>{outcome.path}</code>
        {api.transport === 'browser' && (
          <button type="button" className="link" onClick={() => void download()}>
            Download a copy
          </button>
        )}
      </div>
      {outcome.warnings.map((w) => (
        <div key={w} className="warning">
          {w}
        </div>
      ))}
    </div>
  );
}
