// The report's two charts on screen. Their words and figures come from
// shared/governance-charts.ts, which the HTML report draws too; this file only
// styles them for the canvas.
import type { EChartsOption, SeriesOption } from 'echarts';
import { categoryErrorChart, chartPercentText, chartValueText, errorTrendChart, type ReportChartSeries } from '../../../shared/governance-charts';
import type { GovernanceReport } from '../../../shared/governance';
import { Chart, CHART_COLORS } from '../../components/Chart';

const text = { color: CHART_COLORS.text, fontSize: 11 };
const title = (t: string) => ({ text: t, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600 as const, color: '#28313b' } });
const legend = (series: ReportChartSeries[]) => ({ top: 18, left: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data: series.map((s) => s.name) });
const xAxis = (labels: string[], name: string, interval?: number) => ({
  type: 'category' as const,
  data: labels,
  name,
  nameLocation: 'middle' as const,
  nameGap: 24,
  nameTextStyle: text,
  axisLabel: interval === undefined ? text : { ...text, interval },
  axisLine: { lineStyle: { color: '#b8bec6' } },
});
const wapeAxis = { type: 'value' as const, name: 'WAPE %', nameTextStyle: { ...text, align: 'left' as const }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } };

function trendSeries(s: ReportChartSeries): SeriesOption {
  if (s.figure === 'coverage') return { name: s.name, type: 'line', yAxisIndex: 1, symbol: 'none', color: '#9aa3ad', lineStyle: { type: 'dashed', width: 1.5 }, data: s.data, z: 2 };
  return { name: s.name, type: 'line', symbolSize: 5, color: s.figure === 'model' ? CHART_COLORS.model : CHART_COLORS.final, data: s.data, z: 3 };
}

export function ErrorTrendChart({ report }: { report: GovernanceReport }) {
  const chart = errorTrendChart(report);
  const option: EChartsOption = {
    animation: false,
    title: title(chart.title),
    legend: legend(chart.series),
    grid: { left: 48, right: 52, top: 58, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: chartPercentText },
    xAxis: xAxis(chart.labels, chart.axisName),
    yAxis: [wapeAxis, { type: 'value', name: 'Coverage %', min: 0, max: 100, nameTextStyle: { ...text, align: 'right' }, axisLabel: { ...text, color: '#9aa3ad' }, splitLine: { show: false } }],
    series: chart.series.map(trendSeries),
  };
  return <Chart option={option} height={270} label={chart.description} />;
}

export function CategoryErrorChart({ report }: { report: GovernanceReport }) {
  const chart = categoryErrorChart(report);
  const labelled = chart.labels.length <= 8;
  const option: EChartsOption = {
    animation: false,
    title: title(chart.title),
    legend: legend(chart.series),
    grid: { left: 48, right: 12, top: 58, bottom: 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: chartPercentText },
    xAxis: xAxis(chart.labels, chart.axisName, 0),
    yAxis: wapeAxis,
    series: chart.series.map((s, i) => ({
      name: s.name,
      type: 'bar',
      color: s.figure === 'model' ? CHART_COLORS.model : CHART_COLORS.final,
      ...(i === 0 ? { barGap: '10%' } : {}),
      data: s.data,
      label: { show: labelled, position: 'top', fontSize: 10, color: '#28313b', formatter: (p: { value: unknown }) => chartValueText(p.value) },
    })),
  };
  return <Chart option={option} height={270} label={chart.description} />;
}
