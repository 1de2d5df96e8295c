// The report's two charts, as the HTML report draws them: model and final plan
// WAPE per period with the interval's coverage, and WAPE by category. The
// figures are the backend's (GovernanceReport.monitoring); these only draw them.
import type { EChartsOption } from 'echarts';
import { formatNumber, formatPercent, formatPeriod, NO_VALUE, roundTo } from '../../../shared/format';
import type { GovernanceReport } from '../../../shared/governance';
import type { Grain } from '../../../shared/period';
import { Chart, CHART_COLORS } from '../../components/Chart';

const text = { color: CHART_COLORS.text, fontSize: 11 };
const title = (t: string) => ({ text: t, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600 as const, color: '#28313b' } });
const legend = (data: string[]) => ({ top: 18, left: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data });
const round = (v: number | null) => roundTo(v, 2);
const percentTooltip = (v: unknown) => (typeof v === 'number' ? formatPercent(v, 1) : NO_VALUE);

export function ErrorTrendChart({ trend, intervalLevel, grain }: { trend: GovernanceReport['monitoring']['trend']; intervalLevel: number | null; grain: Grain }) {
  const periods = trend.map((t) => formatPeriod(t.period, grain));
  const coverageName = intervalLevel === null ? 'Interval coverage %' : `Coverage of the ${intervalLevel} % interval`;
  const option: EChartsOption = {
    animation: false,
    title: title('Model and final plan error per period (WAPE %), with interval coverage'),
    legend: legend(['Model', 'Final plan', coverageName]),
    grid: { left: 48, right: 52, top: 58, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: percentTooltip },
    xAxis: { type: 'category', data: periods, name: `Period (${grain})`, nameLocation: 'middle', nameGap: 24, nameTextStyle: text, axisLabel: text, axisLine: { lineStyle: { color: '#b8bec6' } } },
    yAxis: [
      { type: 'value', name: 'WAPE %', nameTextStyle: { ...text, align: 'left' }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
      { type: 'value', name: 'Coverage %', min: 0, max: 100, nameTextStyle: { ...text, align: 'right' }, axisLabel: { ...text, color: '#9aa3ad' }, splitLine: { show: false } },
    ],
    series: [
      { name: 'Model', type: 'line', symbolSize: 5, color: CHART_COLORS.model, data: trend.map((t) => round(t.model)), z: 3 },
      { name: 'Final plan', type: 'line', symbolSize: 5, color: CHART_COLORS.final, data: trend.map((t) => round(t.final)), z: 3 },
      { name: coverageName, type: 'line', yAxisIndex: 1, symbol: 'none', color: '#9aa3ad', lineStyle: { type: 'dashed', width: 1.5 }, data: trend.map((t) => round(t.coverage)), z: 2 },
    ],
  };
  return (
    <Chart
      option={option}
      height={270}
      label={`Line chart of the model's and the final plan's WAPE % per period, ${trend.length} periods from ${periods[0] ?? NO_VALUE} to ${periods.at(-1) ?? NO_VALUE}, with the share of actuals inside the model's interval on a second axis.`}
    />
  );
}

export function CategoryErrorChart({ categories }: { categories: GovernanceReport['monitoring']['byCategory'] }) {
  const option: EChartsOption = {
    animation: false,
    title: title('Error by category (WAPE %), all lines with actuals'),
    legend: legend(['Model', 'Final plan']),
    grid: { left: 48, right: 12, top: 58, bottom: 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: percentTooltip },
    xAxis: { type: 'category', data: categories.map((c) => c.category), name: 'Category', nameLocation: 'middle', nameGap: 24, nameTextStyle: text, axisLabel: { ...text, interval: 0 }, axisLine: { lineStyle: { color: '#b8bec6' } } },
    yAxis: { type: 'value', name: 'WAPE %', nameTextStyle: { ...text, align: 'left' }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
    series: [
      { name: 'Model', type: 'bar', color: CHART_COLORS.model, barGap: '10%', data: categories.map((c) => round(c.modelWape)), label: { show: categories.length <= 8, position: 'top', fontSize: 10, color: '#28313b', formatter: (p) => formatNumber(p.value as number, 1) } },
      { name: 'Final plan', type: 'bar', color: CHART_COLORS.final, data: categories.map((c) => round(c.finalWape)), label: { show: categories.length <= 8, position: 'top', fontSize: 10, color: '#28313b', formatter: (p) => formatNumber(p.value as number, 1) } },
    ],
  };
  return (
    <Chart
      option={option}
      height={270}
      label={`Bar chart of WAPE % by category for the model and the final plan: ${categories.map((c) => `${c.category} ${formatPercent(c.modelWape, 1)} / ${formatPercent(c.finalWape, 1)}`).join(', ')}.`}
    />
  );
}
