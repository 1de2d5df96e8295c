import type { ImportOutcome } from '../../../shared/domain';
import { formatCount, formatPeriod } from '../../../shared/format';
import { withScreenHint } from './hints';

/** What the import did: counts, runs created, warnings; or why the file was refused. */
export function ImportOutcomeView({ outcome }: { outcome: ImportOutcome }) {
  if (outcome.refused) {
    return (
      <div className="banner error" role="alert">
        <strong>{outcome.file} was not imported.</strong> {withScreenHint(outcome.refused.message, outcome.refused.hint)}
        {outcome.errors.length > 0 && (
          <ul className="errors">
            {outcome.errors.slice(0, 10).map((e, i) => (
              <li key={i}>
                row {e.row}
                {e.column ? `, column ${e.column}` : ''}: {withScreenHint(e.reason, e.hint)}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="banner ok" role="status">
      <strong>
        Batch {outcome.batchId}: {outcome.file}
      </strong>{' '}
      · {formatCount(outcome.rowsRead)} rows read · {formatCount(outcome.rowsAccepted)} accepted · {formatCount(outcome.rowsQuarantined)} quarantined
      {outcome.runs.length > 0 && (
        <span>
          {' '}
          · runs:{' '}
          {outcome.runs.map((r) => `${r.model}${r.modelVersion ? ` ${r.modelVersion}` : ''} @ ${formatPeriod(r.origin)} (${formatCount(r.lines)} lines)`).join(', ')}
        </span>
      )}
      {outcome.warnings.map((w, i) => (
        <div key={i} className="warning">
          {withScreenHint(w.message, w.hint)}
        </div>
      ))}
    </div>
  );
}
