import type { EChartsOption } from 'echarts';
import type { OverridePoint } from '../../../shared/accuracy';
import { formatCount, formatPercent, formatPeriod } from '../../../shared/format';
import { Chart, CHART_COLORS } from '../../components/Chart';
import { tooltipFragment, tooltipHtml } from '../../components/chart-text';

/** The backend sends at most this many points (a fixed sample) so the chart stays light. */
const SAMPLE_CAP = 3000;
const text = { color: CHART_COLORS.text, fontSize: 11 };
const UP = '#c2722b';
const DOWN = '#2f6fb0';

/** 10, 20, 25, 50, 100, … : a tick step giving about five ticks over `span`. */
function niceStep(span: number): number {
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw) ?? 10) * magnitude;
}

/**
 * Axis bounds that keep the bulk readable: the 1st–99th percentile, widened to a
 * round tick step and always including 0. A few extreme points would otherwise
 * squash every other point into a corner; how many fall outside is said under the chart.
 */
function bounds(values: number[]): { min: number; max: number; interval: number } {
  if (values.length === 0) return { min: -10, max: 10, interval: 5 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
  const lo = Math.min(0, at(0.01));
  const hi = Math.max(0, at(0.99));
  const interval = niceStep(Math.max(hi - lo, 1));
  return { min: Math.floor(lo / interval) * interval, max: Math.ceil(hi / interval) * interval || interval, interval };
}

export function OverrideScatter({ points }: { points: OverridePoint[] }) {
  const x = bounds(points.map((p) => p.sizePct));
  const y = bounds(points.map((p) => p.errorReductionPct));
  const [xMin, xMax, yMin, yMax] = [x.min, x.max, y.min, y.max];
  const outside = points.filter((p) => p.sizePct < xMin || p.sizePct > xMax || p.errorReductionPct < yMin || p.errorReductionPct > yMax).length;
  const series = (direction: 'up' | 'down') =>
    points.filter((p) => p.direction === direction).map((p) => ({ value: [Number(p.sizePct.toFixed(2)), Number(p.errorReductionPct.toFixed(2))], point: p }));
  const up = series('up');
  const down = series('down');

  const option: EChartsOption = {
    animation: false,
    title: { text: 'Override size against error reduction', left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 18, left: 0, itemWidth: 10, itemHeight: 10, textStyle: text, data: [`Up (n = ${formatCount(up.length)})`, `Down (n = ${formatCount(down.length)})`] },
    grid: { left: 58, right: 16, top: 58, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const item = (p as unknown as { data: { point: OverridePoint } }).data.point;
        // Item ids and reason codes come from imported files: escaped, never markup.
        return tooltipHtml`<b>${item.itemId}</b> · ${formatPeriod(item.period)}<br/>override ${formatPercent(item.sizePct, 1, { signed: true })} of model<br/>error ${item.errorReductionPct >= 0 ? 'reduced' : 'increased'} by ${formatPercent(Math.abs(item.errorReductionPct), 1)} of actual${item.reasonCode ? tooltipFragment`<br/>reason: ${item.reasonCode}` : ''}`;
      },
    },
    xAxis: {
      type: 'value',
      min: xMin,
      max: xMax,
      interval: x.interval,
      name: 'Override size, % of the model (− down, + up)',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: text,
      axisLabel: text,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    yAxis: {
      type: 'value',
      min: yMin,
      max: yMax,
      interval: y.interval,
      name: 'Error reduction, % of actual (+ helped)',
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: text,
      axisLabel: text,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      {
        name: `Up (n = ${formatCount(up.length)})`,
        type: 'scatter',
        symbolSize: 4,
        color: UP,
        itemStyle: { opacity: 0.55 },
        data: up,
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#6b7580', type: 'solid', width: 1 }, data: [{ yAxis: 0 }, { xAxis: 0 }] },
      },
      { name: `Down (n = ${formatCount(down.length)})`, type: 'scatter', symbol: 'triangle', symbolSize: 5, color: DOWN, itemStyle: { opacity: 0.55 }, data: down },
    ],
  };
  return (
    <figure className="acc-figure">
      <Chart
        option={option}
        height={260}
        label={`Scatter chart of ${formatCount(points.length)} overridden lines: override size as a percentage of the model against the error reduction as a percentage of the actual; ${formatCount(up.length)} upward and ${formatCount(down.length)} downward overrides.`}
      />
      <figcaption className="small-print">
        One point per overridden line with a known actual{points.length >= SAMPLE_CAP ? ` (a fixed sample of ${formatCount(points.length)})` : ''}. Above 0 the override made the error smaller.
        {outside > 0 ? ` ${formatCount(outside)} extreme ${outside === 1 ? 'point lies' : 'points lie'} beyond the axes and ${outside === 1 ? 'is' : 'are'} not drawn.` : ''}
      </figcaption>
    </figure>
  );
}
