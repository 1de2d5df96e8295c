// How accuracy figures read on screen (and in any other display): the metric in
// its units, FVA as signed points, the 95 % interval, shares of a sample. The
// numbers come from the backend; these only turn them into text.
import { LEFT_OUT_WHY, METRIC_LABELS, type Interval, type Metric } from './accuracy';
import { formatCount, formatNumber, formatPercent, NO_VALUE } from './format';

/** Decimals a metric is shown with: MASE is a ratio near 1, the others are % or units. */
export const metricDigits = (metric: Metric): number => (metric === 'mase' ? 2 : 1);

/** A metric value: "17.9", "0.85", "1,234.5"; a negative bias keeps its sign. `digits` for more precision (the CLI's tables). */
export function formatMetricValue(metric: Metric, value: number | null | undefined, digits = metricDigits(metric)): string {
  return formatNumber(value, digits);
}

/** FVA or any difference in the metric's points, always signed: "+5.3", "−1.8"; one that rounds to zero: "0.0". */
export function formatPoints(metric: Metric, value: number | null | undefined, digits = metricDigits(metric)): string {
  return formatNumber(value, digits, { signed: true });
}

/** A 95 % interval of an FVA: "−2.9 to −0.5". */
export function formatInterval(metric: Metric, ci: Interval | null | undefined, digits = metricDigits(metric)): string {
  if (!ci) return NO_VALUE;
  return `${formatPoints(metric, ci.low, digits)} to ${formatPoints(metric, ci.high, digits)}`;
}

/** A share of a sample, 0..1 → "37 %". */
export function formatShare(share: number | null | undefined): string {
  return formatPercent(share === null || share === undefined ? share : share * 100);
}

/** count of n as a share: (131, 373) → "35 %". */
export function formatShareOf(count: number | null | undefined, n: number): string {
  if (count === null || count === undefined || !(n > 0)) return NO_VALUE;
  return formatShare(count / n);
}

/** What an interval says about the step: better (above 0), worse (below 0), or cannot tell. */
export type IntervalSign = 'better' | 'worse' | 'unclear';
export function intervalSign(ci: Interval | null | undefined): IntervalSign {
  if (!ci) return 'unclear';
  if (ci.low > 0) return 'better';
  if (ci.high < 0) return 'worse';
  return 'unclear';
}

/** What "better" means for a metric, for chart and table captions. */
export const metricDirection = (metric: Metric): string => (metric === 'bias' ? 'closer to 0 is better' : 'lower is better');

/** "MAPE leaves out 12 lines whose actual is 0." — null for a metric that scores every line. */
export function leftOutNote(metric: Metric, excluded: number, what = 'lines'): string | null {
  const why = LEFT_OUT_WHY[metric];
  if (why === undefined) return null;
  const unit = excluded === 1 ? what.replace(/s$/, '') : what;
  return `${METRIC_LABELS[metric].replace(' %', '')} leaves out ${formatCount(excluded)} ${unit} ${why}.`;
}
