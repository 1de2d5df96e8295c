import { METRIC_LABELS, METRICS, type AccuracyOptions, type Metric } from '../../../shared/accuracy';
import { formatCount, formatPeriod } from '../../../shared/format';
import { addBuckets, type Grain } from '../../../shared/period';
import { Choice, lagOptions, plainOptions, type ChoiceOption } from '../../components/Choice';
import { NO_ACCURACY_FILTER, type AccuracyFilterForm } from '../../stores/accuracy';

/** Every metric, in the words the tables head their columns with. */
export const METRIC_OPTIONS: ChoiceOption[] = METRICS.map((m) => ({ value: m, label: METRIC_LABELS[m] }));

/** Every period between the first and the last with an actual, oldest first. */
function periodsOf(options: AccuracyOptions | null, grain: Grain): string[] {
  if (!options?.firstPeriod || !options.lastPeriod) return [];
  const out: string[] = [];
  for (let p = options.firstPeriod; p <= options.lastPeriod && out.length < 1000; p = addBuckets(p, 1, grain)) out.push(p);
  return out;
}

export function AccuracyToolbar({
  options,
  filter,
  metric,
  grain,
  busy,
  onFilter,
  onMetric,
}: {
  options: AccuracyOptions | null;
  filter: AccuracyFilterForm;
  metric: Metric;
  grain: Grain;
  busy: boolean;
  onFilter: (patch: Partial<AccuracyFilterForm>) => void;
  onMetric: (metric: Metric) => void;
}) {
  const periods = periodsOf(options, grain);
  const filtered = (Object.keys(filter) as (keyof AccuracyFilterForm)[]).some((k) => filter[k] !== '');
  return (
    <div className="toolbar acc-toolbar" role="toolbar" aria-label="Accuracy filters">
      <h2 id="accuracy-title">Accuracy</h2>
      <Choice label="Run" value={filter.runId} any="All runs" options={options?.runs.map((r) => ({ value: r.runId, label: r.label })) ?? []} onChange={(runId) => onFilter({ runId })} />
      <Choice label="Model" value={filter.model} any="All models" options={plainOptions(options?.models)} onChange={(model) => onFilter({ model })} />
      <Choice
        label="From period"
        caption="Periods"
        value={filter.fromPeriod}
        any="from the first"
        options={periods.map((p) => ({ value: p, label: formatPeriod(p, grain), disabled: filter.toPeriod !== '' && p > filter.toPeriod }))}
        onChange={(fromPeriod) => onFilter({ fromPeriod })}
      />
      <Choice
        label="To period"
        caption={<span aria-hidden="true">–</span>}
        value={filter.toPeriod}
        any="to the last"
        options={periods.map((p) => ({ value: p, label: formatPeriod(p, grain), disabled: filter.fromPeriod !== '' && p < filter.fromPeriod }))}
        onChange={(toPeriod) => onFilter({ toPeriod })}
      />
      <Choice label="Lag" value={filter.lag} any="All lags" options={lagOptions(options?.lags)} onChange={(lag) => onFilter({ lag })} />
      <Choice label="Category" value={filter.category} any="All categories" options={plainOptions(options?.categories)} onChange={(category) => onFilter({ category })} />
      <Choice label="Owner" value={filter.owner} any="All owners" options={options?.owners.map((o) => ({ value: o.userId, label: o.name })) ?? []} onChange={(owner) => onFilter({ owner })} />
      <Choice label="Metric" caption="Metric" value={metric} options={METRIC_OPTIONS} onChange={(m) => onMetric(m as Metric)} />
      {filtered && (
        <button type="button" className="small quiet" onClick={() => onFilter(NO_ACCURACY_FILTER)}>
          Clear filters
        </button>
      )}
      <span className="spacer" />
      <span className="run-facts" aria-live="polite">
        {busy ? <span className="busy">Updating…</span> : null}
        {options && (
          <>
            {formatCount(options.linesWithActuals)} lines with actuals
            {options.firstPeriod && options.lastPeriod ? ` · ${formatPeriod(options.firstPeriod, grain)}–${formatPeriod(options.lastPeriod, grain)}` : ''}
          </>
        )}
      </span>
    </div>
  );
}
