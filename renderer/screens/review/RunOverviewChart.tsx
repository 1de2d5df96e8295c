import type { EChartsOption } from 'echarts';
import type { RunOverview } from '../../../shared/domain';
import type { Grain } from '../../../shared/period';
import { formatPeriod, formatQuantity } from '../../../shared/format';
import { Chart, CHART_COLORS } from '../../components/Chart';

/** Total actual demand of the run's items up to the origin, and the run's total model forecast after it. */
export function RunOverviewChart({ overview, grain }: { overview: RunOverview; grain: Grain }) {
  const periods = [...overview.history.map((h) => h.period), ...overview.forecast.map((f) => f.period)];
  const unique = [...new Set(periods)].sort();
  const actualBy = new Map(overview.history.map((h) => [h.period, h.actual]));
  const forecastBy = new Map(overview.forecast.map((f) => [f.period, f.quantity]));
  const axisText = { color: CHART_COLORS.text, fontSize: 11 };
  const option: EChartsOption = {
    animation: false,
    title: { text: `Total demand of the run’s items, units per ${grain}`, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: axisText },
    grid: { left: 56, right: 12, top: 26, bottom: 36 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatQuantity(v as number) },
    xAxis: {
      type: 'category',
      data: unique.map((p) => formatPeriod(p, grain)),
      name: `Period (${grain})`,
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: axisText,
      axisLabel: axisText,
      axisLine: { lineStyle: { color: '#b8bec6' } },
    },
    yAxis: {
      type: 'value',
      axisLabel: { ...axisText, formatter: (v: number) => (v >= 1000 ? `${Math.round(v / 1000)}k` : String(v)) },
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      { name: 'Actual', type: 'line', symbol: 'none', color: CHART_COLORS.actual, data: unique.map((p) => actualBy.get(p) ?? null) },
      {
        name: 'Model forecast',
        type: 'line',
        symbolSize: 4,
        color: CHART_COLORS.model,
        lineStyle: { type: 'dashed' },
        data: unique.map((p) => forecastBy.get(p) ?? null),
        markLine: {
          symbol: 'none',
          silent: true,
          label: { formatter: 'origin', color: CHART_COLORS.text, fontSize: 10 },
          lineStyle: { color: '#9aa3ad', type: 'dotted' },
          data: [{ xAxis: formatPeriod(overview.origin, grain) }],
        },
      },
    ],
  };
  return (
    <Chart
      option={option}
      height={140}
      label={`Line chart of total demand per ${grain}: actuals up to the origin ${formatPeriod(overview.origin, grain)} and the model forecast for ${overview.forecast.length} ${grain}s after it.`}
    />
  );
}
