// The flags that choose an accuracy figure's metric and lines, read the same way
// by `fwb accuracy` and `fwb export --what accuracy`.
import { METRICS, type AccuracyFilter, type Metric } from '../../shared/accuracy';
import { parseIsoDate } from '../../shared/period';
import { UsageError } from './io';

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, got "${text}"`);
  return n;
}

function isoDate(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!parseIsoDate(text)) throw new UsageError(`--${flag} must be a date written YYYY-MM-DD (the first day of a period), got "${text}"`);
  return text;
}

/** --metric, WAPE when not given. */
export function metricFlag(text: string | undefined): Metric {
  const metric = (text ?? 'wape').toLowerCase() as Metric;
  if (!METRICS.includes(metric)) throw new UsageError(`unknown --metric "${text}": --metric must be one of ${METRICS.join(', ')}`);
  return metric;
}

/** --run, --lag, --from and --to as the engine's filter. */
export function accuracyFilterFlags(values: { run?: string; lag?: string; from?: string; to?: string }): AccuracyFilter {
  const filter: AccuracyFilter = {};
  const lag = wholeNumber('lag', values.lag, 0);
  const runId = wholeNumber('run', values.run, 1);
  const fromPeriod = isoDate('from', values.from);
  const toPeriod = isoDate('to', values.to);
  if (fromPeriod !== undefined && toPeriod !== undefined && fromPeriod > toPeriod) throw new UsageError(`--from ${fromPeriod} is after --to ${toPeriod}`);
  if (runId !== undefined) filter.runId = runId;
  if (lag !== undefined) filter.lag = lag;
  if (fromPeriod !== undefined) filter.fromPeriod = fromPeriod;
  if (toPeriod !== undefined) filter.toPeriod = toPeriod;
  return filter;
}
