import { LINE_SLICES, METRIC_LABELS, METRICS, OVERRIDE_SLICES, SLICE_LABELS, type Metric } from '../../../shared/accuracy';
import { AttributeSliceOptions } from '../accuracy/AttributeSliceOptions';
import { useExportStore } from '../../stores/export';

/** The accuracy tables in the planner's words, grouped as the Accuracy screen shows them. */
const SUMMARY_TABLES: { by: string; label: string }[] = [
  { by: 'stairstep', label: 'FVA stairstep' },
  { by: 'model', label: 'Forecast source ranking' },
  { by: 'direction_size', label: 'Direction × size of overrides' },
];

/** Which accuracy table, in which metric, over which lines: the Export screen's fields for `what: accuracy`. */
export function AccuracyExportFields({ disabled }: { disabled: boolean }) {
  const accuracy = useExportStore((s) => s.accuracy);
  const options = useExportStore((s) => s.accuracyOptions);
  const attributes = useExportStore((s) => s.attributes);
  const setAccuracy = useExportStore((s) => s.setAccuracy);
  return (
    <>
      <label>
        <span>Table</span>
        <select aria-label="Accuracy table" value={accuracy.by} onChange={(e) => setAccuracy({ by: e.target.value })} disabled={disabled}>
          {SUMMARY_TABLES.map((t) => (
            <option key={t.by} value={t.by}>
              {t.label}
            </option>
          ))}
          <optgroup label="Overridden lines by">
            {OVERRIDE_SLICES.map((s) => (
              <option key={s} value={s}>
                {SLICE_LABELS[s]}
              </option>
            ))}
          </optgroup>
          <optgroup label="All lines by">
            {LINE_SLICES.map((s) => (
              <option key={s} value={s}>
                {SLICE_LABELS[s]}
              </option>
            ))}
          </optgroup>
          <AttributeSliceOptions attributes={attributes} label="All lines by item attribute" />
        </select>
      </label>
      <label>
        <span>Metric</span>
        <select aria-label="Metric" value={accuracy.metric} onChange={(e) => setAccuracy({ metric: e.target.value as Metric })} disabled={disabled}>
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <select aria-label="Lag" value={accuracy.lag} onChange={(e) => setAccuracy({ lag: e.target.value })} disabled={disabled || !options}>
        <option value="">All lags</option>
        {options?.lags.map((l) => (
          <option key={l} value={l}>
            Lag {l}
          </option>
        ))}
      </select>
      <select aria-label="Category" value={accuracy.category} onChange={(e) => setAccuracy({ category: e.target.value })} disabled={disabled || !options}>
        <option value="">All categories</option>
        {options?.categories.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </>
  );
}
