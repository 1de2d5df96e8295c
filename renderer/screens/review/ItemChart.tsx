import type { EChartsOption } from 'echarts';
import type { ItemDetail } from '../../../shared/domain';
import { formatPeriod, formatQuantity } from '../../../shared/format';
import { addBuckets } from '../../../shared/period';
import { Chart, CHART_COLORS } from '../../components/Chart';

const HISTORY_BUCKETS = 24;
const capitalized = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

/**
 * History, the run's forecast with its interval as a band, the sales input, and
 * what the earlier runs said one bucket ahead (model and final plan) for the
 * months that are now known.
 */
export function ItemChart({ detail, intervalLevel }: { detail: ItemDetail; intervalLevel: number | null }) {
  const band = intervalLevel ? `${intervalLevel} % interval` : 'Interval';
  // New items start where their history starts, not two years of empty axis earlier.
  const window = addBuckets(detail.origin, -(HISTORY_BUCKETS - 1), detail.grain);
  const firstKnown = detail.history[0]?.period ?? detail.origin;
  const first = firstKnown > window ? addBuckets(firstKnown, -1, detail.grain) : window;
  const periods: string[] = [];
  const last = detail.forecast.at(-1)?.period ?? detail.origin;
  for (let p = first; p <= last; p = addBuckets(p, 1, detail.grain)) periods.push(p);

  const actual = new Map(detail.history.map((h) => [h.period, h.actual]));
  const forecast = new Map(detail.forecast.map((f) => [f.period, f]));
  const lag1 = new Map(detail.earlierRuns.flatMap((r) => r.lines.filter((l) => l.lag === 1).map((l) => [l.period, l] as const)));
  const at = <T,>(map: Map<string, T>, f: (v: T) => number | null) => periods.map((p) => (map.has(p) ? f(map.get(p)!) : null));
  const text = { color: CHART_COLORS.text, fontSize: 10 };

  const option: EChartsOption = {
    animation: false,
    title: { text: `${detail.item.itemId}: units per ${detail.grain}`, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { bottom: 0, left: 0, itemWidth: 12, itemHeight: 6, textStyle: text, data: ['Actual', 'Model forecast', band, 'Sales input', 'Earlier forecast (lag 1)', 'Earlier final plan (lag 1)'] },
    // Room under the axis for its name and a legend that wraps to two rows in the narrow panel.
    grid: { left: 44, right: 8, top: 24, bottom: 74 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatQuantity(v as number) },
    xAxis: { type: 'category', data: periods.map((p) => formatPeriod(p, detail.grain)), axisLabel: text, name: capitalized(detail.grain), nameLocation: 'middle', nameGap: 20, nameTextStyle: text },
    yAxis: { type: 'value', axisLabel: { ...text, formatter: (v: number) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(v)) }, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
    series: [
      // The band: an invisible lower line, and the width stacked on top of it.
      { name: 'band-base', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, data: at(forecast, (f) => f.lower), tooltip: { show: false } },
      { name: band, type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, color: CHART_COLORS.band, areaStyle: { opacity: 0.15 }, data: at(forecast, (f) => (f.upper !== null && f.lower !== null ? f.upper - f.lower : null)) },
      { name: 'Actual', type: 'line', symbol: 'circle', symbolSize: 3, color: CHART_COLORS.actual, data: at(actual, (a) => a) },
      { name: 'Model forecast', type: 'line', symbol: 'circle', symbolSize: 4, color: CHART_COLORS.model, lineStyle: { type: 'dashed' }, data: at(forecast, (f) => f.quantity) },
      { name: 'Sales input', type: 'scatter', symbol: 'diamond', symbolSize: 8, color: CHART_COLORS.sales, data: at(forecast, (f) => f.salesInput) },
      { name: 'Earlier forecast (lag 1)', type: 'scatter', symbol: 'circle', symbolSize: 6, color: '#8fb3d9', data: at(lag1, (l) => l.quantity) },
      { name: 'Earlier final plan (lag 1)', type: 'scatter', symbol: 'triangle', symbolSize: 7, color: CHART_COLORS.final, data: at(lag1, (l) => (l.overridden ? l.final : null)) },
    ],
  };
  return (
    <Chart
      option={option}
      height={240}
      label={`Chart of ${detail.item.name}: actuals per ${detail.grain}, this run's forecast with its ${band.toLowerCase()}, the sales input, and earlier one-${detail.grain}-ahead forecasts and overrides.`}
    />
  );
}
