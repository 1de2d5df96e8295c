import { METRIC_LABELS, METRICS, type AccuracyOptions, type Metric } from '../../../shared/accuracy';
import { formatCount, formatPeriod } from '../../../shared/format';
import { addBuckets, type Grain } from '../../../shared/period';
import { NO_ACCURACY_FILTER, type AccuracyFilterForm } from '../../stores/accuracy';

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
      <select aria-label="Run" value={filter.runId} onChange={(e) => onFilter({ runId: e.target.value })}>
        <option value="">All runs</option>
        {options?.runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {r.label}
          </option>
        ))}
      </select>
      <select aria-label="Model" value={filter.model} onChange={(e) => onFilter({ model: e.target.value })}>
        <option value="">All models</option>
        {options?.models.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
      <label>
        <span>Periods</span>
        <select aria-label="From period" value={filter.fromPeriod} onChange={(e) => onFilter({ fromPeriod: e.target.value })}>
          <option value="">from the first</option>
          {periods.map((p) => (
            <option key={p} value={p} disabled={filter.toPeriod !== '' && p > filter.toPeriod}>
              {formatPeriod(p, grain)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span aria-hidden="true">–</span>
        <select aria-label="To period" value={filter.toPeriod} onChange={(e) => onFilter({ toPeriod: e.target.value })}>
          <option value="">to the last</option>
          {periods.map((p) => (
            <option key={p} value={p} disabled={filter.fromPeriod !== '' && p < filter.fromPeriod}>
              {formatPeriod(p, grain)}
            </option>
          ))}
        </select>
      </label>
      <select aria-label="Lag" value={filter.lag} onChange={(e) => onFilter({ lag: e.target.value })}>
        <option value="">All lags</option>
        {options?.lags.map((l) => (
          <option key={l} value={l}>
            Lag {l}
          </option>
        ))}
      </select>
      <select aria-label="Category" value={filter.category} onChange={(e) => onFilter({ category: e.target.value })}>
        <option value="">All categories</option>
        {options?.categories.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <select aria-label="Owner" value={filter.owner} onChange={(e) => onFilter({ owner: e.target.value })}>
        <option value="">All owners</option>
        {options?.owners.map((o) => (
          <option key={o.userId} value={o.userId}>
            {o.name}
          </option>
        ))}
      </select>
      <label>
        <span>Metric</span>
        <select aria-label="Metric" value={metric} onChange={(e) => onMetric(e.target.value as Metric)}>
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
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
