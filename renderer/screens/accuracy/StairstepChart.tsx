import type { EChartsOption } from 'echarts';
import { METRIC_LABELS, type Stairstep } from '../../../shared/accuracy';
import { formatMetricValue, formatPoints, metricDirection } from '../../../shared/accuracy-format';
import { formatCount, roundTo } from '../../../shared/format';
import { Chart, CHART_COLORS } from '../../components/Chart';
import { richTextValue, tooltipFragment, tooltipHtml } from '../../components/chart-text';

/** Benchmarks in greys, the model in its blue, the final plan in its orange, as on the Review charts. */
const STEP_COLORS: Record<string, string> = {
  naive: '#aab3bd',
  seasonal_naive: '#7f8b97',
  model: CHART_COLORS.model,
  final: CHART_COLORS.final,
};

const text = { color: CHART_COLORS.text, fontSize: 11 };

/**
 * The stairstep as bars in order, each labelled with its value and its FVA over
 * the step before; the sales input stands apart (hatched, its own colour) as the
 * parallel "had we used the sales input" bar, compared with the model.
 */
export function StairstepChart({ stairstep }: { stairstep: Stairstep }) {
  const { metric, steps, salesInput } = stairstep;
  const categories = [...steps.map((s) => s.label), ...(salesInput ? [`${salesInput.label} (parallel)`] : [])];
  const value = (v: number | null) => roundTo(v, 4);
  const label = (fva: number | null) => ({
    show: true,
    position: 'top' as const,
    formatter: (p: { value: unknown }) => `{v|${richTextValue(formatMetricValue(metric, p.value as number))}}${fva === null ? '' : `\n{f|${richTextValue(formatPoints(metric, fva))} pts}`}`,
    rich: { v: { fontSize: 12, fontWeight: 600, color: '#28313b', lineHeight: 15 }, f: { fontSize: 10, color: fva !== null && fva < 0 ? '#b3261e' : '#1e6a35', lineHeight: 13 } },
  });

  const option: EChartsOption = {
    animation: false,
    title: { text: `FVA stairstep · ${METRIC_LABELS[metric]} (${metricDirection(metric)})`, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data: ['Stairstep', 'Sales input vs model'] },
    grid: { left: 52, right: 12, top: 48, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { dataIndex: number; seriesName: string };
        const step = item.seriesName === 'Stairstep' ? steps[item.dataIndex] : salesInput;
        if (!step) return '';
        const fva = step.fva === null ? '' : tooltipFragment`<br/>FVA ${formatPoints(metric, step.fva)} pts vs ${step.source === 'sales_input' ? 'model' : 'step before'}`;
        return tooltipHtml`<b>${step.label}</b><br/>${METRIC_LABELS[metric]} ${formatMetricValue(metric, step.value)}${fva}<br/>n = ${formatCount(step.n)} lines`;
      },
    },
    xAxis: {
      type: 'category',
      data: categories,
      name: 'Forecast step',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: text,
      axisLabel: { ...text, interval: 0 },
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: '#b8bec6' } },
    },
    yAxis: {
      type: 'value',
      name: METRIC_LABELS[metric],
      nameTextStyle: { ...text, align: 'left' },
      axisLabel: text,
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      {
        name: 'Stairstep',
        type: 'bar',
        barWidth: '52%',
        color: CHART_COLORS.model,
        data: [
          ...steps.map((s) => ({ value: value(s.value), itemStyle: { color: STEP_COLORS[s.source] }, label: label(s.fva) })),
          ...(salesInput ? [null] : []),
        ],
      },
      {
        name: 'Sales input vs model',
        type: 'bar',
        barWidth: '52%',
        barGap: '-100%',
        color: CHART_COLORS.sales,
        itemStyle: { color: 'rgba(107, 142, 35, 0.28)', borderColor: CHART_COLORS.sales, borderWidth: 1.5, borderType: 'dashed', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: -Math.PI / 4, color: 'rgba(107, 142, 35, 0.45)' } },
        data: [...steps.map(() => null), ...(salesInput ? [{ value: value(salesInput.value), label: label(salesInput.fva) }] : [])],
      },
    ],
  };
  const described = steps.map((s) => `${s.label} ${formatMetricValue(metric, s.value)}`).join(', ');
  return (
    <Chart
      option={option}
      height={260}
      label={`Bar chart of the FVA stairstep in ${METRIC_LABELS[metric]} over ${formatCount(stairstep.n)} lines: ${described}${salesInput ? `; sales input ${formatMetricValue(metric, salesInput.value)} on ${formatCount(salesInput.n)} lines` : ''}.`}
    />
  );
}
