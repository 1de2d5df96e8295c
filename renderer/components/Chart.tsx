// ECharts with only the parts we use registered (keeps the bundle lean). Every
// chart gets a title and an accessible description.
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { LineChart, BarChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([LineChart, BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, MarkLineComponent, AriaComponent, CanvasRenderer]);

export const CHART_COLORS = {
  actual: '#3f4a56',
  model: '#2f6fb0',
  band: '#2f6fb0',
  final: '#c2722b',
  sales: '#6b8e23',
  grid: '#e3e6ea',
  text: '#5b6570',
};

export function Chart({ option, label, height }: { option: EChartsOption; label: string; height: number }) {
  return (
    <div className="chart" role="img" aria-label={label} style={{ height }}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: '100%', width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
