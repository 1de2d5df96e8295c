import { LINE_SLICES, OVERRIDE_SLICES, SLICE_LABELS, type Metric, type Slice } from '../../../shared/accuracy';
import { Choice, lagOptions, plainOptions } from '../../components/Choice';
import { METRIC_OPTIONS } from '../accuracy/AccuracyToolbar';
import { AttributeSliceOptions } from '../accuracy/AttributeSliceOptions';
import { useExportStore } from '../../stores/export';

/** The accuracy tables in the planner's words, grouped as the Accuracy screen shows them. */
const SUMMARY_TABLES: { by: string; label: string }[] = [
  { by: 'stairstep', label: 'FVA stairstep' },
  { by: 'model', label: 'Forecast source ranking' },
  { by: 'direction_size', label: 'Direction × size of overrides' },
];

/** The slices, as the Accuracy screen groups them: what the overrides did, then every line. */
const SLICE_GROUPS: [string, readonly Slice[]][] = [
  ['Overridden lines by', OVERRIDE_SLICES],
  ['All lines by', LINE_SLICES],
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
          {SLICE_GROUPS.map(([group, slices]) => (
            <optgroup key={group} label={group}>
              {slices.map((s) => (
                <option key={s} value={s}>
                  {SLICE_LABELS[s]}
                </option>
              ))}
            </optgroup>
          ))}
          <AttributeSliceOptions attributes={attributes} label="All lines by item attribute" />
        </select>
      </label>
      <Choice label="Metric" caption="Metric" value={accuracy.metric} options={METRIC_OPTIONS} disabled={disabled} onChange={(metric) => setAccuracy({ metric: metric as Metric })} />
      <Choice label="Lag" value={accuracy.lag} any="All lags" options={lagOptions(options?.lags)} disabled={disabled || !options} onChange={(lag) => setAccuracy({ lag })} />
      <Choice label="Category" value={accuracy.category} any="All categories" options={plainOptions(options?.categories)} disabled={disabled || !options} onChange={(category) => setAccuracy({ category })} />
    </>
  );
}
