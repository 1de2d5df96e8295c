import type { EChartsOption } from 'echarts';
import { METRIC_LABELS, leavesLinesOut, type Metric, type TrendPoint } from '../../../shared/accuracy';
import { formatMetricValue, metricDirection } from '../../../shared/accuracy-format';
import { formatCount, formatPeriod, NO_VALUE, roundTo } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import { Chart, CHART_COLORS } from '../../components/Chart';

const text = { color: CHART_COLORS.text, fontSize: 11 };

/** Model, final plan and naive per period, with the lines behind each period as quiet bars on a second axis. */
export function TrendChart({ metric, trend, grain }: { metric: Metric; trend: TrendPoint[]; grain: Grain }) {
  const periods = trend.map((t) => formatPeriod(t.period, grain));
  const round = (v: number | null) => roundTo(v, 4);
  // The bars count the lines the metric scored (MAPE and MASE leave some out).
  const linesName = leavesLinesOut(metric) ? 'Lines scored (n)' : 'Lines (n)';
  const option: EChartsOption = {
    animation: false,
    title: { text: `Accuracy per period · ${METRIC_LABELS[metric]} (${metricDirection(metric)})`, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 18, left: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data: ['Model', 'Final plan', 'Naive', linesName] },
    grid: { left: 52, right: 52, top: 58, bottom: 40 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? (Number.isInteger(v) ? formatCount(v) : formatMetricValue(metric, v)) : NO_VALUE),
    },
    xAxis: {
      type: 'category',
      data: periods,
      name: `Period (${grain})`,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: text,
      axisLabel: text,
      axisLine: { lineStyle: { color: '#b8bec6' } },
    },
    yAxis: [
      { type: 'value', name: METRIC_LABELS[metric], nameTextStyle: { ...text, align: 'left' }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
      { type: 'value', name: linesName, nameTextStyle: { ...text, align: 'right' }, axisLabel: { ...text, color: '#9aa3ad' }, splitLine: { show: false } },
    ],
    series: [
      { name: linesName, type: 'bar', yAxisIndex: 1, barWidth: '40%', color: '#e6e9ed', data: trend.map((t) => t.n), z: 1 },
      { name: 'Model', type: 'line', symbolSize: 5, color: CHART_COLORS.model, data: trend.map((t) => round(t.model)), z: 3 },
      { name: 'Final plan', type: 'line', symbolSize: 5, color: CHART_COLORS.final, data: trend.map((t) => round(t.final)), z: 3 },
      { name: 'Naive', type: 'line', symbol: 'none', color: '#9aa3ad', lineStyle: { type: 'dashed', width: 1.5 }, data: trend.map((t) => round(t.naive)), z: 2 },
    ],
  };
  return (
    <Chart
      option={option}
      height={260}
      label={`Line chart of ${METRIC_LABELS[metric]} per period for the model, the final plan and the naive forecast, ${trend.length} periods from ${periods[0] ?? NO_VALUE} to ${periods.at(-1) ?? NO_VALUE}, with the number of lines ${leavesLinesOut(metric) ? 'scored ' : ''}per period.`}
    />
  );
}
