import type { ImportFileKind } from '../../../shared/domain';
import { useImportStore } from '../../stores/import';

/** Options that matter for the chosen kind; everything else is detected from the file. */
export function ImportOptions({ kind }: { kind: ImportFileKind }) {
  const options = useImportStore((s) => s.options);
  const setOptions = useImportStore((s) => s.setOptions);
  const runs = kind === 'forecasts' || kind === 'decisions';
  return (
    <fieldset className="options">
      <legend>Options</legend>
      {runs && (
        <>
          <label>
            <span>Model</span>
            <input aria-label="Model name" placeholder="from the file" value={options.model} onChange={(e) => setOptions({ model: e.target.value })} />
          </label>
          <label>
            <span>Version</span>
            <input aria-label="Model version" placeholder="from the file" value={options.modelVersion} onChange={(e) => setOptions({ modelVersion: e.target.value })} />
          </label>
          <label>
            <span>Origin</span>
            <input
              type="date"
              aria-label="Origin"
              title="Left empty: the file's origin (or cutoff) column, else each series' last actual before its first forecast period"
              value={options.origin}
              onChange={(e) => setOptions({ origin: e.target.value })}
            />
          </label>
        </>
      )}
      {kind !== 'items' && kind !== 'decisions' && (
        <label>
          <span>Unknown items</span>
          <select aria-label="Unknown items" value={options.unknownItems} onChange={(e) => setOptions({ unknownItems: e.target.value as 'create' | 'reject' })}>
            <option value="reject">quarantine their rows</option>
            <option value="create">create them</option>
          </select>
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={options.strict} onChange={(e) => setOptions({ strict: e.target.checked })} />
        <span>Strict: any bad row rejects the whole file</span>
      </label>
      <label className="check">
        <input type="checkbox" checked={options.force} onChange={(e) => setOptions({ force: e.target.checked })} />
        <span>Import again even if already imported</span>
      </label>
    </fieldset>
  );
}
